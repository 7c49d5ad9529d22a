import { createHash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './assembly/local-account.js';
import type { LocalFunction } from './assembly/model.js';
import { requestTooLarge, withinResponseLimit } from './lambda-limits.js';

/** What an invocation returns, as the Step Functions engine and the HTTP API expect it. */
export type InvokeResult = { payload: unknown } | { errorType: string; errorMessage: string };

/**
 * How a caller follows an invocation. `onRunning` is called once a sandbox has taken it (a cold one
 * then runs its INIT phase): time before that was spent in the local queue, which stands in for
 * Lambda's scale-out and which no AWS timeout would count.
 */
export interface InvokeOptions {
  readonly onRunning?: () => void;
}

export type LambdaInvoker = (
  functionName: string,
  payload: unknown,
  options?: InvokeOptions,
) => Promise<InvokeResult>;

/** One settled invocation, as the runner reports it to `InvocationHooks.invoked`. */
export interface Invocation {
  readonly fn: LocalFunction;
  /** Who invoked: 'states', 'apigateway', 'events', 's3', 'runtime', ... */
  readonly source: string;
  /** The second delivery of the same payload (at-least-once), see `InvocationHooks.duplicate`. */
  readonly duplicate: boolean;
  readonly result: InvokeResult;
  /** When the invocation began (epoch ms). */
  readonly startedAt: number;
  readonly ms: number;
  /** Ran in a new sandbox, whose INIT phase (loading the bundle) took `initMs`. */
  readonly coldStart: boolean;
  readonly initMs?: number;
  /** Time spent waiting for a sandbox while all of the function's were busy. */
  readonly queuedMs: number;
  /** The DynamoDB calls the handler made, in the order they were answered. */
  readonly dynamoDbCalls: readonly DynamoDbCall[];
}

/** One call a function made to DynamoDB, as its sandbox saw it on the wire. */
export interface DynamoDbCall {
  /** The API operation (`UpdateItem`, `TransactWriteItems`, ...). */
  readonly operation: string;
  readonly ms: number;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** The error DynamoDB answered with (`ConditionalCheckFailedException`, ...), when it refused. */
  readonly errorType?: string;
}

/** Test hooks of the runner: at-least-once delivery and a log of invocations. */
export interface InvocationHooks {
  /**
   * Asked once per invocation: true delivers the payload a second time once the first delivery
   * settled, as Lambda's at-least-once delivery may, and answers the caller with the second result.
   */
  duplicate?(fn: LocalFunction): boolean;
  invoked?(invocation: Invocation): void;
}

export class FunctionNotFoundError extends Error {
  override name = 'ResourceNotFoundException';
}

export interface LambdaRunnerOptions {
  readonly functions: readonly LocalFunction[];
  /**
   * Variables every function gets on top of its own (service endpoints, credentials); they win over
   * the template's, like Lambda's reserved variables.
   */
  readonly runtimeEnvironment: Readonly<Record<string, string>>;
  /** Where function output goes, one prefixed line at a time. Default: stdout / stderr. */
  readonly log?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly hooks?: InvocationHooks;
}

interface Pending {
  readonly resolve: (reply: SandboxReply) => void;
  readonly timer: NodeJS.Timeout;
}

const workerFile = new URL('./lambda-worker.mjs', import.meta.url);

/** Invocations one function runs at once locally; more wait their turn, as under reserved concurrency. */
export const LOCAL_CONCURRENCY_PER_FUNCTION = 8;

/**
 * Runs each function of the app in worker threads with its own environment. Like Lambda, a worker
 * (sandbox) serves one invocation at a time and stays warm for the next; concurrent invocations get
 * more workers, up to LOCAL_CONCURRENCY_PER_FUNCTION. A timeout or crash ends only its own worker,
 * never an invocation that happened to run beside it.
 */
export class LambdaRunner {
  private readonly byIdentifier = new Map<string, LocalFunction>();
  private readonly pools = new Map<string, SandboxPool>();
  private closed = false;

  constructor(private readonly options: LambdaRunnerOptions) {
    for (const fn of options.functions) {
      this.byIdentifier.set(fn.name, fn);
      this.byIdentifier.set(fn.logicalId, fn);
      this.byIdentifier.set(fn.arn, fn);
    }
  }

  /** Finds a function by name, logical id, ARN or qualified ARN (`...:function:name:$LATEST`). */
  find(identifier: string): LocalFunction | undefined {
    const direct = this.byIdentifier.get(identifier);
    if (direct) return direct;
    const fromArn = /(?:^|:)function:([^:]+)/.exec(identifier)?.[1];
    return fromArn ? this.byIdentifier.get(fromArn) : undefined;
  }

  readonly invoke: LambdaInvoker = (functionName, payload, options) =>
    this.invokeFrom('runtime', functionName, payload, options);

  /** An invoker that names its source in the invocation log (the engine, the HTTP API, the bus, ...). */
  invokerFor(source: string): LambdaInvoker {
    return (functionName, payload, options) => this.invokeFrom(source, functionName, payload, options);
  }

  private async invokeFrom(
    source: string,
    functionName: string,
    payload: unknown,
    options: InvokeOptions = {},
  ): Promise<InvokeResult> {
    const fn = this.find(functionName);
    if (!fn) {
      return { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionName}` };
    }
    const refused = requestTooLarge(payload, 'sync');
    if (refused) return refused;
    const hooks = this.options.hooks;
    const duplicate = hooks?.duplicate?.(fn) ?? false;
    const first = await this.deliver(fn, source, payload, false, options.onRunning);
    if (!duplicate) return first;
    return this.deliver(fn, source, structuredClone(payload), true);
  }

  private async deliver(
    fn: LocalFunction,
    source: string,
    payload: unknown,
    duplicate: boolean,
    onRunning?: () => void,
  ) {
    const startedAt = Date.now();
    const started = performance.now();
    const ran = await this.run(fn, payload, onRunning);
    const run = { ...ran, result: withinResponseLimit(ran.result) };
    this.options.hooks?.invoked?.({
      fn,
      source,
      duplicate,
      ...run,
      startedAt,
      ms: performance.now() - started,
    });
    return run.result;
  }

  private run(fn: LocalFunction, payload: unknown, onRunning?: () => void): Promise<SandboxRun> {
    if (this.closed) return Promise.resolve(STOPPING);
    let pool = this.pools.get(fn.name);
    if (!pool) {
      const environment = this.environmentOf(fn);
      const log = this.options.log ?? defaultLog;
      pool = new SandboxPool(() => new Sandbox(fn, environment, log), LOCAL_CONCURRENCY_PER_FUNCTION);
      this.pools.set(fn.name, pool);
    }
    return pool.invoke(payload, onRunning);
  }

  environmentOf(fn: LocalFunction): Record<string, string> {
    const inherited: Record<string, string> = {};
    // Only what a process needs to run; the host's AWS_* settings must not leak into a function.
    for (const key of ['PATH', 'LANG', 'HOME', 'TMPDIR', 'NODE_EXTRA_CA_CERTS']) {
      const value = process.env[key];
      if (value !== undefined) inherited[key] = value;
    }
    return {
      ...inherited,
      ...fn.environment,
      ...this.options.runtimeEnvironment,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // Names the function in the SDK's user agent, so the local services know who calls (aws-front.ts).
      AWS_SDK_UA_APP_ID: sdkAppIdOf(fn),
      AWS_EC2_METADATA_DISABLED: 'true',
      // Production runs a newer Node.js; the SDK's warning about this machine's Node 20 is noise here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      LAMBDA_TASK_ROOT: fn.bundleDir,
      _HANDLER: `${fn.handlerModule}.${fn.handlerExport}`,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((p) => p.terminate('the local runtime stopped')));
    this.pools.clear();
  }
}

/** The SDK allows app ids of up to 50 characters. */
const MAX_SDK_APP_ID = 50;

/**
 * The SDK app id a function's clients put in their user agent (`app/<id>`): its logical id, or a
 * shortened one with a hash when that is too long. Like a role per function on AWS.
 */
export function sdkAppIdOf(fn: Pick<LocalFunction, 'logicalId'>): string {
  if (fn.logicalId.length <= MAX_SDK_APP_ID) return fn.logicalId;
  const hash = createHash('sha256').update(fn.logicalId).digest('hex').slice(0, 8);
  return `${fn.logicalId.slice(0, MAX_SDK_APP_ID - 9)}-${hash}`;
}

/** Lambda retries a failed asynchronous invocation twice; locally after these pauses (ms). */
export const ASYNC_RETRY_DELAYS_MS = [1000, 2000] as const;

/**
 * Invokes as Lambda's asynchronous invocation does (EventBridge and S3 notifications use it): a
 * function error is retried twice after a pause; the last result is returned.
 */
export function asyncInvoker(
  invoke: LambdaInvoker,
  options: { readonly delaysMs?: readonly number[]; readonly log?: (line: string) => void } = {},
): LambdaInvoker {
  const delays = options.delaysMs ?? ASYNC_RETRY_DELAYS_MS;
  return async (functionName, payload) => {
    const refused = requestTooLarge(payload, 'async');
    if (refused) return refused;
    let result = await invoke(functionName, payload);
    for (const [retry, delay] of delays.entries()) {
      if (!('errorType' in result)) return result;
      options.log?.(
        `asynchronous invocation of ${functionName} failed (${result.errorType}): retry ${retry + 1} of ${delays.length} in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      result = await invoke(functionName, payload);
    }
    return result;
  };
}

/** What one invocation in a sandbox came to, and how it got there. */
type SandboxRun = Pick<Invocation, 'result' | 'coldStart' | 'initMs' | 'queuedMs' | 'dynamoDbCalls'>;

/** What a sandbox answers for one invocation. */
type SandboxReply = Pick<Invocation, 'result' | 'dynamoDbCalls'>;

const STOPPING: SandboxRun = {
  result: { errorType: 'ServiceException', errorMessage: 'the local runtime is stopping' },
  coldStart: false,
  queuedMs: 0,
  dynamoDbCalls: [],
};

/** A reply without a handler's answer (a timeout, a crash, a failed INIT). */
function failed(errorType: string, errorMessage: string): SandboxReply {
  return { result: { errorType, errorMessage }, dynamoDbCalls: [] };
}

/**
 * Lambda's limit on a sandbox's INIT phase: 10 seconds ("Lambda execution environment lifecycle").
 * A start that takes longer goes on inside the first invocation, under the function's timeout.
 */
export const INIT_PHASE_LIMIT_MS = 10_000;

/** Where sandboxes write their CPU profiles, when set: the evidence of where the functions' time goes. */
const SANDBOX_PROFILE_DIR = process.env.LOCAL_LAMBDA_CPU_PROF_DIR;

/** A function's workers: a free warm one if there is one, a new one below the limit, else a turn in line. */
class SandboxPool {
  private readonly idle: Sandbox[] = [];
  private readonly all = new Set<Sandbox>();
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly create: () => Sandbox,
    private readonly max: number,
  ) {}

  async invoke(payload: unknown, onRunning?: () => void): Promise<SandboxRun> {
    const asked = performance.now();
    const sandbox = await this.acquire();
    if (!sandbox) return STOPPING;
    const queuedMs = performance.now() - asked;
    onRunning?.();
    const coldStart = !sandbox.used;
    try {
      const reply = await sandbox.invoke(payload);
      return { ...reply, coldStart, queuedMs, ...(coldStart ? { initMs: sandbox.initMs } : {}) };
    } finally {
      if (sandbox.dead) this.all.delete(sandbox);
      else this.idle.push(sandbox);
      this.waiting.shift()?.();
    }
  }

  private async acquire(): Promise<Sandbox | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const warm = this.idle.pop();
      if (warm && !warm.dead) return warm;
      if (warm) {
        this.all.delete(warm);
        continue;
      }
      if (this.all.size < this.max) {
        const sandbox = this.create();
        this.all.add(sandbox);
        return sandbox;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async terminate(reason: string): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.all].map((s) => s.terminate(reason)));
    this.all.clear();
    this.idle.length = 0;
  }
}

function defaultLog(line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
}

/**
 * One worker thread running one function, one invocation at a time. Its INIT phase (loading the
 * bundle) starts with it and, as on Lambda, is not part of an invocation's timeout up to
 * INIT_PHASE_LIMIT_MS.
 */
class Sandbox {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly created = performance.now();
  /** Settles when the bundle is loaded or failed to load, at the INIT limit, or when the worker ends. */
  private readonly initialized: Promise<void>;
  private nextId = 0;
  dead = false;
  /** Whether an invocation ran here already (the next one is warm). */
  used = false;
  /** How long the INIT phase took (until the limit, when it took longer). */
  initMs = 0;

  constructor(
    private readonly fn: LocalFunction,
    env: Record<string, string>,
    log: (line: string, stream: 'stdout' | 'stderr') => void,
  ) {
    this.worker = new Worker(workerFile, {
      env,
      // A sandbox is a plain Node.js with the bundle: not the host's flags (its TypeScript loader, a
      // profiler), which would cost every sandbox's start and every import. A CPU profile of each
      // sandbox only when asked for (LOCAL_LAMBDA_CPU_PROF_DIR), written when the sandbox ends.
      execArgv: SANDBOX_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${SANDBOX_PROFILE_DIR}`] : [],
      stdout: true,
      stderr: true,
      workerData: {
        bundleDir: fn.bundleDir,
        handlerModule: fn.handlerModule,
        handlerExport: fn.handlerExport,
        functionName: fn.name,
        functionArn: fn.arn,
        memoryMb: fn.memoryMb,
        sourceMaps: (env.NODE_OPTIONS ?? '').includes('--enable-source-maps'),
      },
    });
    prefixLines(this.worker.stdout, `[${fn.name}]`, (line) => log(line, 'stdout'));
    prefixLines(this.worker.stderr, `[${fn.name}]`, (line) => log(line, 'stderr'));
    let initDone = () => {};
    this.initialized = new Promise<void>((resolve) => {
      initDone = () => {
        clearTimeout(limit);
        if (this.initMs === 0) this.initMs = performance.now() - this.created;
        resolve();
      };
    });
    const limit = setTimeout(initDone, INIT_PHASE_LIMIT_MS);
    this.worker.on('message', (message: WorkerReply | WorkerReady) => {
      if ('ready' in message) initDone();
      else this.settle(message);
    });
    this.worker.on('error', (error) => {
      this.failAll('Runtime.ExitError', `${fn.name} crashed: ${error.message}`);
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      initDone();
      this.failAll('Runtime.ExitError', `${fn.name} exited with code ${code}`);
    });
  }

  async invoke(event: unknown): Promise<SandboxReply> {
    this.used = true;
    await this.initialized;
    if (this.dead) return failed('Runtime.ExitError', `${this.fn.name}: the sandbox ended during INIT`);
    const id = this.nextId++;
    const requestId = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise<SandboxReply>((resolve) => {
      const timer = setTimeout(() => {
        // A handler past its timeout is stopped, as Lambda stops the sandbox; the next call gets a fresh one.
        const message = `${new Date().toISOString()} ${requestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`;
        this.pending.delete(id);
        resolve(failed('Sandbox.Timedout', message));
        void this.terminate(message);
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.worker.postMessage({ id, requestId, deadline: Date.now() + timeoutMs, event });
    });
  }

  async terminate(reason: string): Promise<void> {
    this.dead = true;
    this.failAll('Sandbox.Timedout', reason);
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    pending.resolve({
      result: reply.ok
        ? { payload: JSON.parse(reply.json) }
        : { errorType: reply.errorType, errorMessage: reply.errorMessage },
      dynamoDbCalls: reply.dynamoDbCalls ?? [],
    });
  }

  private failAll(errorType: string, errorMessage: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(failed(errorType, errorMessage));
      this.pending.delete(id);
    }
  }
}

/** The worker's word that its INIT phase is over (a failed load is reported per invocation). */
type WorkerReady = { ready: boolean };

type WorkerReply = { id: number; dynamoDbCalls?: DynamoDbCall[] } & (
  | { ok: true; json: string }
  | { ok: false; errorType: string; errorMessage: string }
);

function prefixLines(stream: Readable, prefix: string, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    write(`${prefix} ${line}`);
  });
}
