import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { type AwsCallLog, type AwsService, UNKNOWN_CALLER } from './aws-calls.js';
import { type InjectedError, injectedError, type LocalFaults } from './local-faults.js';
import { listenOnLoopback } from './loopback-server.js';

/**
 * A front for the local AWS services the functions call (SES v2, SNS, Step Functions, S3): a reverse
 * proxy that logs every call (service, operation, calling function, time, outcome) and, for tests,
 * answers an armed call with the retryable error the real service would send under load, instead of
 * forwarding it. The calling function is known from the SDK's user agent: the runner gives each
 * function its own SDK app id (`app/<id>`, see sdkAppIdOf), as each Lambda has its own role on AWS.
 */

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

  const listening = await listenOnLoopback(server, options.port);
  return {
    url: listening.url,
    close: () => listening.close().then(() => agent.destroy()),
  };
}

/** The SDK app id (`app/<id>`) in a request's user agent, if it names one. */
export function sdkAppIdOfRequest(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const agents = [req.headers['x-amz-user-agent'], req.headers['user-agent']].flat();
  for (const agent of agents) {
    // Powertools appends its marker to the app id, which the SDK sends as `<id>-PT-NO-OP-2.x-PTEnv-...`.
    const id =
      typeof agent === 'string'
        ? /(?:^|\s)app\/([^\s]+)/.exec(agent)?.[1]?.replace(/-PT-\S*$/, '')
        : undefined;
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
