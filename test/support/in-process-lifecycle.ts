import { fileURLToPath } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';
import { deployStateMachines } from '../../infra/local/deploy-state-machines.js';
import {
  type ExecutionStatus as EngineExecutionStatus,
  ExecutionDoesNotExist,
  type LambdaInvoker,
  LocalStepFunctions,
} from '../../infra/local/stepfunctions/index.js';
import {
  createStepFunctionsCallbacks,
  createStepFunctionsExecutions,
  createStepFunctionsStarter,
  executionArnOf,
} from '../../shared/adapters/step-functions.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import type { TaskAttempt } from '../../shared/domain/tasks.js';
import type { PaymentPublisher } from '../../shared/ports/payment-publisher.js';
import type {
  NgoPageDeps,
  RecordUploadDeps,
  UploadGrantDeps,
} from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { type RequestAmendmentOutcome, requestAmendment } from '../../shared/usecases/request-amendment.js';
import { startedExecutions } from '../../shared/usecases/start-workflow.js';
import { submitProposal } from '../../shared/usecases/submit-proposal.js';
import { reviewedUploads } from '../../shared/usecases/task-links/task-documents.js';
import type { TaskLinkDeps } from '../../shared/usecases/task-links/task-link-deps.js';
import { OPTIONAL_FUNCTION_ENV, stubFunctionEnv } from './events.js';
import { createFakes, type Fakes } from './fakes/index.js';
import {
  evaluationDepsOf,
  humanStepPortsOf,
  InMemoryObjectStore,
  invokeStep,
  RecordingDocumentStore,
  RecordingPaymentPublisher,
  RecordingUploadSigner,
  testLinkKey,
  workflowDepsOf,
} from './handler-harness.js';
import { LOCAL_FUNCTION_ARN_PREFIX, lifecycleDefinition } from './lifecycle-definition.js';
import { TEST_LIFECYCLE, TEST_POLICY } from './settings.js';

/**
 * The purchase lifecycle in one process: the synthesized state machine on the local Step Functions
 * engine, whose own clock starts at a chosen instant and runs fast, and every Lambda task served by
 * the real handler (`functions/<name>/handler.ts`, built with `createHandler` over in-memory
 * repositories). The handlers reach Step Functions through the real SDK adapters, over the engine's
 * HTTP endpoint, so a hand-over starts its successor on the same engine. People act through the
 * use cases the HTTP routes call (see lifecycle-people.ts), as cast before the purchase is
 * submitted; the engine runs at real speed while a step runs or someone acts (EngineClock). The
 * definition is deployed as the runtime deploys a template, with a version and the `live` alias
 * every execution starts through, and can be deployed again under a running purchase (`redeploy`).
 */

const STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:purchase-lifecycle';
const ALIAS_ARN = `${STATE_MACHINE_ARN}:live`;
/** Real time: the engine's speed while a step runs or someone acts. */
const REAL_TIME_MS_PER_SECOND = 1000;

/** The Lambda steps that ask someone and wait for the answer with a task token. */
const ASKING_STEPS = ['RequestDecision', 'AwaitUpload', 'RequestEvaluation'] as const;
export type AskingStep = (typeof ASKING_STEPS)[number];

/** One call of an asking step, as the state machine made it. */
export interface Ask {
  step: AskingStep;
  attempt: TaskAttempt;
  /** The step's input without its task token: purpose, level, round, kind, since, deadline... */
  input: Readonly<Record<string, unknown>>;
}

/** Something a person does, through the use cases; it fails when the person cannot do it. */
export type Act = () => Promise<void>;

/** A payment notice as finance receives it from the payments topic. */
export type PaymentNotice = Parameters<PaymentPublisher['publish']>[0];

/** Who does what in a play: asked as each asking step runs, and as each payment notice goes out. */
export interface Cast {
  /** The answer to an ask, or undefined when nobody answers it (the step times out). */
  answerTo(ask: Ask): Act | undefined;
  /** What finance does with a payment notice (nobody's execution waits for it). */
  onPaymentNotice(notice: PaymentNotice): Act | undefined;
}

/** The ports people act through: those of the task-link and NGO routes and of the upload event. */
export interface PeoplePorts {
  taskLinks: TaskLinkDeps;
  /** The NGO's page and the upload grant its script asks for. */
  ngoPage: NgoPageDeps & UploadGrantDeps;
  uploads: RecordUploadDeps;
  /** The documents bucket: an NGO's upload puts its file here before the upload event is handled. */
  objects: InMemoryObjectStore;
  /** Every e-mail sent, in order: the inboxes. */
  mail: Fakes['mailer'];
  now: () => string;
}

/** One execution of the purchase, as the engine describes it, measured against AWS's limits. */
export interface ExecutionFigures {
  name: string;
  /** The engine's status, or NOT_STARTED when a start was recorded but no execution has the name. */
  status: EngineExecutionStatus | 'NOT_STARTED';
  startDate?: Date;
  stopDate?: Date;
  /** Engine-time days from start to stop (to now while running). */
  days: number;
  historyEvents: number;
  /** The number of the state-machine version it ran. */
  version?: number;
}

/**
 * The engine's own time (`clock.startsAt`, running at its timers' speed), which the use cases read
 * as their `now`, and the one place its speed changes.
 *
 * The engine runs fast only while nothing real happens: during a Lambda step or a person's action
 * it runs at real speed. On AWS a step's milliseconds are nothing against a three-day timeout,
 * but at the fast speed (a real millisecond is hours) they would be hours of a waiting step's
 * timeout, and a person's click would be days: a reminder could fire mid-click.
 */
export class EngineClock {
  #msPerSecond = REAL_TIME_MS_PER_SECOND;
  #fast = false;
  #holds = 0;

  constructor(
    private readonly engine: Pick<LocalStepFunctions, 'setClock' | 'now'>,
    private readonly fastMsPerSecond: number,
  ) {}

  now(): Date {
    return this.engine.now();
  }

  /** The use cases' clock. */
  readonly iso = (): string => this.now().toISOString();

  /** From now on the engine runs fast whenever nothing real happens (until then, at real speed). */
  goFast(): void {
    this.#fast = true;
    if (this.#holds === 0) this.#setSpeed(this.fastMsPerSecond);
  }

  /** Something real starts (a step, a person): real speed until every such thing has released its hold. */
  holdRealSpeed(): () => void {
    this.#holds += 1;
    this.#setSpeed(REAL_TIME_MS_PER_SECOND);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds -= 1;
      if (this.#holds === 0 && this.#fast) this.#setSpeed(this.fastMsPerSecond);
    };
  }

  #setSpeed(msPerSecond: number): void {
    if (msPerSecond === this.#msPerSecond) return;
    this.#msPerSecond = msPerSecond;
    this.engine.setClock({ msPerSecond });
  }
}

/**
 * People's actions in flight: each is tracked until it settles, and the first failure is kept
 * so a play stops at the first person who could not act instead of timing out later.
 */
class ActionsInFlight {
  readonly #pending = new Set<Promise<void>>();
  #failure: Error | undefined;
  #onFailure: ((error: Error) => void) | undefined;

  track(action: Promise<void>): void {
    const tracked = action.catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#failure ??= failure;
      this.#onFailure?.(failure);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Rejects with the first failure, at once if one happened already. */
  failed(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.#failure) reject(this.#failure);
      else this.#onFailure = reject;
    });
  }

  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.#failure) throw this.#failure;
  }
}

/** A Lambda handler as the runtime calls it. */
type StepHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** The step's name in its logical id (`PlanMidtermB541E401` is PlanMidterm). */
function stepNameOf(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** `PlanMidterm` lives in functions/plan-midterm/handler.ts. */
function handlerFileOf(stepName: string): string {
  const folder = stepName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return fileURLToPath(new URL(`../../functions/${folder}/handler.ts`, import.meta.url));
}

/** The logical ids of the functions a definition's Task states invoke. */
function functionIdsOf(definition: unknown): Set<string> {
  const text = JSON.stringify(definition);
  const ids = new Set<string>();
  const pattern = new RegExp(
    `${LOCAL_FUNCTION_ARN_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([A-Za-z0-9]+)`,
    'g',
  );
  for (const match of text.matchAll(pattern)) ids.add(match[1] as string);
  return ids;
}

/**
 * Imports every handler the definition invokes before anything runs: a module's first import
 * takes real time that a fast engine would count as days.
 */
async function loadHandlers(definition: unknown, deps: object): Promise<Map<string, StepHandler>> {
  const handlers = new Map<string, StepHandler>();
  for (const logicalId of functionIdsOf(definition)) {
    const file = handlerFileOf(stepNameOf(logicalId));
    const module = (await import(file)) as { createHandler?: unknown };
    if (typeof module.createHandler !== 'function')
      throw new Error(`${file} exports no createHandler for the state machine's ${logicalId}`);
    handlers.set(logicalId, (module.createHandler as (deps: object) => StepHandler)(deps));
  }
  return handlers;
}

/** The lifecycle as a template holds it: the state machine, the version it publishes, its live alias. */
function deployment(definition: Record<string, unknown>) {
  return {
    stateMachines: [
      {
        stackName: 'NgoPurchaseApp',
        logicalId: 'PurchaseLifecycle',
        name: 'purchase-lifecycle',
        arn: STATE_MACHINE_ARN,
        definition,
        type: 'STANDARD' as const,
      },
    ],
    stateMachineVersions: [{ logicalId: 'Version', stateMachineArn: STATE_MACHINE_ARN }],
    stateMachineAliases: [
      { logicalId: 'LiveAlias', name: 'live', routes: [{ versionLogicalId: 'Version', weight: 100 }] },
    ],
  };
}

function asJson<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

function askOf(step: string, input: Record<string, unknown>): Ask | undefined {
  if (!(ASKING_STEPS as readonly string[]).includes(step)) return undefined;
  const { taskToken: _token, ...rest } = input;
  return { step: step as AskingStep, attempt: input.attempt as TaskAttempt, input: rest };
}

export interface LifecycleOptions {
  /** The engine's time when the play starts (ISO 8601). */
  startsAt: string;
  /** Real milliseconds per engine second while no step runs and nobody acts (0.0001: a real second is 116 days). */
  msPerSecond: number;
}

export class InProcessLifecycle {
  /** Every call of an asking step, in order. */
  readonly asks: Ask[] = [];
  readonly notices = new RecordingPaymentPublisher();
  #cast: Cast | undefined;

  private constructor(
    readonly engine: LocalStepFunctions,
    readonly clock: EngineClock,
    readonly fakes: Fakes,
    readonly people: PeoplePorts,
    private readonly actions: ActionsInFlight,
    private readonly endpoint: { close(): Promise<void> },
    private readonly client: SFNClient,
    private readonly workflow: ReturnType<typeof createStepFunctionsStarter>,
  ) {}

  static async start(options: LifecycleOptions): Promise<InProcessLifecycle> {
    // The handler modules wire their default handlers to AWS at import, from this environment.
    stubFunctionEnv('LIFECYCLE_SETTINGS', 'DOCUMENTS_BUCKET', 'PAYMENTS_TOPIC_ARN');
    const definition = lifecycleDefinition();
    const fakes = createFakes(options.startsAt);
    let handlers = new Map<string, StepHandler>();
    let answerTo: (logicalId: string, input: Record<string, unknown>) => Act | undefined = () => undefined;
    const actions = new ActionsInFlight();
    const invokeLambda: LambdaInvoker = async (functionName, payload, invocation) => {
      invocation?.onRunning?.();
      const handler = handlers.get(functionName);
      if (!handler)
        return {
          errorType: 'ResourceNotFoundException',
          errorMessage: `Function not found: ${functionName}`,
        };
      const release = clock.holdRealSpeed();
      const input = asJson(payload) as Record<string, unknown>;
      const answer = answerTo(functionName, input);
      try {
        const output = asJson(await invokeStep(handler, input, functionName));
        // The person reads the mail once the step has sent it, still at real speed.
        if (answer) setImmediate(() => actions.track(answer().finally(release)));
        else release();
        return { payload: output };
      } catch (error) {
        release();
        const { name, message } = error as Error;
        return { errorType: name, errorMessage: message };
      }
    };
    // At real speed until the purchase is submitted.
    const engine = new LocalStepFunctions({
      invokeLambda,
      clock: { msPerSecond: REAL_TIME_MS_PER_SECOND, startsAt: options.startsAt },
    });
    const clock = new EngineClock(engine, options.msPerSecond);
    await deployStateMachines(engine, deployment(definition));
    const endpoint = await engine.listen(0);
    const client = new SFNClient({
      endpoint: endpoint.url,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const callbacks = createStepFunctionsCallbacks(client);
    // As the functions hold it: the alias ARN.
    const workflow = createStepFunctionsStarter({ client, stateMachineArn: ALIAS_ARN });
    const executions = createStepFunctionsExecutions({ client, stateMachineArn: ALIAS_ARN });
    const now = clock.iso;
    const objects = new InMemoryObjectStore();
    const { purchases, tasks, deliverables, waits, payments, mailer } = fakes;

    const lifecycle = new InProcessLifecycle(
      engine,
      clock,
      fakes,
      {
        taskLinks: {
          tasks,
          purchases,
          payments,
          callbacks,
          mailer,
          linkKey: testLinkKey,
          now,
          rubric: TEST_LIFECYCLE.evaluation.rubric,
          bands: TEST_LIFECYCLE.evaluation.bands,
          reviewedDocuments: reviewedUploads({ deliverables, objects }),
        },
        ngoPage: {
          purchases,
          deliverables,
          payments,
          uploadCounts: fakes.uploadCounts,
          waits,
          signer: new RecordingUploadSigner(),
          objects,
          linkKey: testLinkKey,
          settings: TEST_LIFECYCLE,
          policy: TEST_POLICY,
          now,
        },
        uploads: {
          bucket: OPTIONAL_FUNCTION_ENV.DOCUMENTS_BUCKET,
          purchases,
          deliverables,
          uploadCounts: fakes.uploadCounts,
          waits,
          callbacks,
          objects,
          settings: TEST_LIFECYCLE,
          now,
        },
        objects,
        mail: mailer,
        now,
      },
      actions,
      endpoint,
      client,
      workflow,
    );
    // One object with every port satisfies each handler's deps (WorkflowDeps, ContractingDeps, ...):
    // the handler tests' own, with the engine's time and the real Step Functions adapters.
    const stepDeps = {
      ...workflowDepsOf(fakes),
      ...evaluationDepsOf(fakes),
      ...humanStepPortsOf(fakes),
      delegations: fakes.delegations,
      now,
      callbacks,
      documents: new RecordingDocumentStore(),
      publisher: lifecycle.#financeListens(),
      workflow,
      executions,
    };
    handlers = await loadHandlers(definition, stepDeps);
    answerTo = (logicalId, input) => lifecycle.#answerTo(stepNameOf(logicalId), input);
    return lifecycle;
  }

  /**
   * A deploy of another revision of the definition, as the runtime deploys a template: a new
   * version, the alias moved to it. Running executions stay on theirs; new ones start on it.
   */
  async redeploy(definition: Record<string, unknown>): Promise<void> {
    await deployStateMachines(this.engine, deployment(definition));
  }

  /** Who does what from now on; set before the purchase is submitted. */
  castAs(cast: Cast): void {
    this.#cast = cast;
  }

  /**
   * An officer submits the proposal as POST /purchases does; the first execution starts at the
   * engine's first instant, and from then on the engine runs fast.
   */
  async submit(proposal: Proposal): Promise<string> {
    const { purchase } = await submitProposal(
      {
        purchases: this.fakes.purchases,
        budgets: this.fakes.budgets,
        workflow: this.workflow,
        settings: TEST_POLICY,
        now: this.clock.iso,
        trackRecords: this.fakes.trackRecords,
      },
      {
        body: proposal,
        staff: { sub: 'officer-lin', roles: ['officer'], email: 'lin.officer@civil-affairs.example.gov.cn' },
      },
    );
    this.clock.goFast();
    return purchase.purchaseId;
  }

  /**
   * The officer asks to amend the purchase's signed contract as POST /purchases/{id}/amendments
   * does; its approval starts in an execution of its own, and from then on the engine runs fast.
   */
  async amend(purchaseId: string, body: unknown, officerEmail: string): Promise<RequestAmendmentOutcome> {
    const outcome = await requestAmendment(
      {
        purchases: this.fakes.purchases,
        payments: this.fakes.payments,
        budgets: this.fakes.budgets,
        workflow: this.workflow,
        settings: TEST_POLICY,
        now: this.clock.iso,
      },
      { purchaseId, body, staff: { sub: officerEmail, roles: ['officer'], email: officerEmail } },
    );
    this.clock.goFast();
    return outcome;
  }

  /**
   * Until no execution runs and every person is done, within `realTimeLimitMs`. A person who
   * cannot act, or a play that outlasts the limit, stops every execution and fails.
   */
  async playUntilEnd(realTimeLimitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the play did not end within ${realTimeLimitMs} ms of real time`)),
        realTimeLimitMs,
      );
    });
    try {
      await Promise.race([
        (async () => {
          await this.engine.idle();
          await this.actions.settled();
        })(),
        this.actions.failed(),
        outOfTime,
      ]);
    } catch (error) {
      await this.engine.stopAllExecutions();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The purchase's executions, named on its audit trail, oldest first, with their size and length. */
  async executionsOf(purchaseId: string): Promise<ExecutionFigures[]> {
    const started = startedExecutions(await this.fakes.purchases.listAudit(purchaseId));
    const figures: ExecutionFigures[] = [];
    for (const { name } of started) {
      const executionArn = executionArnOf(STATE_MACHINE_ARN, name);
      const described = await this.engine.describeExecution({ executionArn }).catch((error: unknown) => {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      });
      if (!described) {
        figures.push({ name, status: 'NOT_STARTED', days: 0, historyEvents: 0 });
        continue;
      }
      const { status, startDate, stopDate, stateMachineVersionArn } = described;
      const end = stopDate ?? this.clock.now();
      figures.push({
        name,
        status,
        startDate,
        ...(stopDate ? { stopDate } : {}),
        days: (end.getTime() - startDate.getTime()) / 86_400_000,
        historyEvents: await this.#historySize(executionArn),
        ...(stateMachineVersionArn ? { version: Number(stateMachineVersionArn.split(':').at(-1)) } : {}),
      });
    }
    return figures;
  }

  async close(): Promise<void> {
    await this.engine.stopAllExecutions();
    this.client.destroy();
    await this.endpoint.close();
  }

  async #historySize(executionArn: string): Promise<number> {
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.engine.getExecutionHistory({ executionArn, maxResults: 1000, nextToken });
      count += page.events.length;
      nextToken = page.nextToken;
    } while (nextToken);
    return count;
  }

  /** Logs an asking step's ask and says who answers it. */
  #answerTo(step: string, input: Record<string, unknown>): Act | undefined {
    const ask = askOf(step, input);
    if (!ask) return undefined;
    this.asks.push(ask);
    return this.#cast?.answerTo(ask);
  }

  /** The payments topic: each notice is kept, and finance acts on it as the cast says. */
  #financeListens(): PaymentPublisher {
    return {
      publish: async (notice) => {
        await this.notices.publish(notice);
        const act = this.#cast?.onPaymentNotice(notice);
        if (!act) return;
        const release = this.clock.holdRealSpeed();
        // Finance reads the notice after it was published; the step does not wait for them.
        setImmediate(() => this.actions.track(act().finally(release)));
      },
    };
  }
}
