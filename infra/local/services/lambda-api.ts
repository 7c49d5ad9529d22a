import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaInvoker } from '../stepfunctions/index.js';

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`, RequestResponse only) on
 * the local runtime's functions, so a tool invokes a function here with `@aws-sdk/client-lambda`
 * exactly as on AWS (`npm run ops -- resend`). A function's own error answers 200 with
 * `X-Amz-Function-Error: Unhandled`, as Lambda does; an unknown function is ResourceNotFoundException.
 */

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's synchronous request payload limit (6 MB). */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export async function startLambdaApi(options: {
  invoke: LambdaInvoker;
  functionNames: readonly string[];
  port: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const known = new Set(options.functionNames);
  const server = createServer((req, res) => {
    handle(options.invoke, known, req, res).catch((error: unknown) =>
      fail(res, 500, 'ServiceException', (error as Error).message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  invoke: LambdaInvoker,
  known: ReadonlySet<string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const match = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://local').pathname);
  if (req.method !== 'POST' || !match)
    return fail(res, 404, 'UnknownOperationException', 'Unknown operation');
  // A name, or an ARN whose last part is the name.
  const name =
    decodeURIComponent(match[1] ?? '')
      .split(':')
      .at(-1) ?? '';
  const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType !== 'RequestResponse')
    return fail(
      res,
      400,
      'InvalidParameterValueException',
      `InvocationType ${invocationType} is not served locally`,
    );
  if (!known.has(name)) return fail(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
  const body = await readBody(req);
  if (body === undefined)
    return fail(res, 413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes');
  let payload: unknown;
  try {
    payload = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    return fail(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  const result = await invoke(name, payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-executed-version': '$LATEST',
  };
  if ('errorType' in result) headers['x-amz-function-error'] = 'Unhandled';
  res.writeHead(200, headers);
  res.end(JSON.stringify('errorType' in result ? result : (result.payload ?? null)));
}

/** The body as text, or undefined when it passes Lambda's limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fail(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ Type: 'User', message }));
}
