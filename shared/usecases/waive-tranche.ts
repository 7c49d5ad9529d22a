import type { BilingualText } from '../domain/bilingual.js';
import type { PaymentRecord } from '../domain/payment-records.js';
import type { Now } from '../ports/clock.js';
import type { PaymentRepository, PurchaseRepository, TaskRepository } from '../ports/repositories.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import { PAYMENT_STATUS_LABELS } from '../presentation/labels.js';
import { resumeClosingWhenSettled } from './settlement.js';

export interface WaiveTrancheDeps {
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  payments: PaymentRepository;
  tasks: Pick<TaskRepository, 'expireOpenTasks'>;
  callbacks: TaskCallbacks;
  now: Now;
}

export type WaiveOutcome =
  | { outcome: 'WAIVED' | 'ALREADY_WAIVED'; payment: PaymentRecord; closingResumed: boolean }
  | { outcome: 'NOT_WAIVABLE'; payment?: PaymentRecord; message: BilingualText }
  | { outcome: 'UNKNOWN' };

/** Why a tranche cannot be waived, for the 409 the console shows next to the button. */
function notWaivable(tranche: number, payment: PaymentRecord | undefined): BilingualText {
  if (!payment)
    return {
      zh: `第 ${tranche} 期款项尚未到期，没有可以免于支付的款项。`,
      en: `Tranche ${tranche} has not fallen due: there is nothing to waive.`,
    };
  const state = PAYMENT_STATUS_LABELS[payment.status];
  return {
    zh: `第 ${tranche} 期款项的状态是“${state.zh}”，只有待付款的款项可以免于支付。`,
    en: `Tranche ${tranche} is ${state.en}: only a tranche that is due can be waived.`,
  };
}

/**
 * The finance section head (or an administrator) waives what is still due on a tranche, with a
 * reason: recorded once on the payment step with its audit entry, its confirmation links closed, and
 * when it was the purchase's last outstanding tranche, the waiting closing step is resumed (a repeat resumes it too, so a
 * request that failed after recording is completed by the next).
 */
export async function waiveTranche(
  deps: WaiveTrancheDeps,
  input: { purchaseId: string; tranche: number; by: string; reason: string },
): Promise<WaiveOutcome> {
  const { purchaseId, tranche, by, reason } = input;
  if (!(await deps.purchases.getPurchase(purchaseId))) return { outcome: 'UNKNOWN' };
  const result = await deps.payments.waivePayment({ purchaseId, tranche, by, reason, now: deps.now() });
  if (result.outcome === 'NOT_WAIVABLE' || !result.payment)
    return {
      outcome: 'NOT_WAIVABLE',
      ...(result.payment ? { payment: result.payment } : {}),
      message: notWaivable(tranche, result.payment),
    };
  // Nobody is to confirm it any more: its confirmation links answer that the step is over.
  await deps.tasks.expireOpenTasks(purchaseId, deps.now(), { step: `PAYMENT:${tranche}` });
  const closingResumed = await resumeClosingWhenSettled(deps, purchaseId);
  return { outcome: result.outcome, payment: result.payment, closingResumed };
}
