/**
 * Maps the library's execution event log to GetExecutionHistory events named as AWS names them
 * (ExecutionStarted, TaskStateEntered, TaskScheduled, TaskSubmitted, TaskSucceeded, WaitStateExited,
 * ...), with the members AWS's API model requires. A useful subset, not every event AWS records.
 *
 * The library reports states entered and exited; what a task was given and what it answered come
 * from the task itself (`taskScheduled`, `taskSubmitted`, `taskAnswered`). Its event log is read a
 * little later than the task runs, so a task's events wait until its state's entry is recorded.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { jsonBytes } from '../json-bytes.js';
import type { ExecutionPlan, TaskPlan } from './definition.js';
import { MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from './limits.js';

export type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** How the execution was ended from outside, which the library reports as a plain abort. */
export interface ExecutionEnding {
  timedOut: boolean;
  stop?: { error?: string; cause?: string };
  /** A limit the history saw broken (25,000 events, 256 KiB of state data): the execution fails. */
  failure?: ExecutionFailure;
}

export interface ExecutionFailure {
  error: string;
  cause: string;
}

const LAST_EVENTS = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
]);

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Task states (by name and Map index) whose last attempt failed, so a caught failure is not a success. */
  readonly #failedTasks = new Set<string>();
  /** Task states whose entry is recorded, so their own events can follow at once. */
  readonly #enteredTasks = new Set<string>();
  /** A task's events that came before its state's entry was recorded. */
  readonly #earlyTaskEvents = new Map<string, Array<() => void>>();
  /** What each task state's last attempt answered, for its TaskSucceeded. */
  readonly #answers = new Map<string, unknown>();
  /** Set by the execution's last event; nothing is recorded after it. */
  #closed = false;

  /** `fail` ends the execution when the history sees one of AWS's limits broken. */
  constructor(
    private readonly plan: ExecutionPlan,
    private readonly region: string,
    private readonly roleArn: string,
    /** The state machine's time, which stamps every event. */
    private readonly now: () => Date,
    private readonly fail: (failure: ExecutionFailure) => void = () => {},
  ) {}

  record(event: LibraryEvent, ending: ExecutionEnding): void {
    const at = this.now();
    switch (event.type) {
      case 'ExecutionStarted':
        this.#add(at, 'ExecutionStarted', {
          executionStartedEventDetails: { input: json(event.input), roleArn: this.roleArn },
        });
        break;
      case 'ExecutionSucceeded':
        if (jsonBytes(event.output) > MAX_PAYLOAD_BYTES) {
          this.#failExecution(at, dataLimit('The execution', 'an output'));
          break;
        }
        this.#add(at, 'ExecutionSucceeded', {
          executionSucceededEventDetails: { output: json(event.output) },
        });
        break;
      case 'ExecutionFailed':
        this.#add(at, 'ExecutionFailed', {
          executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) },
        });
        break;
      case 'ExecutionAborted':
        if (ending.timedOut) {
          this.#add(at, 'ExecutionTimedOut', {
            executionTimedOutEventDetails: { error: 'States.Timeout' },
          });
          break;
        }
        this.#add(at, 'ExecutionAborted', { executionAbortedEventDetails: { ...ending.stop } });
        break;
      case 'ExecutionTimeout':
        this.#add(at, 'ExecutionTimedOut', {
          executionTimedOutEventDetails: { error: 'States.Timeout' },
        });
        break;
      case 'StateEntered':
      case 'StateExited':
      case 'StateFailed':
      case 'StateRetried':
        this.#recordState(at, event);
        break;
    }
  }

  /** Events of one iteration of a Map state (run by the engine as its own library execution). */
  recordIteration(mapName: string, index: number, event: LibraryEvent): void {
    const at = this.now();
    const iteration = { name: mapName, index };
    switch (event.type) {
      case 'ExecutionStarted':
        this.#add(at, 'MapIterationStarted', { mapIterationStartedEventDetails: iteration });
        break;
      case 'ExecutionSucceeded':
        this.#add(at, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: iteration });
        break;
      case 'ExecutionFailed':
        this.#add(at, 'MapIterationFailed', { mapIterationFailedEventDetails: iteration });
        break;
      case 'ExecutionAborted':
        this.#add(at, 'MapIterationAborted', { mapIterationAbortedEventDetails: iteration });
        break;
      case 'StateEntered':
      case 'StateExited':
      case 'StateFailed':
      case 'StateRetried':
        this.#recordState(at, { ...event, index });
        break;
    }
  }

  #recordState(
    at: Date,
    event: Extract<LibraryEvent, { type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'StateRetried' }>,
  ): void {
    const { name } = event.state;
    const stateType = this.plan.waits.has(name)
      ? 'Wait'
      : this.plan.maps.has(name)
        ? 'Map'
        : event.state.type;
    const task = this.plan.tasks.get(name);
    const attemptKey = taskKey(name, event.index);
    switch (event.type) {
      case 'StateEntered':
        if (jsonBytes(event.state.input) > MAX_PAYLOAD_BYTES) {
          this.#failExecution(at, dataLimit(`The state '${name}'`, 'an input'));
          return;
        }
        this.#add(at, `${stateType}StateEntered`, {
          stateEnteredEventDetails: { name, input: json(event.state.input) },
        });
        if (task) this.#taskEntered(attemptKey);
        return;
      case 'StateRetried':
        this.#failedTasks.delete(attemptKey);
        return;
      case 'StateFailed':
        if (task) {
          this.#failedTasks.add(attemptKey);
          const timedOut = event.Error === 'States.Timeout';
          this.#add(at, timedOut ? 'TaskTimedOut' : 'TaskFailed', {
            [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: {
              ...resourceOf(task),
              error: event.Error,
              cause: text(event.Cause),
            },
          });
        } else if (stateType === 'Map' || stateType === 'Parallel') {
          this.#add(at, `${stateType}StateFailed`, {});
        }
        return;
      case 'StateExited':
        if (jsonBytes(event.state.output) > MAX_PAYLOAD_BYTES) {
          this.#failExecution(at, dataLimit(`The state '${name}'`, 'an output'));
          return;
        }
        if (task && !this.#failedTasks.delete(attemptKey)) {
          this.#add(at, 'TaskSucceeded', {
            taskSucceededEventDetails: { ...resourceOf(task), output: json(this.#answers.get(attemptKey)) },
          });
        }
        if (task) this.#taskLeft(attemptKey);
        this.#add(at, `${stateType}StateExited`, {
          stateExitedEventDetails: { name, output: json(event.state.output) },
        });
        return;
    }
  }

  /** An attempt of a task starts with its resolved parameters (each retry is scheduled anew). */
  taskScheduled(key: string, task: TaskPlan, parameters: unknown, limits: TaskLimits): void {
    this.#taskEvent(key, () => {
      const at = this.now();
      const details: Record<string, unknown> = {
        ...resourceOf(task),
        region: this.region,
        parameters: json(parameters),
      };
      if (limits.timeoutSeconds !== undefined) details.timeoutInSeconds = limits.timeoutSeconds;
      if (limits.heartbeatSeconds !== undefined) details.heartbeatInSeconds = limits.heartbeatSeconds;
      this.#add(at, 'TaskScheduled', { taskScheduledEventDetails: details });
      this.#add(at, 'TaskStarted', { taskStartedEventDetails: resourceOf(task) });
    });
  }

  /** A `.waitForTaskToken` task's call went through; now it waits for its callback. */
  taskSubmitted(key: string, task: TaskPlan, output: unknown): void {
    this.#taskEvent(key, () =>
      this.#add(this.now(), 'TaskSubmitted', {
        taskSubmittedEventDetails: { ...resourceOf(task), output: json(output) },
      }),
    );
  }

  /** What the task answered (its result, or a callback's output), for its TaskSucceeded. */
  taskAnswered(key: string, output: unknown): void {
    this.#answers.set(key, output);
  }

  #taskEntered(key: string): void {
    this.#enteredTasks.add(key);
    const early = this.#earlyTaskEvents.get(key) ?? [];
    this.#earlyTaskEvents.delete(key);
    for (const add of early) add();
  }

  #taskLeft(key: string): void {
    this.#enteredTasks.delete(key);
    this.#answers.delete(key);
  }

  #taskEvent(key: string, add: () => void): void {
    if (this.#enteredTasks.has(key)) {
      add();
      return;
    }
    const early = this.#earlyTaskEvents.get(key) ?? [];
    early.push(add);
    this.#earlyTaskEvents.set(key, early);
  }

  #add(timestamp: Date, type: string, details: Record<string, unknown>): void {
    if (this.#closed) return;
    if (this.events.length === MAX_HISTORY_EVENTS - 1 && !LAST_EVENTS.has(type)) {
      this.#failExecution(timestamp, {
        error: 'States.Runtime',
        cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
      });
      return;
    }
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp, type, ...details });
    if (LAST_EVENTS.has(type)) this.#closed = true;
  }

  /** The execution fails here, whatever the library does next (it is told to stop). */
  #failExecution(at: Date, failure: ExecutionFailure): void {
    if (this.#closed) return;
    this.#add(at, 'ExecutionFailed', { executionFailedEventDetails: { ...failure } });
    this.fail(failure);
  }
}

/** A task attempt's history key: its state's name and, inside a Map, the iteration's index. */
export function taskKey(stateName: string, iteration: number | undefined): string {
  return `${stateName}#${iteration ?? ''}`;
}

/** The limits a task attempt runs under, as resolved from the definition or the state input. */
export interface TaskLimits {
  timeoutSeconds?: number | undefined;
  heartbeatSeconds?: number | undefined;
}

/** `resourceType`/`resource` as AWS splits them: `lambda` + `invoke.waitForTaskToken`. */
function resourceOf(task: TaskPlan): { resourceType: string; resource: string } {
  const service = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(task.resource);
  if (service?.[1] && service[2]) return { resourceType: service[1], resource: service[2] };
  return { resourceType: 'lambda', resource: task.resource };
}

/** AWS's States.DataLimitExceeded for data over 256 KiB. */
function dataLimit(what: string, data: string): ExecutionFailure {
  return {
    error: 'States.DataLimitExceeded',
    cause: `${what} has ${data} with a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
  };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}
