import type { ResumePoint } from '../domain/lifecycle.js';

/**
 * Where an execution of the lifecycle starts: a stage boundary, or AMENDMENT, the approval of the
 * purchase's open amendment, which runs beside the purchase's own execution and ends.
 */
export type ExecutionEntry = ResumePoint | 'AMENDMENT';

/** Starts (or finds already started) the lifecycle execution of a purchase. */
export interface WorkflowStarter {
  start(input: { purchaseId: string; resumeAt?: ExecutionEntry; executionName?: string }): Promise<void>;
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
