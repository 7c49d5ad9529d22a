import { WORKFLOW_ACTOR } from '../../domain/audit.js';
import { chinaCalendarDate } from '../../domain/china-time.js';
import type { LifecycleSettings } from '../../domain/lifecycle-settings.js';
import { keyIdOfSignature } from '../../links/link-keyring.js';
import { ngoLinkExpiresAt, signNgoLink, verifyNgoLink } from '../../links/ngo-link.js';
import type { Now } from '../../ports/clock.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type { Mailer } from '../../ports/mailer.js';
import type { PurchaseRepository } from '../../ports/repositories.js';
import { renderFreshLinkMail } from '../../presentation/mail/ngo-mail.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { freshLinkSentPage } from '../../presentation/pages/ngo-link-pages.js';
import { forbiddenPage, notFoundPage } from '../../presentation/pages/status-pages.js';
import { onceForPurchase } from '../once.js';
import type { LinkInput } from './open-ngo-link.js';

/**
 * An NGO whose page link has expired asks for a fresh one from the expired link itself. The link
 * must be one we signed (expired or not): a forged or tampered one is refused before anything is
 * read, so nobody can have mail sent about a purchase they never had a link to. The new link goes
 * only to the contact registered with the purchase, at most once an hour per purchase, and the
 * request is on the audit trail.
 */

export interface FreshNgoLinkDeps {
  purchases: PurchaseRepository;
  mailer: Mailer;
  /** The NGO-link keys. */
  linkKey: LinkKeyProvider;
  baseUrl: string;
  settings: Pick<LifecycleSettings, 'ngoLinks'>;
  now: Now;
}

/** POST /ngo/{purchaseId}/fresh-link?exp&sig: mails a fresh page link to the registered contact. */
export async function requestFreshNgoLink(deps: FreshNgoLinkDeps, input: LinkInput): Promise<HtmlPage> {
  const keys = await deps.linkKey(keyIdOfSignature(input.sig));
  if (verifyNgoLink(input.purchaseId, input.exp, input.sig, keys, deps.now()) === 'FORBIDDEN')
    return forbiddenPage();
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) return notFoundPage();
  const now = deps.now();
  const to = purchase.proposal.ngo.contactEmail;
  const expiresAt = ngoLinkExpiresAt(now, deps.settings.ngoLinks.validityDays);
  const sent = await onceForPurchase(
    deps,
    purchase,
    // One an hour: a button pressed again, or by a script, sends nothing more.
    `ngo.fresh-link:${now.slice(0, 13)}`,
    { actor: WORKFLOW_ACTOR, action: 'ngo.fresh-link', detail: { to, expiresAt } },
    async () => {
      const link = signNgoLink(deps.baseUrl, purchase.purchaseId, expiresAt, await deps.linkKey());
      const mail = renderFreshLinkMail({
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        link,
        expiresOn: chinaCalendarDate(expiresAt),
      });
      await deps.mailer.send({ to, ...mail });
    },
  );
  return freshLinkSentPage(to, !sent);
}
