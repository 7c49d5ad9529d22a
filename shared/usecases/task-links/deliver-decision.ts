import type { HumanTask } from '../../domain/tasks.js';
import { handBack } from '../human-steps.js';
import { decisionOutput } from '../request-decision.js';
import type { TaskLinkDeps } from './task-link-deps.js';

/**
 * How long after a decision a later POST takes over its delivery even when nothing says the first
 * POST failed (it crashed or timed out): by then that request must be over, since the HTTP API
 * cuts a request off after 30 s. Meanwhile the next attempt of the waiting step (the reminder) or
 * a resumed execution picks the recorded decision up from DynamoDB anyway.
 */
export const DELIVERY_TAKEOVER_SECONDS = 30;

/** The audit entry of a decision the POST that recorded it could not hand to the workflow. */
export const DELIVERY_FAILED_ACTION = 'task.delivery-failed';

/**
 * Whether a later POST must deliver a recorded decision itself: only once the POST that recorded
 * it has given up (its failure is on the audit log) or must be over. A POST racing the first one
 * leaves the delivery to it, so twenty clicks make one SendTaskSuccess.
 */
export async function deliveryAbandoned(deps: TaskLinkDeps, task: HumanTask): Promise<boolean> {
  if (task.deliveredAt !== undefined || !task.decision || task.taskToken === undefined) return false;
  if (Date.parse(deps.now()) - Date.parse(task.decision.at) >= DELIVERY_TAKEOVER_SECONDS * 1000) return true;
  const audit = await deps.purchases.listAudit(task.purchaseId);
  return audit.some((e) => e.action === DELIVERY_FAILED_ACTION && e.detail.taskId === task.taskId);
}

/**
 * A failed SendTaskSuccess of the decision this POST recorded goes on the audit log before the
 * error page, so the person's next POST delivers at once.
 */
async function recordFailedDelivery(deps: TaskLinkDeps, task: HumanTask, error: unknown): Promise<void> {
  try {
    await deps.purchases.change({
      purchaseId: task.purchaseId,
      audit: {
        actor: 'system:task-link',
        action: DELIVERY_FAILED_ACTION,
        detail: {
          taskId: task.taskId,
          purpose: task.purpose,
          error: error instanceof Error ? error.name : 'Error',
        },
      },
      eventId: `${DELIVERY_FAILED_ACTION}:${task.taskId}`,
      now: deps.now(),
    });
  } catch (recording) {
    // The delivery's own error is the one to answer with; the takeover after a while still applies.
    deps.log?.('could not record a failed delivery', {
      purchaseId: task.purchaseId,
      error: recording instanceof Error ? recording.name : 'Error',
    });
  }
}

/**
 * Hands a recorded decision to the waiting execution, once; a task without a token has nobody
 * waiting. `recordFailure`: this POST recorded the decision, so a failure is put on the audit log.
 */
export async function deliver(
  deps: TaskLinkDeps,
  task: HumanTask,
  recordFailure = false,
): Promise<'DELIVERED' | 'CLOSED' | 'NO_WAITER'> {
  if (task.taskToken === undefined) return 'NO_WAITER';
  if (!task.decision) return 'CLOSED';
  let delivered: boolean;
  try {
    delivered = await handBack(deps.callbacks, task.taskToken, decisionOutput(task.decision));
  } catch (error) {
    if (recordFailure) await recordFailedDelivery(deps, task, error);
    throw error;
  }
  if (!delivered) return 'CLOSED';
  await deps.tasks.markDelivered(task.taskId, deps.now());
  return 'DELIVERED';
}
