/**
 * The embedded runtime's Step Functions: runs registered state machines with aws-local-stepfunctions,
 * maps every Task to a local implementation (Lambda invoke, callbacks with task tokens, SNS publish),
 * enforces every time limit with the local clock, and answers the Step Functions API calls the Lambdas
 * make. Executions live in memory only; the product resumes from DynamoDB after a restart.
 */
import './promise-with-resolvers.js';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import {
  type ExecutionPlan,
  lambdaFunctionName,
  type MapPlan,
  planExecution,
  type TaskAction,
  type TaskPlan,
  unsupportedResources,
  unwrapTaskInput,
  type WaitPlan,
} from './definition.js';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  StateMachineDoesNotExist,
  TaskFailure,
  ValidationException,
} from './errors.js';
import { type ExecutionEnding, ExecutionHistory, type HistoryEvent } from './history.js';
import { serveStepFunctionsApi } from './http-endpoint.js';
import { resolveReferencePath } from './reference-path.js';
import { afterRealSeconds, type LocalClock, ScaledTimers } from './scaled-timers.js';
import { TaskTokens } from './task-tokens.js';

export type { HistoryEvent } from './history.js';
export type { LocalClock } from './scaled-timers.js';

export type LambdaInvoker = (
  functionName: string,
  payload: unknown,
) => Promise<{ payload: unknown } | { errorType: string; errorMessage: string }>;

export type SnsPublisher = (params: Record<string, unknown>) => Promise<{ MessageId: string }>;

export interface LocalStepFunctionsOptions {
  invokeLambda: LambdaInvoker;
  publishSns?: SnsPublisher;
  clock: LocalClock;
  /** One line per execution start/end and per wait start/end; never carries a task token or payload. */
  log?: (line: string) => void;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface ExecutionDescription extends ExecutionListItem {
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface RegisteredStateMachine {
  arn: string;
  name: string;
  definition: object;
}

interface Execution {
  description: ExecutionDescription;
  /** The input in a canonical form, to tell an idempotent restart from a clash. */
  canonicalInput: string;
  stateMachine: RegisteredStateMachine;
  plan: ExecutionPlan;
  history: ExecutionHistory;
  ending: ExecutionEnding;
  /** Set the moment the library settles; tasks started after that are refused. */
  ended: boolean;
  abort: () => void;
  attempts: Set<TaskAttempt>;
  /** Token minted for `$$.Task.Token` while the library resolves one task's Parameters. */
  pendingToken?: string;
  /** What every library run of this execution (the root and each Map iteration) is given. */
  runOptions: RunOptions;
  done: Promise<void>;
}

type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type Handlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

type Outcome = Partial<ExecutionDescription> & { status: ExecutionStatus };

/** The input of a Task handler is JSON; so is what it returns. */
type JsonValue = Parameters<StateMachine['run']>[0];

const DEFAULT_REGION = 'us-east-1';
/** AWS execution names: 1-80 characters, no whitespace, no `<>{}[]?*"#%\^|~`$&,;:/`, no control characters. */
function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

export class LocalStepFunctions {
  readonly #opts: LocalStepFunctionsOptions;
  readonly #timers: ScaledTimers;
  readonly #tokens = new TaskTokens();
  readonly #stateMachines = new Map<string, RegisteredStateMachine>();
  readonly #executions = new Map<string, Execution>();
  #statesTimeoutError: Promise<() => Error> | undefined;

  constructor(opts: LocalStepFunctionsOptions) {
    this.#opts = opts;
    this.#timers = new ScaledTimers(opts.clock);
  }

  setClock(clock: LocalClock): void {
    this.#timers.setClock(clock);
  }

  registerStateMachine(sm: { arn: string; name: string; definition: object }): void {
    arnParts(sm.arn, 'stateMachine');
    try {
      // Validates the definition as written (the planned copy is run without validation).
      new StateMachine(sm.definition as ConstructorParameters<typeof StateMachine>[0]);
    } catch (error) {
      throw new InvalidDefinition(`State machine ${sm.name}: ${(error as Error).message}`);
    }
    for (const resource of unsupportedResources(sm.definition)) {
      this.#log(`state machine ${sm.name}: Task resource ${resource} is not supported locally and will fail`);
    }
    this.#stateMachines.set(sm.arn, { ...sm });
  }

  async startExecution(p: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }> {
    const stateMachine = this.#stateMachines.get(p.stateMachineArn);
    if (!stateMachine)
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${p.stateMachineArn}'`);
    const name = p.name ?? randomUUID();
    if (!isExecutionName(name)) throw new InvalidName(`Invalid Name: '${name}'`);
    const inputText = p.input ?? '{}';
    const input = parseJson(
      inputText,
      () => new InvalidExecutionInput('Invalid State Machine Execution Input'),
    );
    const canonicalInput = JSON.stringify(input);
    const arn = executionArnOf(stateMachine.arn, name);

    const existing = this.#executions.get(arn);
    if (existing) {
      // Idempotent like AWS: same name and input while running returns the running execution.
      if (existing.description.status === 'RUNNING' && existing.canonicalInput === canonicalInput) {
        return { executionArn: arn, startDate: existing.description.startDate };
      }
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${arn}'`);
    }

    const timeoutError = await this.#timeoutErrorFactory();
    const plan = planExecution(stateMachine.definition, this.#timers.msPerSecond);
    const { region, account } = arnParts(stateMachine.arn, 'stateMachine');
    const roleArn = `arn:aws:iam::${account}:role/local-step-functions`;
    const execution: Execution = {
      description: {
        executionArn: arn,
        stateMachineArn: stateMachine.arn,
        name,
        status: 'RUNNING',
        startDate: new Date(),
        input: inputText,
      },
      canonicalInput,
      stateMachine,
      plan,
      history: new ExecutionHistory(plan, region || DEFAULT_REGION, roleArn),
      ending: { timedOut: false },
      ended: false,
      abort: () => {},
      attempts: new Set(),
      runOptions: {},
      done: Promise.resolve(),
    };
    this.#executions.set(arn, execution);

    const tokens = this.#tokens;
    const context = {
      Execution: { Id: arn, Name: name, RoleArn: roleArn },
      StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
      // Read while the library resolves a state's paths, i.e. as the state is entered.
      State: {
        get EnteredTime(): string {
          return new Date().toISOString();
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
    const handlers: Handlers = {};
    for (const task of plan.tasks.values()) {
      handlers[task.stateName] = (input) =>
        this.#runTask(execution, task, input, timeoutError) as Promise<JsonValue>;
    }
    for (const wait of plan.waits.values()) {
      handlers[wait.stateName] = (input) => this.#runWait(execution, wait, input) as Promise<JsonValue>;
    }
    for (const map of plan.maps.values()) {
      handlers[map.stateName] = (input) => this.#runMap(execution, map, input) as Promise<JsonValue>;
    }
    execution.runOptions = { context, overrides: { taskResourceLocalHandlers: handlers } };

    const run = unvalidatedMachine(plan.definition).run(input as JsonValue, execution.runOptions);
    execution.abort = run.abort;
    const cancelTimeout =
      plan.timeoutSeconds === undefined
        ? () => {}
        : this.#timers.after(plan.timeoutSeconds, () => {
            execution.ending.timedOut = true;
            run.abort();
          });
    const eventsRecorded = (async () => {
      for await (const event of run.eventLogs) execution.history.record(event, execution.ending);
    })();
    execution.done = (async () => {
      let outcome: Outcome;
      try {
        outcome = { status: 'SUCCEEDED', output: JSON.stringify((await run.result) ?? null) };
      } catch (error) {
        outcome = this.#failureOf(execution, error);
      }
      const stopDate = new Date();
      execution.ended = true;
      cancelTimeout();
      for (const attempt of [...execution.attempts]) attempt.abandon();
      this.#tokens.closeExecution(arn);
      await eventsRecorded;
      // The status changes last, so whoever sees it final also sees the whole history.
      Object.assign(execution.description, outcome, { stopDate });
      this.#log(
        `execution ${name} of ${stateMachine.name}: ${outcome.status} after ${this.#elapsed(execution)}`,
      );
    })();
    this.#log(`execution ${name} of ${stateMachine.name}: started`);
    return { executionArn: arn, startDate: execution.description.startDate };
  }

  async describeExecution(p: { executionArn: string }): Promise<ExecutionDescription> {
    return { ...this.#execution(p.executionArn).description };
  }

  async listExecutions(p: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ executions: ExecutionListItem[]; nextToken?: string }> {
    if (!this.#stateMachines.has(p.stateMachineArn)) {
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${p.stateMachineArn}'`);
    }
    const matching = [...this.#executions.values()]
      .map((e) => e.description)
      .filter(
        (d) => d.stateMachineArn === p.stateMachineArn && (!p.statusFilter || d.status === p.statusFilter),
      )
      .reverse() // newest first, as AWS lists them
      .map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) =>
        stopDate
          ? { executionArn, stateMachineArn, name, status, startDate, stopDate }
          : { executionArn, stateMachineArn, name, status, startDate },
      );
    const { page, nextToken } = paginate(matching, p.maxResults, p.nextToken);
    return nextToken ? { executions: page, nextToken } : { executions: page };
  }

  async getExecutionHistory(p: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    const events = [...this.#execution(p.executionArn).history.events];
    if (p.reverseOrder) events.reverse();
    const { page, nextToken } = paginate(events, p.maxResults, p.nextToken);
    return nextToken ? { events: page, nextToken } : { events: page };
  }

  async sendTaskSuccess(p: { taskToken: string; output: string }): Promise<void> {
    const output = parseJson(p.output, () => new InvalidOutput('Invalid Output'));
    this.#tokens.complete(p.taskToken, { kind: 'success', output });
  }

  async sendTaskFailure(p: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    this.#tokens.complete(p.taskToken, { kind: 'failure', error: p.error ?? '', cause: p.cause ?? '' });
  }

  async sendTaskHeartbeat(p: { taskToken: string }): Promise<void> {
    this.#tokens.heartbeat(p.taskToken);
  }

  async stopExecution(p: {
    executionArn: string;
    error?: string;
    cause?: string;
  }): Promise<{ stopDate: Date }> {
    const execution = this.#execution(p.executionArn);
    if (!execution.ended) {
      execution.ending.stop = {
        ...(p.error === undefined ? {} : { error: p.error }),
        ...(p.cause === undefined ? {} : { cause: p.cause }),
      };
      execution.abort();
    }
    await execution.done;
    return { stopDate: execution.description.stopDate ?? new Date() };
  }

  /** Stops every running execution (for shutdown and tests). */
  async stopAllExecutions(): Promise<void> {
    const running = [...this.#executions.values()].filter((e) => !e.ended);
    await Promise.all(running.map((e) => this.stopExecution({ executionArn: e.description.executionArn })));
  }

  /** Resolves when every running execution has settled (for tests). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#executions.values()].filter((e) => e.description.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((e) => e.done));
    }
  }

  listen(port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
    return serveStepFunctionsApi(this, port, host);
  }

  #execution(executionArn: string): Execution {
    const execution = this.#executions.get(executionArn);
    if (!execution) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  #runTask(
    execution: Execution,
    task: TaskPlan,
    effectiveInput: unknown,
    timeoutError: () => Error,
  ): Promise<unknown> {
    const token = execution.pendingToken;
    execution.pendingToken = undefined;
    const attempt = this.#startAttempt(execution);
    if (attempt.settled) return attempt.promise;
    const { input, stateInput } = unwrapTaskInput(task, effectiveInput);
    try {
      const timeout = limitSeconds(
        task.timeoutSeconds,
        task.timeoutSecondsPath,
        stateInput,
        'TimeoutSecondsPath',
      );
      if (timeout !== undefined) {
        // A callback waits for people, whose time the local clock speeds up; a plain invocation's
        // limit is the function's compute time, which no clock speeds up, so it runs in real time.
        const fire = () => attempt.fail(timeoutError());
        attempt.onSettle(task.callback ? this.#timers.after(timeout, fire) : afterRealSeconds(timeout, fire));
      }
      if (!task.callback) {
        this.#perform(task, input).then(
          (result) => attempt.succeed(result),
          (error: Error) => attempt.fail(error),
        );
        return attempt.promise;
      }
      if (token === undefined || !containsString(input, token)) {
        throw new TaskFailure(
          'States.Runtime',
          `${task.stateName}: a .waitForTaskToken task must pass $$.Task.Token`,
        );
      }
      this.#awaitCallback(execution, task, attempt, token, stateInput, timeoutError);
      this.#perform(task, input).catch((error: Error) => attempt.fail(error));
    } catch (error) {
      attempt.fail(error as Error);
    }
    return attempt.promise;
  }

  #awaitCallback(
    execution: Execution,
    task: TaskPlan,
    attempt: TaskAttempt,
    token: string,
    stateInput: unknown,
    timeoutError: () => Error,
  ): void {
    const heartbeat = limitSeconds(
      task.heartbeatSeconds,
      task.heartbeatSecondsPath,
      stateInput,
      'HeartbeatSecondsPath',
    );
    let cancelHeartbeat = () => {};
    const armHeartbeat = () => {
      cancelHeartbeat();
      if (heartbeat !== undefined)
        cancelHeartbeat = this.#timers.after(heartbeat, () => attempt.fail(timeoutError()));
    };
    armHeartbeat();
    attempt.onSettle(() => cancelHeartbeat());
    this.#tokens.await(token, {
      onCallback: (outcome) =>
        outcome.kind === 'success'
          ? attempt.succeed(outcome.output)
          : attempt.fail(new TaskFailure(outcome.error, outcome.cause)),
      onHeartbeat: armHeartbeat,
    });
    attempt.onSettle(() => this.#tokens.close(token));
    const where = `execution ${execution.description.name}, ${task.stateName}`;
    this.#log(`${where}: waiting for a callback`);
    attempt.onSettle((how) => this.#log(`${where}: callback wait ended (${how})`));
  }

  #runWait(execution: Execution, wait: WaitPlan, input: unknown): Promise<unknown> {
    const attempt = this.#startAttempt(execution);
    if (attempt.settled) return attempt.promise;
    try {
      const seconds = waitSeconds(wait, input);
      const where = `execution ${execution.description.name}, ${wait.stateName}`;
      this.#log(`${where}: waiting ${seconds} s`);
      attempt.onSettle(this.#timers.after(seconds, () => attempt.succeed(input)));
      attempt.onSettle((how) => this.#log(`${where}: wait ended (${how})`));
    } catch (error) {
      attempt.fail(error as Error);
    }
    return attempt.promise;
  }

  /**
   * Runs a Map state's iterations, at most MaxConcurrency at a time (0 or absent: all at once), and stops
   * at the first failure as AWS does: running iterations are aborted, queued ones never start, and the
   * Map fails with that iteration's error for its Retry/Catch.
   */
  #runMap(execution: Execution, map: MapPlan, input: unknown): Promise<unknown> {
    const attempt = this.#startAttempt(execution);
    if (attempt.settled) return attempt.promise;
    const iterations = new Set<{ abort: () => void }>();
    attempt.onSettle(() => {
      for (const iteration of iterations) iteration.abort();
    });
    const processor = unvalidatedMachine(map.processor);
    const runIteration = async (item: unknown, index: number): Promise<unknown> => {
      const itemInput = await this.#selectItem(execution, map, input, item, index);
      if (attempt.settled) return undefined;
      const run = processor.run(itemInput as JsonValue, execution.runOptions);
      const entry = { abort: run.abort };
      iterations.add(entry);
      const recorded = (async () => {
        for await (const event of run.eventLogs)
          execution.history.recordIteration(map.stateName, index, event);
      })();
      try {
        const output = await run.result;
        await recorded;
        return output;
      } catch (error) {
        await recorded; // the iteration's events land in the history before the Map's failure
        throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
      } finally {
        iterations.delete(entry);
      }
    };
    (async () => {
      const items =
        map.itemsPath === undefined ? input : resolveReferencePath(map.itemsPath, input, undefined);
      if (!Array.isArray(items)) {
        throw new TaskFailure('States.Runtime', `${map.stateName}: ItemsPath must select an array`);
      }
      const limit = mapConcurrency(map, input) || items.length;
      const outputs: unknown[] = new Array(items.length);
      let next = 0;
      const worker = async () => {
        while (next < items.length && !attempt.settled) {
          const index = next++;
          outputs[index] = await runIteration(items[index], index);
        }
      };
      await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
      return outputs;
    })().then(
      (outputs) => attempt.succeed(outputs),
      (error: Error) => attempt.fail(error),
    );
    return attempt.promise;
  }

  /** ItemSelector is resolved by the library itself (paths, intrinsics, `$$.Map.Item`) in a one-state run. */
  async #selectItem(execution: Execution, map: MapPlan, mapInput: unknown, item: unknown, index: number) {
    if (map.itemSelector === undefined) return item;
    const selector = unvalidatedMachine({
      StartAt: 'ItemSelector',
      States: { ItemSelector: { Type: 'Pass', Parameters: map.itemSelector, End: true } },
    });
    const context = { ...execution.runOptions.context, Map: { Item: { Index: index, Value: item } } };
    try {
      return await selector.run(mapInput as JsonValue, { context }).result;
    } catch (error) {
      throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    }
  }

  /** A task or wait in flight; execution end settles whatever is left so nothing waits forever. */
  #startAttempt(execution: Execution): TaskAttempt {
    const attempt = new TaskAttempt();
    if (execution.ended) {
      attempt.fail(new TaskFailure('States.Runtime', 'The execution has ended'));
      return attempt;
    }
    execution.attempts.add(attempt);
    attempt.onSettle(() => execution.attempts.delete(attempt));
    return attempt;
  }

  async #perform(task: TaskPlan, input: unknown): Promise<unknown> {
    const action: TaskAction = task.action;
    switch (action.kind) {
      case 'lambda-invoke': {
        const params = (input ?? {}) as Record<string, unknown>;
        const functionName = lambdaFunctionName(String(params.FunctionName ?? ''));
        if (!functionName) {
          throw new TaskFailure(
            'Lambda.ResourceNotFoundException',
            `Function not found: ${String(params.FunctionName)}`,
          );
        }
        const payload = await this.#invoke(functionName, params.Payload ?? {});
        return { ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 };
      }
      case 'lambda-function':
        return this.#invoke(action.functionName, input);
      case 'sns-publish': {
        if (!this.#opts.publishSns)
          throw new TaskFailure('States.Runtime', 'No SNS publisher is configured locally');
        try {
          const { MessageId } = await this.#opts.publishSns((input ?? {}) as Record<string, unknown>);
          return { MessageId };
        } catch (error) {
          const { name, message } = error as Error;
          throw new TaskFailure(name.includes('.') ? name : `SNS.${name}`, message);
        }
      }
      case 'unsupported':
        throw new TaskFailure('States.Runtime', `Task resource ${task.resource} is not supported locally`);
    }
  }

  /** Invokes a function; a function error surfaces under the function's own errorType, as on AWS. */
  async #invoke(functionName: string, payload: unknown): Promise<unknown> {
    let outcome: Awaited<ReturnType<LambdaInvoker>>;
    try {
      outcome = await this.#opts.invokeLambda(functionName, payload);
    } catch (error) {
      throw new TaskFailure('Lambda.ServiceException', (error as Error).message);
    }
    if ('payload' in outcome) return outcome.payload;
    const errorType = outcome.errorType || 'Lambda.Unknown';
    throw new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage: outcome.errorMessage }));
  }

  #failureOf(execution: Execution, error: unknown): Outcome {
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

  /** The library's own States.Timeout class, so `States.TaskFailed` does not match our timeouts either. */
  #timeoutErrorFactory(): Promise<() => Error> {
    this.#statesTimeoutError ??= probeStatesTimeoutError();
    return this.#statesTimeoutError;
  }

  #elapsed(execution: Execution): string {
    const ms =
      (execution.description.stopDate ?? new Date()).getTime() - execution.description.startDate.getTime();
    return `${(ms / 1000).toFixed(2)} s`;
  }

  #log(line: string): void {
    this.#opts.log?.(`[stepfunctions] ${line}`);
  }
}

type SettleReason = 'succeeded' | 'failed' | 'timed out' | 'ended with the execution';

/** One run of a Task or Wait handler: settles once, then runs its cleanups (timers, token, log). */
class TaskAttempt {
  readonly promise: Promise<unknown>;
  #resolve!: (value: unknown) => void;
  #reject!: (error: Error) => void;
  #settled = false;
  readonly #cleanups: ((how: SettleReason) => void)[] = [];

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The library may have stopped listening (aborted execution); an unobserved rejection is expected.
    this.promise.catch(() => {});
  }

  get settled(): boolean {
    return this.#settled;
  }

  onSettle(cleanup: (how: SettleReason) => void): void {
    this.#cleanups.push(cleanup);
  }

  succeed(value: unknown): void {
    if (this.#settle('succeeded')) this.#resolve(value);
  }

  fail(error: Error): void {
    if (this.#settle(error.name === 'States.Timeout' ? 'timed out' : 'failed')) this.#reject(error);
  }

  abandon(): void {
    if (this.#settle('ended with the execution'))
      this.#reject(new TaskFailure('States.Runtime', 'The execution has ended'));
  }

  #settle(how: SettleReason): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    for (const cleanup of this.#cleanups) cleanup(how);
    return true;
  }
}

function unvalidatedMachine(definition: object): StateMachine {
  // The definition was validated when registered; its planned copy holds fractional seconds.
  return new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { noValidate: true },
  });
}

function mapConcurrency(map: MapPlan, input: unknown): number {
  if (map.maxConcurrencyPath === undefined) return map.maxConcurrency ?? 0;
  const value = resolveReferencePath(map.maxConcurrencyPath, input, undefined);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TaskFailure(
      'States.Runtime',
      `MaxConcurrencyPath '${map.maxConcurrencyPath}' must select an integer >= 0`,
    );
  }
  return value;
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

function waitSeconds(wait: WaitPlan, input: unknown): number {
  if (wait.seconds !== undefined) return wait.seconds;
  if (wait.timestamp !== undefined) return secondsUntil(wait.timestamp, 'Timestamp');
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
    return secondsUntil(typeof value === 'string' ? value : '', `TimestampPath '${wait.timestampPath}'`);
  }
  return 0;
}

/** A Timestamp is this far in the future in real seconds, which the clock then scales like any wait. */
function secondsUntil(timestamp: string, field: string): number {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) throw new TaskFailure('States.Runtime', `${field} must be an ISO 8601 timestamp`);
  return Math.max(0, (at - Date.now()) / 1000);
}

function containsString(value: unknown, wanted: string): boolean {
  if (value === wanted) return true;
  if (Array.isArray(value)) return value.some((v) => containsString(v, wanted));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => containsString(v, wanted));
  return false;
}

function parseJson(text: string, invalid: () => Error): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid();
  }
}

/** `arn:<partition>:states:<region>:<account>:<resourceType>:<name>` */
function arnParts(arn: string, resourceType: 'stateMachine' | 'execution') {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== resourceType) {
    throw new InvalidArn(`Invalid Arn: '${arn}'`);
  }
  return {
    partition: parts[1] ?? 'aws',
    region: parts[3] ?? '',
    account: parts[4] ?? '',
    name: parts[6] ?? '',
  };
}

function executionArnOf(stateMachineArn: string, executionName: string): string {
  const { partition, region, account, name } = arnParts(stateMachineArn, 'stateMachine');
  return `arn:${partition}:states:${region}:${account}:execution:${name}:${executionName}`;
}

function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined) {
  const start = nextToken === undefined ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new ValidationException('Invalid nextToken');
  }
  const size = maxResults && maxResults > 0 ? maxResults : 1000;
  const end = Math.min(items.length, start + size);
  return { page: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}

/**
 * The library tells States.Timeout apart from other task errors by its class (States.TaskFailed must not
 * match a timeout), and does not export it. One task that times out after a millisecond hands it over.
 */
async function probeStatesTimeoutError(): Promise<() => Error> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: { Probe: { Type: 'Task', Resource: 'local:probe', TimeoutSeconds: 0.001, End: true } },
    },
    { validationOptions: { noValidate: true } },
  );
  try {
    await probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } },
    }).result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const TimeoutClass = cause.constructor as new () => Error;
      return () => new TimeoutClass();
    }
  }
  return () => new TaskFailure('States.Timeout', 'States.Timeout');
}
