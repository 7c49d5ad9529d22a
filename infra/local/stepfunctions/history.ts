/**
 * Maps the library's execution event log to GetExecutionHistory events named as AWS names them
 * (ExecutionStarted, TaskStateEntered, TaskScheduled, TaskSucceeded, WaitStateExited, ...). A useful
 * subset, not every event AWS records.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionPlan, TaskPlan } from './definition.js';

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
}

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Task states (by name and Map index) whose last attempt failed, so a caught failure is not a success. */
  readonly #failedTasks = new Set<string>();

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly region: string,
    private readonly roleArn: string,
  ) {}

  record(event: LibraryEvent, ending: ExecutionEnding): void {
    const at = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        this.#add(at, 'ExecutionStarted', {
          executionStartedEventDetails: { input: json(event.input), roleArn: this.roleArn },
        });
        break;
      case 'ExecutionSucceeded':
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
    const at = new Date(event.timestamp);
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
    const attemptKey = `${name}#${event.index ?? ''}`;
    switch (event.type) {
      case 'StateEntered':
        this.#add(at, `${stateType}StateEntered`, {
          stateEnteredEventDetails: { name, input: json(event.state.input) },
        });
        if (task) this.#taskStarted(at, task);
        return;
      case 'StateRetried':
        if (task) this.#taskStarted(at, task);
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
        if (task && !this.#failedTasks.delete(attemptKey)) {
          this.#add(at, 'TaskSucceeded', { taskSucceededEventDetails: { ...resourceOf(task) } });
        }
        this.#add(at, `${stateType}StateExited`, {
          stateExitedEventDetails: { name, output: json(event.state.output) },
        });
        return;
    }
  }

  #taskStarted(at: Date, task: TaskPlan): void {
    const details: Record<string, unknown> = { ...resourceOf(task), region: this.region };
    if (task.timeoutSeconds !== undefined) details.timeoutInSeconds = task.timeoutSeconds;
    if (task.heartbeatSeconds !== undefined) details.heartbeatInSeconds = task.heartbeatSeconds;
    this.#add(at, 'TaskScheduled', { taskScheduledEventDetails: details });
    this.#add(at, 'TaskStarted', { taskStartedEventDetails: resourceOf(task) });
  }

  #add(timestamp: Date, type: string, details: Record<string, unknown>): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp, type, ...details });
  }
}

/** `resourceType`/`resource` as AWS splits them: `lambda` + `invoke.waitForTaskToken`. */
function resourceOf(task: TaskPlan): { resourceType: string; resource: string } {
  const service = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(task.resource);
  if (service?.[1] && service[2]) return { resourceType: service[1], resource: service[2] };
  return { resourceType: 'lambda', resource: task.resource };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}
