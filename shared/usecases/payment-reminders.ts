import { chinaCalendarDate } from '../domain/china-time.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import { officialCalendar } from '../domain/official-calendar.js';
import type { PaymentRecord } from '../domain/payment-records.js';
import { chasesDue, type PaymentChase, workingDaysOverdue } from '../domain/payment-reminders.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import type { PaymentPublisher } from '../ports/payment-publisher.js';
import type { PaymentRepository, PurchaseRepository } from '../ports/repositories.js';
import { renderPaymentEscalationMail } from '../presentation/mail/payment-escalation-mail.js';
import { paymentNotice } from '../presentation/payment-notice.js';
import { notifiedTranches } from './operations.js';

export interface ChaseDeps {
  purchases: Pick<PurchaseRepository, 'listOpenPurchases' | 'getPurchase'>;
  payments: Pick<PaymentRepository, 'listPayments' | 'recordChase'>;
  /** The finance topic: the reminder goes where the notice went. */
  publisher: PaymentPublisher;
  mailer: Mailer;
  /**
   * The approvers roster (reference data): the escalation goes to its finance section and director;
   * and the official calendar the working days are counted on.
   */
  policy: Pick<PolicySettings, 'approval' | 'officialCalendar'>;
  lifecycle: Pick<LifecycleSettings, 'payments'>;
  /** The task-link keys: the reminder carries finance's confirmation link again. */
  linkKey: LinkKeyProvider;
  baseUrl: string;
  now: Now;
}

/** A chase that was sent. */
export interface ChaseSent {
  purchaseId: string;
  tranche: number;
  chase: PaymentChase;
  overdueWorkingDays: number;
}

/**
 * Run daily by a schedule: every tranche of an open purchase still unconfirmed past its due date
 * is chased: finance is reminded on the payments topic (with the confirmation link again), and
 * later the head of the finance section and the bureau director are mailed. Each is sent, then
 * marked on the payment step with its audit entry, so each goes out once per tranche (a crash
 * between the two sends it again the next day, never loses it). `scheduledAt`: the time the
 * schedule named for this run, whose China date is the day chased (by default, now).
 */
export async function chaseUnconfirmedTranches(
  deps: ChaseDeps,
  run: { scheduledAt?: string } = {},
): Promise<ChaseSent[]> {
  const today = chinaCalendarDate(run.scheduledAt ?? deps.now());
  const calendar = officialCalendar(deps.policy);
  const sent: ChaseSent[] = [];
  const purchases = new Map<string, PurchaseRecord | undefined>();
  for (const payment of await notifiedTranches(deps)) {
    const chases = chasesDue(payment, today, deps.lifecycle.payments, calendar);
    if (chases.length === 0) continue;
    if (!purchases.has(payment.purchaseId))
      purchases.set(payment.purchaseId, await deps.purchases.getPurchase(payment.purchaseId));
    const purchase = purchases.get(payment.purchaseId);
    if (!purchase) continue;
    const overdueWorkingDays = workingDaysOverdue(payment.dueDate ?? today, today, calendar);
    let current = payment;
    for (const chase of chases) {
      const told =
        chase === 'REMINDER'
          ? await remind(deps, purchase, current, overdueWorkingDays)
          : await escalate(deps, purchase, current, overdueWorkingDays);
      if (!told) continue;
      current = await deps.payments.recordChase({
        purchaseId: payment.purchaseId,
        tranche: payment.tranche,
        chase,
        now: deps.now(),
      });
      sent.push({ purchaseId: payment.purchaseId, tranche: payment.tranche, chase, overdueWorkingDays });
    }
  }
  return sent;
}

async function remind(
  deps: ChaseDeps,
  purchase: PurchaseRecord,
  payment: PaymentRecord,
  overdueWorkingDays: number,
): Promise<boolean> {
  // Every notified tranche has its confirmation task; one without has no link to remind of.
  if (!payment.confirmTaskId || !payment.dueDate) return false;
  await deps.publisher.publish(
    paymentNotice({
      purchaseId: purchase.purchaseId,
      title: purchase.proposal.title,
      ngo: purchase.proposal.ngo,
      tranche: { tranche: payment.tranche, milestone: payment.milestone },
      amountFen: payment.amountFen,
      ...(payment.reduction ? { reduction: payment.reduction } : {}),
      dueDate: payment.dueDate,
      confirmLink: signTaskLink(deps.baseUrl, payment.confirmTaskId, await deps.linkKey()),
      overdueWorkingDays,
    }),
  );
  return true;
}

async function escalate(
  deps: ChaseDeps,
  purchase: PurchaseRecord,
  payment: PaymentRecord,
  overdueWorkingDays: number,
): Promise<boolean> {
  const { FINANCE_SECTION, BUREAU_DIRECTOR } = deps.policy.approval.approvers;
  const mail = renderPaymentEscalationMail({
    purchaseId: purchase.purchaseId,
    proposal: purchase.proposal,
    payment,
    overdueWorkingDays,
  });
  await deps.mailer.send({ to: [FINANCE_SECTION.email, BUREAU_DIRECTOR.email], ...mail });
  return true;
}
