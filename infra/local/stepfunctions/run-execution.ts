/**
 * Runs one execution with aws-local-stepfunctions: the context object (`$$`), a handler per Task, Wait
 * and Map state, the execution's own time limit, its history, and its outcome once the library settles.
 */
import './promise-with-resolvers.js';
import { ExecutionAbortedError, ExecutionError } from 'aws-local-stepfunctions';
import type { ExecutionDescription, ExecutionStatus } from './api.js';
import { type Execution, type ExecutionServices, type JsonValue, unvalidatedMachine } from './execution.js';
import { MAX_EXECUTION_SECONDS } from './limits.js';
import { runMap } from './map-state.js';
import { runTask } from './task-state.js';
import { runWait } from './wait-state.js';

type Handlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

type Outcome = Partial<ExecutionDescription> & { status: ExecutionStatus };

/**
 * Starts the library on a registered execution and returns at once; `execution.done` settles once the
 * execution has ended and its history and description are final.
 */
export function runExecution(
  services: ExecutionServices,
  execution: Execution,
  input: unknown,
  roleArn: string,
  timeoutError: () => Error,
): void {
  const { executionArn: arn, name } = execution.description;
  const { stateMachine, plan } = execution;
  const tokens = services.tokens;
  const context = {
    Execution: {
      Id: arn,
      Name: name,
      RoleArn: roleArn,
      // `$$.Execution.StartTime` in the planned definition (the library would stamp the system time).
      LocalStartTime: execution.description.startDate.toISOString(),
    },
    StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
    // Read while the library resolves a state's paths, i.e. as the state is entered.
    State: {
      get EnteredTime(): string {
        return services.timers.now().toISOString();
      },
    },
    // A fresh token per task attempt: the library resolves Parameters and calls the task handler in one
    // synchronous run, so the token minted on first access is the one that handler takes.
    Task: {
      get Token(): string {
        if (execution.pendingToken === undefined) {
          execution.pendingToken = tokens.mint(arn);
          queueMicrotask(() => {
            execution.pendingToken = undefined;
          });
        }
        return execution.pendingToken;
      },
    },
  };
  /** The handler of every Task, Wait and Map state; inside a Map, its tasks know their iteration. */
  const handlers = (iteration?: number): Handlers => {
    const byState: Handlers = {};
    for (const task of plan.tasks.values()) {
      byState[task.stateName] = (input) =>
        runTask(services, execution, task, input, timeoutError, iteration) as Promise<JsonValue>;
    }
    for (const wait of plan.waits.values()) {
      byState[wait.stateName] = (input) => runWait(services, execution, wait, input) as Promise<JsonValue>;
    }
    for (const map of plan.maps.values()) {
      byState[map.stateName] = (input) => runMap(execution, map, input) as Promise<JsonValue>;
    }
    return byState;
  };
  execution.runOptions = { context, overrides: { taskResourceLocalHandlers: handlers() } };
  execution.iterationRunOptions = (iteration) => ({
    context,
    overrides: { taskResourceLocalHandlers: handlers(iteration) },
  });

  const run = unvalidatedMachine(plan.definition).run(input as JsonValue, execution.runOptions);
  execution.abort = run.abort;
  // A Standard execution ends after a year even when its definition gives it longer (or no limit).
  const cancelTimeout = services.timers.after(
    Math.min(plan.timeoutSeconds ?? MAX_EXECUTION_SECONDS, MAX_EXECUTION_SECONDS),
    () => {
      execution.ending.timedOut = true;
      run.abort();
    },
  );
  const eventsRecorded = (async () => {
    for await (const event of run.eventLogs) execution.history.record(event, execution.ending);
  })();
  execution.done = (async () => {
    let outcome: Outcome;
    try {
      outcome = { status: 'SUCCEEDED', output: JSON.stringify((await run.result) ?? null) };
    } catch (error) {
      outcome = failureOf(execution, error);
    }
    const stopDate = services.timers.now();
    execution.ended = true;
    cancelTimeout();
    for (const attempt of [...execution.attempts]) attempt.abandon();
    services.tokens.closeExecution(arn);
    await eventsRecorded;
    // A limit the history saw broken decides, whatever the library made of the abort.
    if (execution.ending.failure) outcome = { status: 'FAILED', ...execution.ending.failure };
    // The status changes last, so whoever sees it final also sees the whole history.
    Object.assign(execution.description, outcome, { stopDate });
    services.log(`execution ${name} of ${stateMachine.name}: ${outcome.status} after ${elapsed(execution)}`);
  })();
  services.log(`execution ${name} of ${stateMachine.name}: started`);
}

function failureOf(execution: Execution, error: unknown): Outcome {
  if (error instanceof ExecutionAbortedError) {
    if (execution.ending.timedOut) return { status: 'TIMED_OUT', error: 'States.Timeout' };
    return { status: 'ABORTED', ...execution.ending.stop };
  }
  const cause =
    error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
  if (cause?.name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT', error: 'States.Timeout' };
  return {
    status: 'FAILED',
    error: cause?.name ?? 'States.Runtime',
    cause: cause?.message ?? String(error),
  };
}

function elapsed(execution: Execution): string {
  const ms =
    (execution.description.stopDate ?? new Date()).getTime() - execution.description.startDate.getTime();
  return `${(ms / 1000).toFixed(2)} s`;
}
