import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A front for the local AWS services the functions call (SES v2, SNS, Step Functions, S3): a reverse
 * proxy that logs every call (service, operation, calling function, time, outcome) and, for tests,
 * answers an armed call with the retryable error the real service would send under load, instead of
 * forwarding it. The calling function is known from the SDK's user agent: the runner gives each
 * function its own SDK app id (`app/<id>`, see sdkAppIdOf), as each Lambda has its own role on AWS.
 */

export type AwsService = 'sesv2' | 'sns' | 'sfn' | 's3';

/** The SDK's default attempts per call (standard retry mode): arm this many failures to fail one call. */
export const SDK_DEFAULT_ATTEMPTS = 3;

/** Who made a call that names no function (a browser's upload, a test's own client, the runtime). */
export const UNKNOWN_CALLER = 'unknown';

/** One call to a local AWS service, or one Lambda invocation (service 'lambda'). */
export interface AwsCall {
  /** Order of arrival, from 1. */
  readonly seq: number;
  /** When the call arrived (ISO 8601). */
  readonly at: string;
  readonly service: AwsService | 'lambda' | 's3-events';
  readonly operation: string;
  /**
   * Logical id of the calling function, or UNKNOWN_CALLER. For a Lambda invocation: who invoked it
   * ('states', 'apigateway', 'events', 's3', 'runtime').
   */
  readonly caller: string;
  /** Lambda invocations: the invoked function's logical id; S3 events: the object key. */
  readonly target?: string;
  /** ok: answered with a 2xx/3xx; error: the service refused it; injected: a fault answered it. */
  readonly outcome: 'ok' | 'error' | 'injected';
  /** HTTP status (Lambda: 200, or 500 for a function error). */
  readonly status: number;
  /** The error's name or code, when not ok. */
  readonly errorCode?: string;
  /** The armed fault that answered the call. */
  readonly faultId?: number;
  /** Lambda invocations and S3 events: the second, duplicate delivery. */
  readonly duplicate?: boolean;
  readonly ms: number;
}

export type CallFilter = Partial<Pick<AwsCall, 'service' | 'operation' | 'caller' | 'target' | 'outcome'>> & {
  readonly duplicate?: boolean;
};

/** Every call the functions made to the local services, in order of arrival. */
export class AwsCallLog {
  readonly #calls: AwsCall[] = [];
  #seq = 0;

  record(call: Omit<AwsCall, 'seq'>): AwsCall {
    const entry = { seq: ++this.#seq, ...call };
    this.#calls.push(entry);
    return entry;
  }

  get all(): readonly AwsCall[] {
    return this.#calls;
  }

  where(filter: CallFilter): AwsCall[] {
    return this.#calls.filter((call) =>
      Object.entries(filter).every(([key, value]) =>
        key === 'duplicate'
          ? (call.duplicate ?? false) === value
          : value === undefined || call[key as keyof AwsCall] === value,
      ),
    );
  }

  count(filter: CallFilter): number {
    return this.where(filter).length;
  }

  clear(): void {
    this.#calls.length = 0;
  }
}

/** Which retryable error an armed call gets: service unavailable (5xx) or throttled. */
export type InjectedError = 'unavailable' | 'throttled';

export type FaultSpec =
  | {
      /** Fail calls (the default mode). */
      readonly mode?: 'fail';
      /** Function making the call: its logical id, name, or a prefix of its logical id naming one function. */
      readonly caller: string;
      readonly service: AwsService;
      /** The API operation, e.g. SendEmail, Publish, SendTaskSuccess, PutObject. */
      readonly operation: string;
      /** How many calls fail, one after the other. @default SDK_DEFAULT_ATTEMPTS (one whole SDK call) */
      readonly failures?: number;
      /** @default 'unavailable' */
      readonly error?: InjectedError;
    }
  | {
      /** At-least-once events: each S3 ObjectCreated event is delivered a second time. */
      readonly mode: 'redeliver';
      readonly source: 's3';
      /** How many events are delivered twice. @default every one until disarmed */
      readonly events?: number;
    }
  | {
      /** At-least-once invocation: the function is invoked a second time with the same payload. */
      readonly mode: 'duplicate';
      /** The invoked function: logical id, name or unique logical-id prefix. */
      readonly function: string;
      /** How many invocations get a duplicate. @default every one until disarmed */
      readonly invocations?: number;
    };

/** A fault in force; `fired` counts the calls it answered (or invocations it duplicated). */
export interface ArmedFault {
  readonly id: number;
  readonly spec: FaultSpec;
  /** Logical id of the function the spec names ('' for a redelivery fault). */
  readonly functionId: string;
  readonly fired: number;
  /** Calls (or invocations) it still takes; Infinity for a duplicate fault without a count. */
  readonly remaining: number;
}

interface MutableFault {
  id: number;
  spec: FaultSpec;
  functionId: string;
  fired: number;
  remaining: number;
}

export class UnknownFunctionError extends Error {
  override name = 'UnknownFunctionError';
}

/** The functions a fault may name. */
export interface FaultTarget {
  readonly logicalId: string;
  readonly name: string;
}

/** Faults armed by tests: failing calls at the fronts, duplicate invocations at the runner. */
export class LocalFaults {
  readonly #faults: MutableFault[] = [];
  #nextId = 1;

  constructor(private readonly functions: readonly FaultTarget[]) {}

  /** The logical id of the function `name` designates (logical id, name, or unique logical-id prefix). */
  resolve(name: string): string {
    const exact = this.functions.find((f) => f.logicalId === name || f.name === name);
    if (exact) return exact.logicalId;
    const prefixed = this.functions.filter((f) => f.logicalId.startsWith(name));
    if (prefixed.length === 1 && prefixed[0]) return prefixed[0].logicalId;
    throw new UnknownFunctionError(
      prefixed.length === 0
        ? `no function is named ${name}`
        : `${name} names ${prefixed.length} functions: ${prefixed.map((f) => f.logicalId).join(', ')}`,
    );
  }

  arm(spec: FaultSpec): ArmedFault {
    let functionId = '';
    let remaining: number;
    switch (spec.mode) {
      case 'redeliver':
        remaining = spec.events ?? Number.POSITIVE_INFINITY;
        break;
      case 'duplicate':
        functionId = this.resolve(spec.function);
        remaining = spec.invocations ?? Number.POSITIVE_INFINITY;
        break;
      default:
        functionId = this.resolve(spec.caller);
        remaining = spec.failures ?? SDK_DEFAULT_ATTEMPTS;
    }
    if (!(remaining > 0)) throw new RangeError('a fault must take at least one call');
    const fault: MutableFault = { id: this.#nextId++, spec, functionId, fired: 0, remaining };
    this.#faults.push(fault);
    return fault;
  }

  disarm(fault: Pick<ArmedFault, 'id'>): void {
    const index = this.#faults.findIndex((f) => f.id === fault.id);
    if (index >= 0) this.#faults.splice(index, 1);
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Faults still armed or that fired, in order of arming. */
  get armed(): readonly ArmedFault[] {
    return this.#faults;
  }

  /** The fault that answers this call instead of the service, if one is armed for it (and counts it). */
  takeFailure(service: AwsService, operation: string, caller: string): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.spec.mode === undefined || f.spec.mode === 'fail') &&
        f.functionId === caller &&
        f.spec.service === service &&
        f.spec.operation === operation,
    );
    return fault ? this.#take(fault) : undefined;
  }

  /** The fault that duplicates this invocation of `functionId`, if one is armed (and counts it). */
  takeDuplicate(functionId: string): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && f.spec.mode === 'duplicate' && f.functionId === functionId,
    );
    return fault ? this.#take(fault) : undefined;
  }

  /** The fault that delivers this event a second time, if one is armed for its source (and counts it). */
  takeRedelivery(source: 's3'): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && f.spec.mode === 'redeliver' && f.spec.source === source,
    );
    return fault ? this.#take(fault) : undefined;
  }

  #take(fault: MutableFault): ArmedFault {
    fault.remaining -= 1;
    fault.fired += 1;
    return fault;
  }
}

// ---------------------------------------------------------------------------------------------
// The proxy

export interface StartAwsFrontOptions {
  readonly service: AwsService;
  /** The local service behind the front. */
  readonly target: string;
  /** 0 or undefined: any free port. */
  readonly port?: number;
  readonly faults: LocalFaults;
  readonly calls: AwsCallLog;
  /** The calling function's logical id from the SDK app id of the request's user agent. */
  readonly callerOf: (appId: string | undefined) => string | undefined;
  readonly log?: (line: string) => void;
}

export interface AwsFront {
  readonly url: string;
  close(): Promise<void>;
}

/** Bodies read to find the operation (SNS query protocol) are small; larger ones are streamed. */
const MAX_INSPECTED_BODY_BYTES = 1024 * 1024;

export async function startAwsFront(options: StartAwsFrontOptions): Promise<AwsFront> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.(`${options.service} front: ${req.method} ${req.url} failed: ${messageOf(error)}`);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('the local service behind the front did not answer');
      } else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const at = new Date().toISOString();
    const caller = options.callerOf(sdkAppIdOfRequest(req)) ?? UNKNOWN_CALLER;
    // The SNS query protocol names the operation in the form body: read it (it is small).
    const inspect = options.service === 'sns' && req.method === 'POST' && !req.headers['x-amz-target'];
    const body = inspect ? await readBody(req, MAX_INSPECTED_BODY_BYTES) : undefined;
    const operation = operationOf(options.service, req, body);
    const base = { at, service: options.service, operation, caller };

    const fault = options.faults.takeFailure(options.service, operation, caller);
    if (fault) {
      if (!body) req.resume(); // the request is answered without reading what it carries
      const error =
        (fault.spec.mode ?? 'fail') === 'fail'
          ? ((fault.spec as { error?: InjectedError }).error ?? 'unavailable')
          : 'unavailable';
      const answer = injectedError(options.service, error, req);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      options.calls.record({
        ...base,
        outcome: 'injected',
        status: answer.status,
        errorCode: answer.code,
        faultId: fault.id,
        ms: performance.now() - started,
      });
      return;
    }

    await new Promise<void>((resolve, reject) => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: body ? { ...req.headers, 'content-length': String(body.length) } : req.headers,
          agent,
        },
        (answer) => {
          const status = answer.statusCode ?? 502;
          res.writeHead(status, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            options.calls.record({
              ...base,
              outcome: status < 400 ? 'ok' : 'error',
              status,
              ...(status >= 400 ? { errorCode: errorCodeOf(answer) } : {}),
              ms: performance.now() - started,
            });
            resolve();
          });
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      if (body) upstream.end(body);
      else req.pipe(upstream);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          agent.destroy();
          resolve();
        });
      }),
  };
}

/** The SDK app id (`app/<id>`) in a request's user agent, if it names one. */
export function sdkAppIdOfRequest(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const agents = [req.headers['x-amz-user-agent'], req.headers['user-agent']].flat();
  for (const agent of agents) {
    const id = typeof agent === 'string' ? /(?:^|\s)app\/([^\s]+)/.exec(agent)?.[1] : undefined;
    if (id) return id;
  }
  return undefined;
}

/** The API operation a request calls, in the service's protocol. */
export function operationOf(
  service: AwsService,
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
  body?: Buffer,
): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const url = new URL(req.url ?? '/', 'http://local');
  const method = req.method ?? 'GET';
  switch (service) {
    case 'sns':
    case 'sfn': {
      const action = body ? new URLSearchParams(body.toString('utf8')).get('Action') : null;
      return action ?? `${method} ${url.pathname}`;
    }
    case 'sesv2':
      return sesV2Operation(method, url.pathname);
    case 's3':
      return s3Operation(method, url, req.headers);
  }
}

const SESV2_OPERATIONS: Record<string, string> = {
  'POST /v2/email/outbound-emails': 'SendEmail',
  'POST /v2/email/outbound-bulk-emails': 'SendBulkEmail',
  'GET /v2/email/account': 'GetAccount',
};

function sesV2Operation(method: string, path: string): string {
  return SESV2_OPERATIONS[`${method} ${path}`] ?? `${method} ${path}`;
}

/** S3's REST operations by method, path (bucket or object) and sub-resource. */
function s3Operation(method: string, url: URL, headers: IncomingMessage['headers']): string {
  const segments = url.pathname.split('/').filter(Boolean);
  const onObject = segments.length > 1;
  const sub = ['tagging', 'uploads', 'uploadId', 'delete', 'versions', 'acl'].find((s) =>
    url.searchParams.has(s),
  );
  if (!onObject) {
    if (method === 'POST') return sub === 'delete' ? 'DeleteObjects' : 'PostObject';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'GET') return sub === 'versions' ? 'ListObjectVersions' : 'ListObjects';
    return `${method}Bucket`;
  }
  if (sub === 'tagging')
    return (
      { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' }[method] ?? method
    );
  if (sub === 'uploads' && method === 'POST') return 'CreateMultipartUpload';
  if (sub === 'uploadId')
    return (
      { PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload' }[method] ??
      'ListParts'
    );
  switch (method) {
    case 'PUT':
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return method;
  }
}

interface InjectedAnswer {
  status: number;
  code: string;
  headers: Record<string, string | number>;
  body: string;
}

/** The retryable error the real service sends, in its protocol; the SDK retries each of them. */
export function injectedError(
  service: AwsService,
  error: InjectedError,
  req: Pick<IncomingMessage, 'headers'>,
): InjectedAnswer {
  const requestId = randomUUID();
  const unavailable = error === 'unavailable';
  const json = (status: number, code: string, message: string): InjectedAnswer => {
    const body = JSON.stringify({ __type: code, message });
    return {
      status,
      code,
      headers: {
        'content-type': service === 'sesv2' ? 'application/json' : 'application/x-amz-json-1.0',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(body),
      },
      body,
    };
  };
  const xml = (status: number, code: string, body: string): InjectedAnswer => ({
    status,
    code,
    headers: {
      'content-type': 'text/xml',
      'x-amz-request-id': requestId,
      'content-length': Buffer.byteLength(body),
    },
    body,
  });
  switch (service) {
    case 'sesv2':
      return unavailable
        ? json(503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).')
        : json(429, 'TooManyRequestsException', 'Too many requests (injected by the local fault facility).');
    case 'sfn':
      return unavailable
        ? json(503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).')
        : json(400, 'ThrottlingException', 'Rate exceeded (injected by the local fault facility).');
    case 'sns': {
      const [status, code, message] = unavailable
        ? [503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).']
        : [400, 'Throttling', 'Rate exceeded (injected by the local fault facility).'];
      if (req.headers['x-amz-target']) return json(status, code, message);
      const type = unavailable ? 'Receiver' : 'Sender';
      return xml(
        status,
        code,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
    case 's3': {
      const [code, message] = unavailable
        ? [
            'ServiceUnavailable',
            'Service is unable to handle request (injected by the local fault facility).',
          ]
        : ['SlowDown', 'Please reduce your request rate (injected by the local fault facility).'];
      return xml(
        503,
        code,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );
    }
  }
}

function errorCodeOf(answer: IncomingMessage): string {
  const header = answer.headers['x-amzn-errortype'];
  const code = typeof header === 'string' ? header.split(':')[0] : undefined;
  return code || `HTTP ${answer.statusCode ?? 0}`;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
