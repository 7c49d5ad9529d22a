import type { PurchaseRecord } from '../domain/purchase.js';
import type { RecordedDecision, TaskAttempt } from '../domain/tasks.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import type { TaskRepository } from '../ports/repositories.js';
import { type TaskCallbacks, TaskClosedError } from '../ports/workflow.js';

/**
 * What every human step shares. A step's decision is recorded under its step key, or under
 * `<step>:ESCALATED` when the deputy (or another agency) took it over; only one of the two can
 * ever hold a decision, since an escalation supersedes the first task.
 */
export function decisionOfStep(purchase: PurchaseRecord, stepKey: string): RecordedDecision | undefined {
  return purchase.decisions[stepKey] ?? purchase.decisions[`${stepKey}:ESCALATED`];
}

/**
 * What a step that asks a person (or an NGO) needs besides its stage's deps: the mail, the
 * hand-back of an answer recorded earlier, and the key and base URL of the signed links.
 */
export interface HumanStepPorts {
  mailer: Mailer;
  callbacks: TaskCallbacks;
  linkKey: LinkKeyProvider;
  baseUrl: string;
}

/**
 * Sends one message for a task and attempt (an e-mail, a finance notice) once across retries:
 * a message recorded as sent is not sent again; otherwise it is sent, then recorded. A crash
 * between the two sends it again on the retry (at least once): a claim taken before sending
 * would instead lose the message for good when the process dies holding it.
 */
export async function sendOncePerAttempt(
  tasks: TaskRepository,
  taskId: string,
  attempt: TaskAttempt,
  send: () => Promise<unknown>,
): Promise<void> {
  const task = await tasks.getTask(taskId);
  if (task?.mailsSent.includes(attempt)) return;
  await send();
  await tasks.recordMailSent(taskId, attempt);
}

/**
 * Hands an outcome recorded earlier back to the step that asks for it again (a resumed step,
 * or a second delivery of the same invocation). When the token is closed the execution has
 * moved on or ended: for a second delivery that is the first one's work, so nothing is owed.
 * Returns whether this call delivered it.
 */
export async function handBack(
  callbacks: TaskCallbacks,
  taskToken: string,
  output: unknown,
): Promise<boolean> {
  try {
    await callbacks.succeed(taskToken, output);
    return true;
  } catch (error) {
    if (error instanceof TaskClosedError) return false;
    throw error;
  }
}
