/**
 * Task states: a plain invocation within its TimeoutSeconds (real time), or a `.waitForTaskToken` callback
 * within its TimeoutSeconds and HeartbeatSeconds (clock-scaled).
 */
import { type TaskPlan, unwrapTaskInput } from './definition.js';
import { TaskFailure } from './errors.js';
import { type Execution, type ExecutionServices, startAttempt } from './execution.js';
import { taskKey } from './history.js';
import { checkTaskPayload } from './limits.js';
import { resolveReferencePath } from './reference-path.js';
import { afterRealSeconds } from './scaled-timers.js';
import type { TaskAttempt } from './task-attempt.js';
import { performTask } from './task-integrations.js';

/**
 * Runs a Task state: invokes it, or for `.waitForTaskToken` waits for its callback, within its limits.
 * `iteration` is the Map iteration the task runs in, if any.
 */
export function runTask(
  services: ExecutionServices,
  execution: Execution,
  task: TaskPlan,
  effectiveInput: unknown,
  timeoutError: () => Error,
  iteration?: number,
): Promise<unknown> {
  const token = execution.pendingToken;
  execution.pendingToken = undefined;
  const attempt = startAttempt(execution);
  if (attempt.settled) return attempt.promise;
  const { input, stateInput } = unwrapTaskInput(task, effectiveInput);
  const key = taskKey(task.stateName, iteration);
  const history = execution.history;
  try {
    const timeout = limitSeconds(
      task.timeoutSeconds,
      task.timeoutSecondsPath,
      stateInput,
      'TimeoutSecondsPath',
    );
    const heartbeat = limitSeconds(
      task.heartbeatSeconds,
      task.heartbeatSecondsPath,
      stateInput,
      'HeartbeatSecondsPath',
    );
    history.taskScheduled(key, task, input, { timeoutSeconds: timeout, heartbeatSeconds: heartbeat });
    checkTaskPayload(task.stateName, 'input', input);
    const succeed = (output: unknown) => {
      try {
        checkTaskPayload(task.stateName, 'result', output);
      } catch (error) {
        attempt.fail(error as Error);
        return;
      }
      if (!attempt.settled) history.taskAnswered(key, output);
      attempt.succeed(output);
    };
    const fire = () => attempt.fail(timeoutError());
    if (!task.callback) {
      // A plain invocation's limit is the function's compute time, which no clock speeds up, so it
      // runs in real time, from when the function runs: on AWS, Lambda scales out instead of
      // queueing, so time in the local queue for a free sandbox is not the task's.
      const armTimeout = () => {
        if (timeout !== undefined && !attempt.settled) attempt.onSettle(afterRealSeconds(timeout, fire));
      };
      performTask(services.integrations, task, input, armTimeout).then(succeed, (error: Error) =>
        attempt.fail(error),
      );
      return attempt.promise;
    }
    if (token === undefined || !containsString(input, token)) {
      throw new TaskFailure(
        'States.Runtime',
        `${task.stateName}: a .waitForTaskToken task must pass $$.Task.Token`,
      );
    }
    // A callback waits for people, whose time the local clock speeds up.
    if (timeout !== undefined) attempt.onSettle(services.timers.after(timeout, fire));
    awaitCallback(services, execution, task, { attempt, succeed }, token, heartbeat, timeoutError);
    performTask(services.integrations, task, input).then(
      (submitted) => history.taskSubmitted(key, task, submitted),
      (error: Error) => attempt.fail(error),
    );
  } catch (error) {
    attempt.fail(error as Error);
  }
  return attempt.promise;
}

function awaitCallback(
  services: ExecutionServices,
  execution: Execution,
  task: TaskPlan,
  { attempt, succeed }: { attempt: TaskAttempt; succeed: (output: unknown) => void },
  token: string,
  heartbeat: number | undefined,
  timeoutError: () => Error,
): void {
  let cancelHeartbeat = () => {};
  const armHeartbeat = () => {
    cancelHeartbeat();
    if (heartbeat !== undefined)
      cancelHeartbeat = services.timers.after(heartbeat, () => attempt.fail(timeoutError()));
  };
  armHeartbeat();
  attempt.onSettle(() => cancelHeartbeat());
  services.tokens.await(token, {
    onCallback: (outcome) =>
      outcome.kind === 'success'
        ? succeed(outcome.output)
        : attempt.fail(new TaskFailure(outcome.error, outcome.cause)),
    onHeartbeat: armHeartbeat,
  });
  attempt.onSettle(() => services.tokens.close(token));
  const where = `execution ${execution.description.name}, ${task.stateName}`;
  services.log(`${where}: waiting for a callback`);
  attempt.onSettle((how) => services.log(`${where}: callback wait ended (${how})`));
}

function limitSeconds(
  fixed: number | undefined,
  path: string | undefined,
  stateInput: unknown,
  field: string,
) {
  if (fixed !== undefined) return fixed;
  if (path === undefined) return undefined;
  const value = resolveReferencePath(path, stateInput, undefined);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TaskFailure('States.Runtime', `${field} '${path}' must select a positive integer`);
  }
  return value;
}

function containsString(value: unknown, wanted: string): boolean {
  if (value === wanted) return true;
  if (Array.isArray(value)) return value.some((v) => containsString(v, wanted));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => containsString(v, wanted));
  return false;
}
