import type { Mailer, MailMessage } from '../../../shared/ports/mailer.js';
import {
  type ExecutionSummary,
  type TaskCallbacks,
  TaskClosedError,
  type WorkflowExecutions,
  type WorkflowStarter,
} from '../../../shared/ports/workflow.js';

/** The use cases' ports to the outside (SES, Step Functions callbacks and starts), recording what they were asked. */

/** Keeps every message it was asked to send; `failNext` makes the next send fail like SES would. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures = times;
  }

  async send(message: MailMessage): Promise<{ messageId: string | undefined }> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Throttling: rate exceeded'), { name: 'TooManyRequestsException' });
    }
    this.sent.push(structuredClone(message));
    return { messageId: `message-${this.sent.length}` };
  }
}

/** Records SendTaskSuccess calls; `closed` tokens behave like an execution that stopped waiting. */
export class RecordingCallbacks implements TaskCallbacks {
  readonly succeeded: { taskToken: string; output: unknown }[] = [];
  readonly closed = new Set<string>();
  failWith: Error | undefined;

  async succeed(taskToken: string, output: unknown): Promise<void> {
    if (this.failWith) throw this.failWith;
    if (this.closed.has(taskToken)) throw new TaskClosedError('the execution no longer waits for this task');
    this.succeeded.push({ taskToken, output: structuredClone(output) });
  }
}

/**
 * Records starts; a second start with the same execution name is refused quietly, as the adapter
 * does. Each started execution runs until the test says otherwise (`executions`).
 */
export class RecordingWorkflowStarter implements WorkflowStarter, WorkflowExecutions {
  readonly starts: Parameters<WorkflowStarter['start']>[0][] = [];
  readonly executions = new Map<string, ExecutionSummary>();
  /** Test setup: the next start fails with this error, as a throttled StartExecution would. */
  failNextStart: Error | undefined;

  async start(input: Parameters<WorkflowStarter['start']>[0]): Promise<void> {
    const failure = this.failNextStart;
    this.failNextStart = undefined;
    if (failure) throw failure;
    this.starts.push(structuredClone(input));
    const name = input.executionName ?? input.purchaseId;
    if (!this.executions.has(name))
      this.executions.set(name, { name, status: 'RUNNING', startDate: '2026-03-02T08:00:00.000Z' });
  }

  async describe(executionName: string): Promise<ExecutionSummary | undefined> {
    return this.executions.get(executionName);
  }

  /** Test setup: an execution started before the test, e.g. by the previous deployment, still running. */
  runs(executionName: string): void {
    this.executions.set(executionName, {
      name: executionName,
      status: 'RUNNING',
      startDate: '2026-03-01T08:00:00.000Z',
    });
  }
}
