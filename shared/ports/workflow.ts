import type { ResumePoint } from '../domain/lifecycle.js';

/** Starts (or finds already started) the lifecycle execution of a purchase. */
export interface WorkflowStarter {
  start(input: { purchaseId: string; resumeAt?: ResumePoint; executionName?: string }): Promise<void>;
}

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface ExecutionSummary {
  name: string;
  status: ExecutionStatus;
  /** ISO 8601 instants. */
  startDate: string;
  stopDate?: string;
}

/** What became of the executions started for purchases (their names are on each purchase's audit trail). */
export interface WorkflowExecutions {
  /** Undefined when no execution has that name (its start was recorded, then failed). */
  describe(executionName: string): Promise<ExecutionSummary | undefined>;
}

/** Hands a human decision back to the execution waiting for it. */
export interface TaskCallbacks {
  /** Throws TaskClosedError when the execution no longer waits for that token. */
  succeed(taskToken: string, output: unknown): Promise<void>;
}

export class TaskClosedError extends Error {
  override name = 'TaskClosedError';
}
