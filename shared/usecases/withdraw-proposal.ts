import type { BilingualText } from '../domain/bilingual.js';
import { StageConflictError } from '../domain/lifecycle.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { WITHDRAWN_DECISION, type WithdrawalRecord, withdrawalRefusal } from '../domain/withdrawal.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository, TaskRepository } from '../ports/repositories.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import { handBack } from './human-steps.js';

export interface WithdrawProposalDeps {
  purchases: PurchaseRepository;
  tasks: TaskRepository;
  callbacks: TaskCallbacks;
  now: Now;
}

export type WithdrawOutcome =
  | { outcome: 'WITHDRAWN'; purchaseId: string; withdrawal: WithdrawalRecord; closedTaskIds: string[] }
  | { outcome: 'ALREADY_WITHDRAWN'; purchaseId: string; withdrawal: WithdrawalRecord }
  | { outcome: 'TOO_LATE'; purchaseId: string; stage: string; message: BilingualText }
  | { outcome: 'UNKNOWN' };

/** A purchase moved on while the withdrawal was written: read it again, at most this often. */
const MAX_ATTEMPTS = 3;

/**
 * The officer withdraws a proposal before approval ends. The withdrawal is written on the purchase
 * (with its audit entry) only while the purchase is still at its stage, then the approvers' open
 * links are closed and the waiting approval step is handed WITHDRAWN, so the workflow rejects the
 * purchase and releases its budget at once. Asking twice changes nothing.
 */
export async function withdrawProposal(
  deps: WithdrawProposalDeps,
  input: { purchaseId: string; by: string; reason: string },
): Promise<WithdrawOutcome> {
  for (let attempt = 1; ; attempt++) {
    const purchase = await deps.purchases.getPurchase(input.purchaseId);
    if (!purchase) return { outcome: 'UNKNOWN' };
    const { purchaseId, stage } = purchase;
    if (purchase.withdrawal)
      return { outcome: 'ALREADY_WITHDRAWN', purchaseId, withdrawal: purchase.withdrawal };
    const refusal = withdrawalRefusal(purchase);
    if (refusal) return { outcome: 'TOO_LATE', purchaseId, stage, message: refusal };
    const now = deps.now();
    const withdrawal: WithdrawalRecord = { by: input.by, reason: input.reason, at: now };
    try {
      const withdrawn = await deps.purchases.change({
        purchaseId,
        // The stage is checked against the purchase as it is written: approval cannot end meanwhile.
        from: stage,
        set: { withdrawal },
        audit: { actor: input.by, action: 'purchase.withdrawal-requested', detail: { reason: input.reason } },
        eventId: 'purchase.withdrawal-requested',
        now,
      });
      const closedTaskIds = await closeForWithdrawal(deps, withdrawn);
      return {
        outcome: 'WITHDRAWN',
        purchaseId,
        withdrawal: withdrawn.withdrawal ?? withdrawal,
        closedTaskIds,
      };
    } catch (error) {
      if (!(error instanceof StageConflictError) || attempt === MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * Closes the open tasks of a withdrawn purchase (their links answer 410) and hands WITHDRAWN to the
 * step waiting on each, so the workflow ends the purchase now rather than at the next timeout. The
 * approval step that opens a task calls this too when it finds the purchase withdrawn, which covers
 * a task opened while the withdrawal was being written. Returns the ids it closed.
 */
export async function closeForWithdrawal(
  deps: Pick<WithdrawProposalDeps, 'tasks' | 'callbacks' | 'now'>,
  purchase: Pick<PurchaseRecord, 'purchaseId' | 'withdrawal'>,
): Promise<string[]> {
  const { withdrawal } = purchase;
  if (!withdrawal) return [];
  const closed = await deps.tasks.expireOpenTasks(purchase.purchaseId, deps.now());
  for (const taskId of closed) {
    const task = await deps.tasks.getTask(taskId);
    if (!task?.taskToken) continue;
    await handBack(deps.callbacks, task.taskToken, {
      decision: WITHDRAWN_DECISION,
      by: withdrawal.by,
      comment: withdrawal.reason,
      taskId,
    });
  }
  return closed;
}
