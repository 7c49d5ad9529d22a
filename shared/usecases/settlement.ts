import { DAY_MS } from '../domain/china-time.js';
import { type HandOver, handOverBefore, type PlanContext } from '../domain/execution-budget.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import { outstandingTranches } from '../domain/payment-records.js';
import type { Now } from '../ports/clock.js';
import type { PaymentRepository } from '../ports/repositories.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import { handBack } from './human-steps.js';

/**
 * A purchase closes only once every tranche it made due is settled: paid in full, or waived with a
 * reason by the finance section head (or withheld, or cancelled). Until then the closing step
 * waits on a task token kept in the settlement wait; whoever settles the last tranche (finance's
 * confirmation, a waiver) resumes it. The wait has a timeout (lifecycle.payments
 * .settlementRecheckDays): on timeout the step looks again, which also mends a resumption that was
 * lost, and hands the purchase over to a fresh execution before this one nears its year. Finance
 * is reminded of an unconfirmed tranche by the schedule (payment-reminders.ts), not by this wait.
 */

export interface SettlementDeps {
  payments: Pick<PaymentRepository, 'listPayments' | 'armSettlementWait' | 'getSettlementWait'>;
  callbacks: TaskCallbacks;
  now: Now;
}

/** What the closing step is handed back: close now, or go on in a fresh execution first. */
export type SettlementOutcome = { next: 'CLOSE' } | HandOver;

/**
 * The closing step's wait (a `.waitForTaskToken` task): answers at once when nothing is
 * outstanding, or when the next recheck would outlast the execution; otherwise arms the wait with
 * its token and leaves it to the last settlement. The arm comes before the look at the tranches,
 * and a settlement writes before it looks at the wait, so of the two at least one sees the other.
 */
export async function awaitSettlement(
  deps: SettlementDeps & { lifecycle: Pick<LifecycleSettings, 'payments'> },
  input: { purchaseId: string; taskToken: string } & PlanContext,
): Promise<{ outstanding: number[] }> {
  const { purchaseId, taskToken } = input;
  const now = deps.now();
  const recheckMs = deps.lifecycle.payments.settlementRecheckDays * DAY_MS;
  const handOver = handOverBefore(
    { ...(input.startedAt ? { startedAt: input.startedAt } : {}), now },
    { endsBy: Date.parse(now) + recheckMs },
  );
  if (handOver) {
    await handBack(deps.callbacks, taskToken, handOver);
    return { outstanding: [] };
  }
  await deps.payments.armSettlementWait({ purchaseId, taskToken, now });
  const outstanding = outstandingTranches(await deps.payments.listPayments(purchaseId)).map((p) => p.tranche);
  if (outstanding.length === 0) await handBack(deps.callbacks, taskToken, { next: 'CLOSE' });
  return { outstanding };
}

/**
 * After a tranche was settled (paid in full, waived): when it was the purchase's last outstanding
 * one and the closing step waits, the step is resumed. Safe to call any time and twice: with
 * tranches still due, or nobody waiting (the closing step has not come yet, or the execution
 * moved on), it does nothing. True when it resumed the step.
 */
export async function resumeClosingWhenSettled(
  deps: Omit<SettlementDeps, 'now'>,
  purchaseId: string,
): Promise<boolean> {
  if (outstandingTranches(await deps.payments.listPayments(purchaseId)).length > 0) return false;
  const wait = await deps.payments.getSettlementWait(purchaseId);
  if (!wait) return false;
  const outcome: SettlementOutcome = { next: 'CLOSE' };
  return handBack(deps.callbacks, wait.taskToken, outcome);
}
