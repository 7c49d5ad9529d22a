/**
 * The Step Functions API over HTTP, spoken as AWS does (JSON 1.0: `POST /`, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`), so Lambda code uses the real `@aws-sdk/client-sfn` against it.
 * Requests are not signature-checked: the endpoint listens on loopback only by default.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import type { StepFunctionsApi } from './api.js';
import { StepFunctionsApiError, UnknownOperationException, ValidationException } from './errors.js';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 1024 * 1024;

const text = z.string().check(z.minLength(1));
const status = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);
const page = { maxResults: z.optional(z.number()), nextToken: z.optional(z.string()) };
const routing = z.array(z.object({ stateMachineVersionArn: text, weight: z.number() }));

const operations = {
  ListStateMachines: {
    input: z.object(page),
    run: (sfn: StepFunctionsApi, p: { maxResults?: number; nextToken?: string }) => sfn.listStateMachines(p),
  },
  DescribeStateMachine: {
    input: z.object({ stateMachineArn: text }),
    run: (sfn: StepFunctionsApi, p: { stateMachineArn: string }) => sfn.describeStateMachine(p),
  },
  DescribeStateMachineForExecution: {
    input: z.object({ executionArn: text }),
    run: (sfn: StepFunctionsApi, p: { executionArn: string }) => sfn.describeStateMachineForExecution(p),
  },
  StartExecution: {
    input: z.object({ stateMachineArn: text, name: z.optional(z.string()), input: z.optional(z.string()) }),
    run: (sfn: StepFunctionsApi, p: { stateMachineArn: string; name?: string; input?: string }) =>
      sfn.startExecution(p),
  },
  DescribeExecution: {
    input: z.object({ executionArn: text }),
    run: (sfn: StepFunctionsApi, p: { executionArn: string }) => sfn.describeExecution(p),
  },
  ListExecutions: {
    input: z.object({ stateMachineArn: text, statusFilter: z.optional(status), ...page }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['listExecutions']>[0]) =>
      sfn.listExecutions(p),
  },
  GetExecutionHistory: {
    input: z.object({ executionArn: text, reverseOrder: z.optional(z.boolean()), ...page }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['getExecutionHistory']>[0]) =>
      sfn.getExecutionHistory(p),
  },
  SendTaskSuccess: {
    input: z.object({ taskToken: text, output: z.string() }),
    run: async (sfn: StepFunctionsApi, p: { taskToken: string; output: string }) => {
      await sfn.sendTaskSuccess(p);
      return {};
    },
  },
  SendTaskFailure: {
    input: z.object({ taskToken: text, error: z.optional(z.string()), cause: z.optional(z.string()) }),
    run: async (sfn: StepFunctionsApi, p: { taskToken: string; error?: string; cause?: string }) => {
      await sfn.sendTaskFailure(p);
      return {};
    },
  },
  SendTaskHeartbeat: {
    input: z.object({ taskToken: text }),
    run: async (sfn: StepFunctionsApi, p: { taskToken: string }) => {
      await sfn.sendTaskHeartbeat(p);
      return {};
    },
  },
  PublishStateMachineVersion: {
    input: z.object({
      stateMachineArn: text,
      revisionId: z.optional(z.string()),
      description: z.optional(z.string()),
    }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['publishStateMachineVersion']>[0]) =>
      sfn.publishStateMachineVersion(p),
  },
  ListStateMachineVersions: {
    input: z.object({ stateMachineArn: text, ...page }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['listStateMachineVersions']>[0]) =>
      sfn.listStateMachineVersions(p),
  },
  CreateStateMachineAlias: {
    input: z.object({ name: text, description: z.optional(z.string()), routingConfiguration: routing }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['createStateMachineAlias']>[0]) =>
      sfn.createStateMachineAlias(p),
  },
  UpdateStateMachineAlias: {
    input: z.object({
      stateMachineAliasArn: text,
      description: z.optional(z.string()),
      routingConfiguration: z.optional(routing),
    }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['updateStateMachineAlias']>[0]) =>
      sfn.updateStateMachineAlias(p),
  },
  DescribeStateMachineAlias: {
    input: z.object({ stateMachineAliasArn: text }),
    run: (sfn: StepFunctionsApi, p: { stateMachineAliasArn: string }) => sfn.describeStateMachineAlias(p),
  },
  ListStateMachineAliases: {
    input: z.object({ stateMachineArn: text, ...page }),
    run: (sfn: StepFunctionsApi, p: Parameters<StepFunctionsApi['listStateMachineAliases']>[0]) =>
      sfn.listStateMachineAliases(p),
  },
  StopExecution: {
    input: z.object({ executionArn: text, error: z.optional(z.string()), cause: z.optional(z.string()) }),
    run: (sfn: StepFunctionsApi, p: { executionArn: string; error?: string; cause?: string }) =>
      sfn.stopExecution(p),
  },
} as const;

type OperationName = keyof typeof operations;

export async function serveStepFunctionsApi(
  sfn: StepFunctionsApi,
  port: number,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(sfn, req).then(
      (result) => send(res, 200, result),
      (error: unknown) => sendError(res, error),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(sfn: StepFunctionsApi, req: IncomingMessage): Promise<unknown> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (req.method !== 'POST' || !Object.hasOwn(operations, operation)) {
    throw new UnknownOperationException(`Unknown operation: '${target}'`);
  }
  const body = await readBody(req);
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    throw new ValidationException('The request body is not JSON');
  }
  const { input, run } = operations[operation as OperationName];
  const parsed = z.safeParse(input, json);
  if (!parsed.success) throw new ValidationException(z.prettifyError(parsed.error));
  // Each entry's schema matches its own run function; the table lookup loses that pairing for the compiler.
  return (run as (sfn: StepFunctionsApi, p: unknown) => Promise<unknown>)(sfn, parsed.data);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ValidationException('The request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(toWire(body));
  res.writeHead(statusCode, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof StepFunctionsApiError) {
    send(res, 400, { __type: error.name, message: error.message }, { 'x-amzn-errortype': error.name });
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  send(res, 500, { __type: 'InternalFailure', message }, { 'x-amzn-errortype': 'InternalFailure' });
}

/** Dates travel as epoch seconds in AWS JSON protocols. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}
