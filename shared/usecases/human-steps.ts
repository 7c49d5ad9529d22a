import type { PurchaseRecord, RecordedDecision, TaskAttempt, TaskRepository } from '../persistence/ports.js';

/**
 * What every human step shares. A step's decision is recorded under its step key, or under
 * `<step>:ESCALATED` when the deputy (or another agency) took it over; only one of the two can
 * ever hold a decision, since an escalation supersedes the first task.
 */
export function decisionOfStep(purchase: PurchaseRecord, stepKey: string): RecordedDecision | undefined {
  return purchase.decisions[stepKey] ?? purchase.decisions[`${stepKey}:ESCALATED`];
}

/**
 * Sends one message for a task and attempt (an e-mail, a finance notice) exactly once across
 * retries: the claim is taken first and given back when the send fails, so a retry sends it.
 */
export async function sendOncePerAttempt(
  tasks: TaskRepository,
  taskId: string,
  attempt: TaskAttempt,
  send: () => Promise<unknown>,
): Promise<void> {
  if (!(await tasks.claimMail(taskId, attempt))) return;
  try {
    await send();
  } catch (error) {
    await tasks.unclaimMail(taskId, attempt);
    throw error;
  }
}
