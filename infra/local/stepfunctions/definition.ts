/**
 * Turns a state machine definition into one aws-local-stepfunctions can run under a local clock.
 *
 * The library arms one plain setTimeout per task timeout, Wait and top-level timeout; those run in real
 * time, default to 60 s for tasks (AWS: no limit) and fire at once above ~24.8 days. So every time limit
 * is taken out of the definition and kept here for the engine to enforce with clock-scaled timers:
 * - Task: TimeoutSeconds/HeartbeatSeconds (and their *Path forms) are lifted out; the library keeps
 *   only a backstop at its longest possible timer. The engine scales a `.waitForTaskToken` task's
 *   limits; a plain invocation's TimeoutSeconds bounds compute time and stays in real time.
 * - Wait: becomes a Task on a local resource whose handler waits; InputPath/OutputPath keep their meaning.
 * - Map: becomes a Task on a local resource whose handler runs the iterations. The library keeps starting
 *   queued iterations after one has failed (with MaxConcurrency 1, a rejected approval would still ask the
 *   next approver); AWS stops the Map at the first failure. InputPath, ResultSelector, ResultPath,
 *   OutputPath, Retry and Catch stay on the Task and keep their meaning.
 * - Retry: IntervalSeconds and MaxDelaySeconds are scaled, so backoff and jitter still apply.
 * - The top-level TimeoutSeconds is lifted out as well.
 *
 * The library also stamps `$$.Execution.StartTime` with the system clock as it starts running, so every
 * path to it is pointed at `$$.Execution.LocalStartTime`: the execution's start on the state machine's time.
 */
import { MAX_TIMER_MS } from './scaled-timers.js';

/** Resources of the Tasks that stand in for Wait and Map states (never sent to AWS). */
export const LOCAL_WAIT_RESOURCE = 'local:wait';
export const LOCAL_MAP_RESOURCE = 'local:map';

/** Longest TimeoutSeconds the library can arm without its timer firing at once. */
export const LIBRARY_BACKSTOP_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** Keys of the wrapper put around a Task's Parameters when a *Path limit needs the state input. */
const WRAP_INPUT = 'localStateInput';
const WRAP_PARAMETERS = 'localParameters';

export type TaskAction =
  | { kind: 'lambda-invoke' }
  | { kind: 'lambda-function'; functionName: string }
  | { kind: 'sns-publish' }
  | { kind: 'unsupported' };

export interface TaskPlan {
  stateName: string;
  resource: string;
  action: TaskAction;
  /** `.waitForTaskToken`: after the action, wait for SendTaskSuccess/SendTaskFailure. */
  callback: boolean;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
  /** Parameters were wrapped so the handler also receives the state input (for *Path limits). */
  wrapped: boolean;
}

export interface WaitPlan {
  stateName: string;
  seconds?: number;
  timestamp?: string;
  secondsPath?: string;
  timestampPath?: string;
}

export interface MapPlan {
  stateName: string;
  /** The iteration's state machine, itself planned. */
  processor: Record<string, unknown>;
  itemsPath?: string;
  /** ItemSelector (or the older Parameters), resolved per item with `$$.Map.Item`. */
  itemSelector?: unknown;
  maxConcurrency?: number;
  maxConcurrencyPath?: string;
}

export interface ExecutionPlan {
  /** The definition handed to the library (validation off: it holds fractional seconds). */
  definition: Record<string, unknown>;
  tasks: Map<string, TaskPlan>;
  waits: Map<string, WaitPlan>;
  maps: Map<string, MapPlan>;
  timeoutSeconds?: number;
}

type Json = Record<string, unknown>;

const LIBRARY_START_TIME = '$$.Execution.StartTime';
const LOCAL_START_TIME = '$$.Execution.LocalStartTime';

export function planExecution(original: object, msPerSecond: number): ExecutionPlan {
  const definition = pointStartTimeHome(structuredClone(original)) as Json;
  const plan: ExecutionPlan = { definition, tasks: new Map(), waits: new Map(), maps: new Map() };
  if (typeof definition.TimeoutSeconds === 'number') plan.timeoutSeconds = definition.TimeoutSeconds;
  delete definition.TimeoutSeconds;
  rewriteStates(definition, plan, msPerSecond / 1000);
  return plan;
}

/**
 * Every string of the definition with its paths to `$$.Execution.StartTime` pointed at the local one
 * (by a function: a replacement string would read `$$` as an escaped `$`).
 */
function pointStartTimeHome(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(LIBRARY_START_TIME, () => LOCAL_START_TIME);
  if (Array.isArray(value)) return value.map(pointStartTimeHome);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointStartTimeHome(v)]));
}

/** Every Task resource of a definition that this engine cannot run (reported when it is registered). */
export function unsupportedResources(definition: object): string[] {
  const plan = planExecution(definition, 1000);
  return [...plan.tasks.values()].filter((t) => t.action.kind === 'unsupported').map((t) => t.resource);
}

/** Splits a wrapped Task input back into the effective input and the state input. */
export function unwrapTaskInput(
  plan: TaskPlan,
  effectiveInput: unknown,
): { input: unknown; stateInput: unknown } {
  if (!plan.wrapped) return { input: effectiveInput, stateInput: effectiveInput };
  const wrapper = (effectiveInput ?? {}) as Json;
  return { input: wrapper[WRAP_PARAMETERS], stateInput: wrapper[WRAP_INPUT] };
}

function rewriteStates(machine: Json, plan: ExecutionPlan, scale: number): void {
  const states = (machine.States ?? {}) as Record<string, Json>;
  for (const [name, state] of Object.entries(states)) {
    if (Array.isArray(state.Retry)) state.Retry = state.Retry.map((r: Json) => scaleRetrier(r, scale));
    switch (state.Type) {
      case 'Task':
        plan.tasks.set(name, liftTaskLimits(name, state));
        break;
      case 'Wait':
        plan.waits.set(name, liftWait(name, state));
        states[name] = stateAsTask(state, LOCAL_WAIT_RESOURCE, []);
        break;
      case 'Map': {
        const processor = (state.ItemProcessor ?? state.Iterator ?? { States: {} }) as Json;
        rewriteStates(processor, plan, scale);
        plan.maps.set(name, liftMap(name, state, processor));
        states[name] = stateAsTask(state, LOCAL_MAP_RESOURCE, [
          'ResultSelector',
          'ResultPath',
          'Retry',
          'Catch',
        ]);
        break;
      }
      case 'Parallel':
        for (const branch of (state.Branches ?? []) as Json[]) rewriteStates(branch, plan, scale);
        break;
    }
  }
}

function scaleRetrier(retrier: Json, scale: number): Json {
  const scaled: Json = { ...retrier, IntervalSeconds: numberOr(retrier.IntervalSeconds, 1) * scale };
  if (typeof retrier.MaxDelaySeconds === 'number') scaled.MaxDelaySeconds = retrier.MaxDelaySeconds * scale;
  return scaled;
}

function liftTaskLimits(stateName: string, state: Json): TaskPlan {
  const resource = String(state.Resource ?? '');
  const { action, callback } = taskAction(resource);
  const plan: TaskPlan = { stateName, resource, action, callback, wrapped: false };
  if (typeof state.TimeoutSeconds === 'number') plan.timeoutSeconds = state.TimeoutSeconds;
  if (typeof state.TimeoutSecondsPath === 'string') plan.timeoutSecondsPath = state.TimeoutSecondsPath;
  if (typeof state.HeartbeatSeconds === 'number') plan.heartbeatSeconds = state.HeartbeatSeconds;
  if (typeof state.HeartbeatSecondsPath === 'string') plan.heartbeatSecondsPath = state.HeartbeatSecondsPath;
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSeconds;
  delete state.HeartbeatSecondsPath;
  state.TimeoutSeconds = LIBRARY_BACKSTOP_SECONDS;
  if (plan.timeoutSecondsPath !== undefined || plan.heartbeatSecondsPath !== undefined) {
    // AWS reads *Path limits from the state input; the handler only sees the effective input, so both
    // travel together and the handler separates them again.
    state.Parameters = { [`${WRAP_INPUT}.$`]: '$', ...wrappedParameters(state.Parameters) };
    plan.wrapped = true;
  }
  return plan;
}

function wrappedParameters(parameters: unknown): Json {
  return parameters === undefined ? { [`${WRAP_PARAMETERS}.$`]: '$' } : { [WRAP_PARAMETERS]: parameters };
}

function liftWait(stateName: string, state: Json): WaitPlan {
  const plan: WaitPlan = { stateName };
  if (typeof state.Seconds === 'number') plan.seconds = state.Seconds;
  if (typeof state.Timestamp === 'string') plan.timestamp = state.Timestamp;
  if (typeof state.SecondsPath === 'string') plan.secondsPath = state.SecondsPath;
  if (typeof state.TimestampPath === 'string') plan.timestampPath = state.TimestampPath;
  return plan;
}

function liftMap(stateName: string, state: Json, processor: Json): MapPlan {
  const plan: MapPlan = { stateName, processor };
  if (typeof state.ItemsPath === 'string') plan.itemsPath = state.ItemsPath;
  const itemSelector = state.ItemSelector ?? state.Parameters;
  if (itemSelector !== undefined) plan.itemSelector = itemSelector;
  if (typeof state.MaxConcurrency === 'number') plan.maxConcurrency = state.MaxConcurrency;
  if (typeof state.MaxConcurrencyPath === 'string') plan.maxConcurrencyPath = state.MaxConcurrencyPath;
  return plan;
}

/** A Task on a local resource in place of a state; `keep` names the fields it carries over. */
function stateAsTask(state: Json, resource: string, keep: string[]): Json {
  const task: Json = { Type: 'Task', Resource: resource, TimeoutSeconds: LIBRARY_BACKSTOP_SECONDS };
  for (const key of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End', ...keep]) {
    if (key in state) task[key] = state[key];
  }
  return task;
}

function taskAction(resource: string): { action: TaskAction; callback: boolean } {
  const service = /^arn:[^:]+:states:::(.+)$/.exec(resource)?.[1];
  if (service === undefined) {
    const functionName = resource.includes(':function:') ? lambdaFunctionName(resource) : undefined;
    return {
      action: functionName ? { kind: 'lambda-function', functionName } : { kind: 'unsupported' },
      callback: false,
    };
  }
  const callback = service.endsWith('.waitForTaskToken');
  const integration = callback ? service.slice(0, -'.waitForTaskToken'.length) : service;
  if (integration === 'lambda:invoke') return { action: { kind: 'lambda-invoke' }, callback };
  if (integration === 'sns:publish') return { action: { kind: 'sns-publish' }, callback };
  return { action: { kind: 'unsupported' }, callback };
}

/**
 * The function name in a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`),
 * a partial ARN (`<account>:function:<name>`) or a plain name; undefined for anything else.
 */
export function lambdaFunctionName(nameOrArn: string): string | undefined {
  const match = /(?:^|:)function:([A-Za-z0-9_-]+)(?::[^:]+)?$/.exec(nameOrArn);
  if (match) return match[1];
  if (/^[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?$/.test(nameOrArn)) return nameOrArn.split(':')[0];
  return undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
