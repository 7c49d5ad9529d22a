import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { type NgoNotice, type NgoNoticeKind, ngoNotices } from '../domain/ngo-notices.js';
import type { Now } from '../ports/clock.js';
import type { Mailer } from '../ports/mailer.js';
import type { PaymentRepository, PurchaseRepository } from '../ports/repositories.js';
import { renderNoticeMail } from '../presentation/mail/ngo-mail.js';
import { loadPurchase } from './load-purchase.js';
import { onceForPurchase } from './once.js';

/**
 * Telling the NGO the outcomes that concern it, by mail to its registered contact, once each.
 * The step that decides an outcome names the kinds of notice it can produce, so a purchase
 * that was under way before this existed is not sent its whole past at once.
 */

export interface InformNgoDeps {
  purchases: PurchaseRepository;
  payments: Pick<PaymentRepository, 'listPayments'>;
  mailer: Mailer;
  now: Now;
}

/**
 * Mails the NGO each notice of these kinds it has not been told yet (of those `about` keeps, when
 * given: a payment confirmed tells of its own tranche only); returns the ids it told.
 */
export async function informNgo(
  deps: InformNgoDeps,
  purchaseId: string,
  kinds: readonly NgoNoticeKind[],
  about: (notice: NgoNotice) => boolean = () => true,
): Promise<string[]> {
  const purchase = await loadPurchase(deps, purchaseId);
  const payments = await deps.payments.listPayments(purchaseId);
  const to = purchase.proposal.ngo.contactEmail;
  const told: string[] = [];
  for (const notice of ngoNotices(purchase, payments).filter((n) => kinds.includes(n.kind) && about(n))) {
    const mail = renderNoticeMail({ purchaseId, proposal: purchase.proposal, notice });
    const sent = await onceForPurchase(
      deps,
      purchase,
      `ngo.told:${notice.id}`,
      { actor: WORKFLOW_ACTOR, action: 'ngo.told', detail: { notice: notice.kind, id: notice.id, to } },
      () => deps.mailer.send({ to, ...mail }),
    );
    if (sent) told.push(notice.id);
  }
  return told;
}

/** A workflow step whose outcome the NGO hears of: the step runs, then the NGO is told. */
export function thenInformNgo<Input extends { purchaseId: string }, Result>(
  deps: InformNgoDeps,
  kinds: readonly NgoNoticeKind[],
  step: (input: Input) => Promise<Result>,
): (input: Input) => Promise<Result> {
  return async (input) => {
    const result = await step(input);
    await informNgo(deps, input.purchaseId, kinds);
    return result;
  };
}
