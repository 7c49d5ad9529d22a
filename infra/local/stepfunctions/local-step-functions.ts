/**
 * The embedded runtime's Step Functions: runs registered state machines with aws-local-stepfunctions,
 * maps every Task to a local implementation (Lambda invoke, callbacks with task tokens, SNS publish),
 * enforces every time limit with the local clock, and answers the Step Functions API calls the Lambdas
 * make. Executions live in memory only; the product resumes from DynamoDB after a restart.
 *
 * This module holds the registry of state machines and executions and the API operations; running one
 * execution is run-execution.ts, each kind of state its own module, the HTTP endpoint http-endpoint.ts.
 */
import './promise-with-resolvers.js';
import { createHash, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type {
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  RoutingEntry,
  StateMachineAliasDescription,
  StateMachineDescription,
  StateMachineForExecution,
  StateMachineListItem,
  StateMachineType,
  StateMachineVersionListItem,
  StepFunctionsApi,
} from './api.js';
import { arnParts, executionArnOf, isExecutionName } from './arns.js';
import { planExecution, unsupportedResources } from './definition.js';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  StateMachineDoesNotExist,
  ValidationException,
} from './errors.js';
import type { Execution, ExecutionServices, RegisteredStateMachine } from './execution.js';
import { ExecutionHistory, type HistoryEvent } from './history.js';
import { serveStepFunctionsApi } from './http-endpoint.js';
import { checkDefinitionLimits, checkRequestPayload } from './limits.js';
import { runExecution } from './run-execution.js';
import { type LocalClock, ScaledTimers } from './scaled-timers.js';
import { probeStatesTimeoutError } from './states-timeout.js';
import type { LambdaInvoker, SnsPublisher } from './task-integrations.js';
import { TaskTokens } from './task-tokens.js';
import { qualifiedArnParts, StateMachineVersions } from './versions.js';

export interface LocalStepFunctionsOptions {
  invokeLambda: LambdaInvoker;
  publishSns?: SnsPublisher;
  clock: LocalClock;
  /** One line per execution start/end and per wait start/end; never carries a task token or payload. */
  log?: (line: string) => void;
}

const DEFAULT_REGION = 'us-east-1';

export class LocalStepFunctions implements StepFunctionsApi {
  readonly #opts: LocalStepFunctionsOptions;
  readonly #timers: ScaledTimers;
  readonly #tokens = new TaskTokens();
  readonly #stateMachines = new Map<string, RegisteredStateMachine>();
  readonly #executions = new Map<string, Execution>();
  readonly #services: ExecutionServices;
  readonly #versions: StateMachineVersions;
  #statesTimeoutError: Promise<() => Error> | undefined;

  constructor(opts: LocalStepFunctionsOptions) {
    this.#opts = opts;
    this.#timers = new ScaledTimers(opts.clock);
    this.#services = {
      timers: this.#timers,
      tokens: this.#tokens,
      integrations: opts,
      log: (line) => this.#log(line),
    };
    this.#versions = new StateMachineVersions(
      (arn) => this.#stateMachines.get(arn),
      () => this.#timers.now(),
    );
  }

  /** The state machine's time: the system clock, or the engine's own (`clock.startsAt`). */
  now(): Date {
    return this.#timers.now();
  }

  setClock(clock: LocalClock): void {
    this.#timers.setClock(clock);
  }

  /**
   * Calls `fire` after `seconds` of the engine's time, re-armed by a clock change; returns a function
   * that cancels it. The app's scheduled rules keep time with the executions through it.
   */
  after(seconds: number, fire: () => void): () => void {
    return this.#timers.after(seconds, fire);
  }

  /**
   * Registers a state machine, or a new revision of one (a redeploy): executions already running
   * keep the revision they started on. Without a role, executions run as a role named after it.
   */
  registerStateMachine(sm: {
    arn: string;
    name: string;
    definition: object;
    roleArn?: string;
    type?: StateMachineType;
  }): void {
    const { partition, account } = arnParts(sm.arn, 'stateMachine');
    // State machine names follow the rules of execution names (80 characters, no whitespace, ...).
    if (!isExecutionName(sm.name)) throw new InvalidName(`Invalid Name: '${sm.name}'`);
    // As written: the library's validation adds defaults to the object it is given.
    const definition = structuredClone(sm.definition);
    checkDefinitionLimits(definition);
    try {
      // Validates a copy of the definition as written: validation adds defaults to what it is given,
      // and neither the caller's object nor the one kept may change (the planned copy runs unvalidated).
      new StateMachine(structuredClone(sm.definition) as ConstructorParameters<typeof StateMachine>[0]);
    } catch (error) {
      throw new InvalidDefinition(`State machine ${sm.name}: ${(error as Error).message}`);
    }
    for (const resource of unsupportedResources(sm.definition)) {
      this.#log(`state machine ${sm.name}: Task resource ${resource} is not supported locally and will fail`);
    }
    const roleArn = sm.roleArn ?? `arn:${partition}:iam::${account}:role/${sm.name}-role`;
    const type = sm.type ?? 'STANDARD';
    const revisionId = createHash('sha256')
      .update(JSON.stringify([definition, roleArn, type]))
      .digest('hex')
      .slice(0, 32);
    const previous = this.#stateMachines.get(sm.arn);
    if (previous?.revisionId === revisionId) return;
    const now = this.#timers.now();
    this.#stateMachines.set(sm.arn, {
      arn: sm.arn,
      name: sm.name,
      definition,
      roleArn,
      type,
      creationDate: previous?.creationDate ?? now,
      revisionId,
      updateDate: now,
    });
  }

  async listStateMachines(p: {
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ stateMachines: StateMachineListItem[]; nextToken?: string }> {
    const all = [...this.#stateMachines.values()].map((sm) => ({
      stateMachineArn: sm.arn,
      name: sm.name,
      type: sm.type,
      creationDate: sm.creationDate,
    }));
    const { page, nextToken } = paginate(all, p.maxResults, p.nextToken);
    return nextToken ? { stateMachines: page, nextToken } : { stateMachines: page };
  }

  /** The state machine's latest revision, or with a version ARN that version (as AWS answers both). */
  async describeStateMachine(p: { stateMachineArn: string }): Promise<StateMachineDescription> {
    const { qualifier } = qualifiedArnParts(p.stateMachineArn);
    if (qualifier !== undefined) {
      const { snapshot, description, creationDate } = this.#versions.version(p.stateMachineArn);
      return {
        ...describedStateMachine(snapshot),
        stateMachineArn: p.stateMachineArn,
        creationDate,
        ...(description === undefined ? {} : { description }),
      };
    }
    const sm = this.#stateMachines.get(p.stateMachineArn);
    if (!sm) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${p.stateMachineArn}'`);
    return describedStateMachine(sm);
  }

  async describeStateMachineForExecution(p: { executionArn: string }): Promise<StateMachineForExecution> {
    const { stateMachine } = this.#execution(p.executionArn);
    return {
      stateMachineArn: stateMachine.arn,
      name: stateMachine.name,
      definition: JSON.stringify(stateMachine.definition),
      roleArn: stateMachine.roleArn,
      updateDate: stateMachine.updateDate,
      revisionId: stateMachine.revisionId,
    };
  }

  async startExecution(p: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }> {
    // The latest revision, or the version the ARN names (itself, or through an alias).
    const { stateMachine, ...startedThrough } = this.#versions.target(p.stateMachineArn);
    const name = p.name ?? randomUUID();
    if (!isExecutionName(name)) throw new InvalidName(`Invalid Name: '${name}'`);
    const inputText = p.input ?? '{}';
    checkRequestPayload('input', inputText);
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
    const { region } = arnParts(stateMachine.arn, 'stateMachine');
    const { roleArn } = stateMachine;
    const execution: Execution = {
      description: {
        executionArn: arn,
        stateMachineArn: stateMachine.arn,
        name,
        status: 'RUNNING',
        startDate: this.#timers.now(),
        input: inputText,
        ...startedThrough,
      },
      canonicalInput,
      stateMachine,
      plan,
      history: new ExecutionHistory(
        plan,
        region || DEFAULT_REGION,
        roleArn,
        () => this.#timers.now(),
        (failure) => {
          execution.ending.failure = failure;
          execution.abort();
        },
      ),
      ending: { timedOut: false },
      ended: false,
      abort: () => {},
      attempts: new Set(),
      runOptions: {},
      iterationRunOptions: () => ({}),
      done: Promise.resolve(),
    };
    this.#executions.set(arn, execution);
    runExecution(this.#services, execution, input, roleArn, timeoutError);
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
    // The state machine's executions, or those of one version or alias of it (as AWS filters them).
    const { stateMachineArn: unqualified, qualifier } = qualifiedArnParts(p.stateMachineArn);
    if (!this.#stateMachines.has(unqualified)) {
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${unqualified}'`);
    }
    if (qualifier !== undefined) this.#versions.target(p.stateMachineArn);
    const ranThrough = (d: ExecutionDescription) =>
      qualifier === undefined ||
      d.stateMachineVersionArn === p.stateMachineArn ||
      d.stateMachineAliasArn === p.stateMachineArn;
    const matching = [...this.#executions.values()]
      .map((e) => e.description)
      .filter(
        (d) =>
          d.stateMachineArn === unqualified &&
          ranThrough(d) &&
          (!p.statusFilter || d.status === p.statusFilter),
      )
      .reverse() // newest first, as AWS lists them
      .map(({ input: _input, output: _output, error: _error, cause: _cause, ...item }) => item);
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
    checkRequestPayload('output', p.output);
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
    return { stopDate: execution.description.stopDate ?? this.#timers.now() };
  }

  async publishStateMachineVersion(p: {
    stateMachineArn: string;
    revisionId?: string;
    description?: string;
  }): Promise<{ stateMachineVersionArn: string; creationDate: Date }> {
    return this.#versions.publish(p);
  }

  async listStateMachineVersions(p: {
    stateMachineArn: string;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ stateMachineVersions: StateMachineVersionListItem[]; nextToken?: string }> {
    const { page, nextToken } = paginate(this.#versions.list(p.stateMachineArn), p.maxResults, p.nextToken);
    return nextToken ? { stateMachineVersions: page, nextToken } : { stateMachineVersions: page };
  }

  async createStateMachineAlias(p: {
    name: string;
    description?: string;
    routingConfiguration: RoutingEntry[];
  }): Promise<{ stateMachineAliasArn: string; creationDate: Date }> {
    return this.#versions.createAlias(p);
  }

  async updateStateMachineAlias(p: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: RoutingEntry[];
  }): Promise<{ updateDate: Date }> {
    return this.#versions.updateAlias(p);
  }

  async describeStateMachineAlias(p: {
    stateMachineAliasArn: string;
  }): Promise<StateMachineAliasDescription> {
    return this.#versions.describeAlias(p.stateMachineAliasArn);
  }

  async listStateMachineAliases(p: {
    stateMachineArn: string;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{
    stateMachineAliases: { stateMachineAliasArn: string; creationDate: Date }[];
    nextToken?: string;
  }> {
    const { page, nextToken } = paginate(
      this.#versions.listAliases(p.stateMachineArn),
      p.maxResults,
      p.nextToken,
    );
    return nextToken ? { stateMachineAliases: page, nextToken } : { stateMachineAliases: page };
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
    arnParts(executionArn, 'execution');
    const execution = this.#executions.get(executionArn);
    if (!execution) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** The library's own States.Timeout class, so `States.TaskFailed` does not match our timeouts either. */
  #timeoutErrorFactory(): Promise<() => Error> {
    this.#statesTimeoutError ??= probeStatesTimeoutError();
    return this.#statesTimeoutError;
  }

  #log(line: string): void {
    this.#opts.log?.(`[stepfunctions] ${line}`);
  }
}

function parseJson(text: string, invalid: () => Error): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid();
  }
}

function describedStateMachine(sm: RegisteredStateMachine): StateMachineDescription {
  return {
    stateMachineArn: sm.arn,
    name: sm.name,
    status: 'ACTIVE',
    definition: JSON.stringify(sm.definition),
    roleArn: sm.roleArn,
    type: sm.type,
    creationDate: sm.creationDate,
    revisionId: sm.revisionId,
  };
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
