import { outstandingFen, type PaymentRecord } from '../../domain/payment-records.js';
import type { HumanTask } from '../../domain/tasks.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { unpayableTranchePage } from '../../presentation/pages/task/payment-confirmation-page.js';
import { informNgo } from '../inform-ngo.js';
import { resumeClosingWhenSettled } from '../settlement.js';
import type { TaskLinkDeps } from './task-link-deps.js';

type PaymentDeps = Pick<
  TaskLinkDeps,
  'payments' | 'tasks' | 'purchases' | 'mailer' | 'callbacks' | 'now' | 'log'
>;

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
 * The POST that recorded finance's confirmation: records the transfer (recordTransfer), then tells
 * the NGO (tellNgoOfTranche). A mail that fails here fails the POST, after the transfer is recorded:
 * the page says try again (503 when SES throttles), and the repeat completes the mail.
 */
export async function confirmPayment(deps: PaymentDeps, task: HumanTask): Promise<void> {
  const tranche = await recordTransfer(deps, task);
  if (tranche !== undefined) await tellNgoOfTranche(deps, task.purchaseId, tranche);
}

/**
 * Records the transfer finance confirmed on the tranche's payment step: all that the link asked
 * for, or a part (the decision's `amountFen`). After a part, a new confirmation task for the rest
 * is opened first (the same step key on a retry, so never two), and the payment step names it;
 * the tranche stays due. The transfer that settles the purchase's last tranche resumes its closing
 * step. Idempotent: one transfer per task (a repeat finds it recorded, and resumes again). Called
 * after the decision is recorded, so a crash in between is completed by the next POST. Returns the
 * tranche, unless the transfer was refused.
 */
async function recordTransfer(deps: PaymentDeps, task: HumanTask): Promise<number | undefined> {
  const data = task.decision?.data;
  const reference = data?.reference;
  if (task.decision?.decision !== 'CONFIRM' || typeof reference !== 'string') return undefined;
  const tranche = trancheOf(task);
  const amountFen = typeof data?.amountFen === 'number' ? data.amountFen : undefined;
  const payment = (await deps.payments.listPayments(task.purchaseId)).find((p) => p.tranche === tranche);
  const recorded = payment?.transfers?.some((t) => t.taskId === task.taskId) ?? false;
  const left = payment ? outstandingFen(payment) - (amountFen ?? outstandingFen(payment)) : 0;
  const next =
    payment && !recorded && left > 0 ? await openConfirmationForRest(deps, task, payment, left) : undefined;
  // The finance section's mailbox is shared: the payment is credited to whoever confirmed it.
  const actedBy = data?.actedBy;
  const result = await deps.payments.confirmPayment({
    purchaseId: task.purchaseId,
    tranche,
    by: typeof actedBy === 'string' ? actedBy : task.assignee.email,
    reference,
    ...(amountFen === undefined ? {} : { amountFen }),
    taskId: task.taskId,
    ...(next ? { nextConfirmTaskId: next.taskId } : {}),
    now: deps.now(),
  });
  if (result.outcome === 'NOT_PAYABLE' || result.outcome === 'MORE_THAN_DUE') {
    const why = result.outcome === 'NOT_PAYABLE' ? 'is not payable' : 'has less left to pay';
    deps.log?.(`payment confirmed on a tranche that ${why}`, {
      purchaseId: task.purchaseId,
      tranche,
      status: result.payment?.status,
    });
    return undefined;
  }
  await resumeClosingWhenSettled(deps, task.purchaseId);
  return tranche;
}

/**
 * Mails the NGO's contact what was paid on the tranche and is not told yet: each part, and its
 * completion. Once per notice (its audit entry `ngo.told:<id>`); only this tranche's, so an older
 * tranche confirmed before these mails existed is not told now. It comes after the transfer is
 * recorded and the closing resumed, so a mail that fails loses neither.
 */
async function tellNgoOfTranche(deps: PaymentDeps, purchaseId: string, tranche: number): Promise<void> {
  await informNgo(
    deps,
    purchaseId,
    ['TRANCHE_PART_PAID', 'TRANCHE_PAID'],
    (n) => (n.kind === 'TRANCHE_PART_PAID' || n.kind === 'TRANCHE_PAID') && n.tranche === tranche,
  );
}

/**
 * The confirmation task for what is left of a tranche after a part: for the same finance section,
 * with the same due date and expiry, asking for the rest. Nobody is mailed: the page that recorded
 * the part links it, and the finance console lists it.
 */
async function openConfirmationForRest(
  deps: PaymentDeps,
  task: HumanTask,
  payment: PaymentRecord,
  leftFen: number,
): Promise<HumanTask> {
  const round = (payment.transfers?.length ?? 0) + 2;
  const { task: next } = await deps.tasks.openTask({
    purchaseId: task.purchaseId,
    stepKey: `PAYMENT:${payment.tranche}:${round}`,
    purpose: 'PAYMENT_CONFIRMATION',
    level: 'FINANCE_SECTION',
    attempt: 'FIRST',
    assignee: task.assignee,
    context: {
      ...task.context,
      tranche: payment.tranche,
      milestone: payment.milestone,
      amountFen: leftFen,
      trancheFen: payment.amountFen,
      paidFen: payment.amountFen - leftFen,
    },
    expiresAt: task.expiresAt,
    now: deps.now(),
  });
  return next;
}

/** After a part was confirmed from `task`: what is left of the tranche, and the task that confirms it. */
export async function restOfTranche(
  deps: Pick<PaymentDeps, 'payments'>,
  task: HumanTask,
): Promise<{ leftFen: number; confirmTaskId?: string } | undefined> {
  if (task.purpose !== 'PAYMENT_CONFIRMATION' || task.decision?.decision !== 'CONFIRM') return undefined;
  const payment = (await deps.payments.listPayments(task.purchaseId)).find(
    (p) => p.tranche === trancheOf(task),
  );
  const leftFen = payment ? outstandingFen(payment) : 0;
  if (!payment || leftFen === 0 || payment.confirmTaskId === task.taskId) return undefined;
  return { leftFen, ...(payment.confirmTaskId ? { confirmTaskId: payment.confirmTaskId } : {}) };
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
 * step (still NOTIFIED), the closing step's resumption (confirmed, then the POST died), and the
 * NGO's mail (the transfer recorded, then the mail failed; a part confirmed before the rest was
 * waived is still the NGO's news). A mail that fails again is logged and left to the next visit:
 * an address SES keeps refusing must not lock finance out of the link that shows what it decided.
 */
export async function completePayment(deps: PaymentDeps, task: HumanTask): Promise<void> {
  const payments = await deps.payments.listPayments(task.purchaseId);
  const tranche = trancheOf(task);
  const status = payments.find((p) => p.tranche === tranche)?.status;
  if (status === 'NOTIFIED') await recordTransfer(deps, task);
  else if (status === 'CONFIRMED') await resumeClosingWhenSettled(deps, task.purchaseId);
  try {
    await tellNgoOfTranche(deps, task.purchaseId, tranche);
  } catch (error) {
    deps.log?.('the NGO could not be told of its payment; the next visit of the link tries again', {
      purchaseId: task.purchaseId,
      tranche,
      error: (error as Error).name,
    });
  }
}
