/** Wait states: Seconds, Timestamp and their *Path forms, waited on the clock-scaled timers. */
import type { WaitPlan } from './definition.js';
import { TaskFailure } from './errors.js';
import { type Execution, type ExecutionServices, startAttempt } from './execution.js';
import { resolveReferencePath } from './reference-path.js';

/** Runs a Wait state on the local clock. */
export function runWait(
  services: ExecutionServices,
  execution: Execution,
  wait: WaitPlan,
  input: unknown,
): Promise<unknown> {
  const attempt = startAttempt(execution);
  if (attempt.settled) return attempt.promise;
  try {
    const seconds = waitSeconds(wait, input, services.timers.now().getTime());
    const where = `execution ${execution.description.name}, ${wait.stateName}`;
    services.log(`${where}: waiting ${seconds} s`);
    attempt.onSettle(services.timers.after(seconds, () => attempt.succeed(input)));
    attempt.onSettle((how) => services.log(`${where}: wait ended (${how})`));
  } catch (error) {
    attempt.fail(error as Error);
  }
  return attempt.promise;
}

function waitSeconds(wait: WaitPlan, input: unknown, now: number): number {
  if (wait.seconds !== undefined) return wait.seconds;
  if (wait.timestamp !== undefined) return secondsUntil(wait.timestamp, 'Timestamp', now);
  if (wait.secondsPath !== undefined) {
    const value = resolveReferencePath(wait.secondsPath, input, undefined);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TaskFailure(
        'States.Runtime',
        `SecondsPath '${wait.secondsPath}' must select a non-negative integer`,
      );
    }
    return value;
  }
  if (wait.timestampPath !== undefined) {
    const value = resolveReferencePath(wait.timestampPath, input, undefined);
    return secondsUntil(typeof value === 'string' ? value : '', `TimestampPath '${wait.timestampPath}'`, now);
  }
  return 0;
}

/**
 * A Timestamp is this far in the future of the state machine's time (the system clock, unless the
 * engine keeps its own), which the clock then scales like any wait.
 */
function secondsUntil(timestamp: string, field: string, now: number): number {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) throw new TaskFailure('States.Runtime', `${field} must be an ISO 8601 timestamp`);
  return Math.max(0, (at - now) / 1000);
}
