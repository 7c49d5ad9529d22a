import type { TestContext } from 'vitest';

/**
 * One row of the resilience table: which case, how many attempts the test made, what the
 * product must do and what the test saw it do. A test records its row only after its
 * assertions, so a row is printed as observed only when the assertions held; a failed
 * test's row is printed with FAILED.
 */
export interface ResilienceRow {
  /** Case number and name from the issue, e.g. `1 Double click`. */
  readonly case: string;
  readonly attempts: number;
  readonly expected: string;
  readonly observed: string;
}

declare module 'vitest' {
  interface TaskMeta {
    resilience?: ResilienceRow;
  }
}

export function recordCase(context: Pick<TestContext, 'task'>, row: ResilienceRow): void {
  context.task.meta.resilience = row;
}
