import type { HumanTask } from '../../domain/tasks.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { unpayableTranchePage } from '../../presentation/pages/task/payment-confirmation-page.js';
import { resumeClosingWhenSettled } from '../settlement.js';
import type { TaskLinkDeps } from './task-link-deps.js';

type PaymentDeps = Pick<TaskLinkDeps, 'payments' | 'callbacks' | 'now' | 'log'>;

export class TaskContextError extends Error {
  override name = 'TaskContextError';
}

/** The tranche a payment confirmation task is about; a task that names none is a bug upstream. */
export function trancheOf(task: HumanTask): number {
  const tranche = Number(task.context?.tranche);
  if (!Number.isSafeInteger(tranche) || tranche < 1)
    throw new TaskContextError(
      `payment confirmation task of ${task.purchaseId} has no tranche in its context`,
    );
  return tranche;
}

/**
 * Records a confirmed payment on the tranche's payment step, and resumes the purchase's closing
 * step when that settled its last tranche. Idempotent: a repeat finds it CONFIRMED (and resumes
 * again). Called after the decision is recorded, so a crash in between is completed by the next
 * POST (ALREADY_DECIDED).
 */
export async function confirmPayment(deps: PaymentDeps, task: HumanTask): Promise<void> {
  const reference = task.decision?.data?.reference;
  if (task.decision?.decision !== 'CONFIRM' || typeof reference !== 'string') return;
  const tranche = trancheOf(task);
  // The finance section's mailbox is shared: the payment is credited to whoever confirmed it.
  const actedBy = task.decision.data?.actedBy;
  const result = await deps.payments.confirmPayment({
    purchaseId: task.purchaseId,
    tranche,
    by: typeof actedBy === 'string' ? actedBy : task.assignee.email,
    reference,
    now: deps.now(),
  });
  if (result.outcome === 'NOT_PAYABLE') {
    deps.log?.('payment confirmed on a tranche that is not payable', {
      purchaseId: task.purchaseId,
      tranche,
      status: result.payment?.status,
    });
    return;
  }
  await resumeClosingWhenSettled(deps, task.purchaseId);
}

/**
 * Whether a confirmation may be recorded at all: its tranche is due (NOTIFIED), or confirmed
 * already (a repeat, answered from the record). A tranche withheld, cancelled or never made due
 * is refused with a page that says so, before anything is recorded.
 */
export async function refusalOfUnpayable(deps: PaymentDeps, task: HumanTask): Promise<HtmlPage | undefined> {
  if (task.status !== 'PENDING') return undefined;
  const tranche = trancheOf(task);
  const payment = (await deps.payments.listPayments(task.purchaseId)).find((p) => p.tranche === tranche);
  if (payment?.status === 'NOTIFIED' || payment?.status === 'CONFIRMED') return undefined;
  return unpayableTranchePage(tranche, payment?.status);
}

/**
 * On a repeat POST or a later visit: completes what the first POST did not get to, the payment
 * step (still NOTIFIED) or the closing step's resumption (confirmed, then the POST died).
 */
export async function completePayment(deps: PaymentDeps, task: HumanTask): Promise<void> {
  const payments = await deps.payments.listPayments(task.purchaseId);
  const tranche = trancheOf(task);
  const status = payments.find((p) => p.tranche === tranche)?.status;
  if (status === 'NOTIFIED') await confirmPayment(deps, task);
  else if (status === 'CONFIRMED') await resumeClosingWhenSettled(deps, task.purchaseId);
}
