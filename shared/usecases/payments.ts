import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import { officialCalendar } from '../domain/official-calendar.js';
import type { PaymentRecord, TrancheReduction } from '../domain/payment-records.js';
import { type PlannedTranche, paymentDueDate, tranchePlan } from '../domain/payments.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { TrancheMilestone } from '../domain/proposal.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { PaymentPublisher } from '../ports/payment-publisher.js';
import type { PaymentRepository, PurchaseRepository, TaskRepository } from '../ports/repositories.js';
import { paymentNotice } from '../presentation/payment-notice.js';
import { sendOncePerAttempt } from './human-steps.js';

export interface PaymentDeps {
  purchases: PurchaseRepository;
  tasks: TaskRepository;
  payments: PaymentRepository;
  publisher: PaymentPublisher;
  policy: PolicySettings;
  lifecycle: LifecycleSettings;
  /** The task-link keys (finance's confirmation link is a task link). */
  linkKey: LinkKeyProvider;
  baseUrl: string;
  now: Now;
}

/**
 * What is due for a planned tranche: the plan, except for a final tranche the evaluation's grade
 * reduced (concludeEvaluation decided it, once, on the evaluation record).
 */
function dueOf(
  purchase: PurchaseRecord,
  plan: PlannedTranche,
): { amountFen: number; reduction?: TrancheReduction } {
  const award = purchase.evaluation?.finalTranche;
  if (plan.milestone !== 'EVALUATION_PASSED' || award?.decision !== 'REDUCE' || award.grade === undefined)
    return { amountFen: plan.amountFen };
  return {
    amountFen: award.amountFen,
    reduction: { plannedFen: award.plannedFen, sharePercent: award.sharePercent, grade: award.grade },
  };
}

/** How long finance's confirmation link stays valid after the due date. */
const CONFIRMATION_GRACE_DAYS = 60;

/**
 * A milestone was accepted: the tranche it releases falls due within the configured days.
 * Opens the payment step, gives finance a confirmation link (a human task nobody's execution
 * waits on) and publishes the notice to the finance topic, each exactly once.
 */
export async function notifyPayment(
  deps: PaymentDeps,
  input: { purchaseId: string; milestone: TrancheMilestone },
): Promise<PaymentRecord> {
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) throw new Error(`purchase ${input.purchaseId} does not exist`);
  const plan = tranchePlan(purchase.proposal).find((t) => t.milestone === input.milestone);
  if (!plan) throw new Error(`purchase ${input.purchaseId} has no tranche for ${input.milestone}`);
  const { reduction, ...due } = dueOf(purchase, plan);
  const planned = { ...plan, ...due };
  const now = deps.now();
  const dueDate = paymentDueDate(now, deps.lifecycle.payments, officialCalendar(deps.policy));
  const finance = deps.policy.approval.approvers.FINANCE_SECTION;
  const { task } = await deps.tasks.openTask({
    purchaseId: purchase.purchaseId,
    stepKey: `PAYMENT:${planned.tranche}`,
    purpose: 'PAYMENT_CONFIRMATION',
    level: 'FINANCE_SECTION',
    attempt: 'FIRST',
    assignee: { ...finance, role: 'FINANCE_SECTION' },
    context: {
      tranche: planned.tranche,
      milestone: planned.milestone,
      amountFen: planned.amountFen,
      ...(reduction
        ? { plannedFen: reduction.plannedFen, sharePercent: reduction.sharePercent, grade: reduction.grade }
        : {}),
      dueDate,
    },
    expiresAt: new Date(
      Date.parse(`${dueDate}T00:00:00+08:00`) + CONFIRMATION_GRACE_DAYS * 86_400_000,
    ).toISOString(),
    now,
  });
  const { payment } = await deps.payments.openPayment(
    {
      purchaseId: purchase.purchaseId,
      tranche: planned.tranche,
      milestone: planned.milestone,
      amountFen: planned.amountFen,
      ...(reduction ? { reduction } : {}),
      dueDate: String(task.context?.dueDate ?? dueDate),
      notifiedAt: now,
      confirmTaskId: task.taskId,
    },
    now,
  );
  await sendOncePerAttempt(deps.tasks, task.taskId, 'FIRST', async () => {
    const notice = paymentNotice({
      purchaseId: purchase.purchaseId,
      title: purchase.proposal.title,
      ngo: purchase.proposal.ngo,
      tranche: { tranche: planned.tranche, milestone: planned.milestone },
      amountFen: payment.amountFen,
      ...(payment.reduction ? { reduction: payment.reduction } : {}),
      dueDate: payment.dueDate ?? dueDate,
      confirmLink: signTaskLink(deps.baseUrl, task.taskId, await deps.linkKey()),
    });
    await deps.publisher.publish(notice);
  });
  return payment;
}
