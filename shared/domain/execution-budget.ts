import { DAY_MS } from './china-time.js';

/**
 * How long one workflow execution may carry a purchase. A purchase lives for years (a 36-month
 * term, then its evaluation), but AWS ends a Standard execution after one year ("Maximum
 * execution time: 1 year", Step Functions service quotas). So a purchase runs as a chain of
 * executions: each stage starts a fresh one, and within a stage every plan step checks that what
 * it starts next ends well inside its execution's year; if not, the execution hands the purchase
 * over to a fresh one (DynamoDB holds everything the next one needs).
 */

/** AWS's limit on a Standard execution's duration. */
export const EXECUTION_LIMIT_MS = 365 * DAY_MS;

/**
 * The age up to which an execution may still be busy with a step. The month left to the limit is
 * room for retries with backoff and the short steps between two plan steps.
 */
export const EXECUTION_BUDGET_MS = 335 * DAY_MS;

/** The plan step's answer when its execution must hand the purchase over to a fresh one. */
export interface HandOver {
  readonly next: 'HAND_OVER';
  /** When to start the successor: now, or after waiting as long as this execution may. */
  readonly handOverAt: string;
}

/** What the next step of a stage may take, as a plan step sees it. */
export interface NextStepSpan {
  /**
   * The latest the step (with its reminder and escalation) can end, in epoch ms: for a wait for a
   * person, its escalation's deadline (working-days.ts attemptTimeouts, on the official calendar).
   */
  readonly endsBy: number;
  /** For a step that first waits for a date (no one can act before it), that date in epoch ms. */
  readonly waitsUntil?: number;
}

/** Where a plan step runs: its execution's start, which the state machine passes (a direct call has none). */
export interface PlanContext {
  readonly startedAt?: string;
}

export class StepOutlivesExecutionError extends Error {
  override name = 'StepOutlivesExecutionError';
}

/**
 * Undefined when the next step ends within the budget of the execution started at `startedAt`
 * (or when no start is known: a plan step called outside an execution);
 * otherwise when to hand over: at once when a fresh execution can hold the step, or, for a step
 * that first waits for a date too far for any execution, after waiting here as long as this one
 * may (the successor waits the rest). A step no execution can hold is a settings error, thrown
 * rather than handed on forever.
 */
export function handOverBefore(
  execution: PlanContext & { now: string },
  step: NextStepSpan,
): HandOver | undefined {
  if (execution.startedAt === undefined) return undefined;
  const startedAt = Date.parse(execution.startedAt);
  const now = Date.parse(execution.now);
  if (step.endsBy <= startedAt + EXECUTION_BUDGET_MS) return undefined;
  if (step.endsBy <= now + EXECUTION_BUDGET_MS) return { next: 'HAND_OVER', handOverAt: execution.now };
  if (step.waitsUntil !== undefined && step.waitsUntil > now) {
    const until = Math.max(now, Math.min(step.waitsUntil, startedAt + EXECUTION_BUDGET_MS));
    return { next: 'HAND_OVER', handOverAt: new Date(until).toISOString() };
  }
  const days = Math.ceil((step.endsBy - now) / DAY_MS);
  throw new StepOutlivesExecutionError(
    `the next step may take ${days} days, longer than one execution may run (${EXECUTION_BUDGET_MS / DAY_MS} days): shorten its timeouts`,
  );
}
