import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../assembly/local-account.js';
import { sdkAppIdOfRequest } from './aws-front.js';
import type { AccessRequest, LocalAuthorizer } from './local-iam.js';
import { listenOnLoopback } from './loopback-server.js';

/**
 * What the functions reach DynamoDB Local through: a reverse proxy that checks each call against
 * the calling function's role (local-iam.ts) and answers AccessDeniedException as DynamoDB does
 * when the role does not allow it. DynamoDB Local itself checks no permission.
 */

/** DynamoDB request bodies are at most a few MB (a transaction of 100 items of 400 KB fits). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const arnOf = (table: string) =>
  table.startsWith('arn:') ? table : `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${table}`;

type Body = Record<string, unknown>;
const tablesIn = (items: unknown) => Object.keys((items ?? {}) as Record<string, unknown>);

/**
 * The IAM actions and resources a DynamoDB call needs: the operation on its table (or index), and
 * for a transaction the action of each item (PutItem, UpdateItem, DeleteItem, ConditionCheckItem;
 * GetItem for TransactGetItems), as IAM authorizes them.
 */
export function dynamoDbAccess(operation: string, body: Body): AccessRequest[] {
  switch (operation) {
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Record<string, { TableName?: string }>[]).flatMap((item) =>
        Object.entries(item).map(([kind, part]) => ({
          action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`,
          resource: arnOf(part.TableName ?? ''),
        })),
      );
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as { Get?: { TableName?: string } }[]).map((item) => ({
        action: 'dynamodb:GetItem',
        resource: arnOf(item.Get?.TableName ?? ''),
      }));
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return tablesIn(body.RequestItems).map((table) => ({
        action: `dynamodb:${operation}`,
        resource: arnOf(table),
      }));
    default: {
      const table = typeof body.TableName === 'string' ? arnOf(body.TableName) : '*';
      const index = typeof body.IndexName === 'string' ? `/index/${body.IndexName}` : '';
      return [{ action: `dynamodb:${operation}`, resource: `${table}${index}` }];
    }
  }
}

export interface DynamoDbGate {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDynamoDbGate(options: {
  /** DynamoDB Local's endpoint. */
  readonly target: string;
  readonly authorize: LocalAuthorizer;
  readonly port?: number;
}): Promise<DynamoDbGate> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const operation = amzTarget.slice(amzTarget.lastIndexOf('.') + 1);
    let parsed: Body = {};
    try {
      parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Body) : {};
    } catch {
      // DynamoDB Local answers the malformed request itself.
    }
    const denied = operation
      ? options.authorize(sdkAppIdOfRequest(req), dynamoDbAccess(operation, parsed))
      : undefined;
    if (denied) {
      const text = JSON.stringify({
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message: denied,
      });
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': randomUUID(),
        'x-amzn-errortype': 'AccessDeniedException',
      });
      res.end(text);
      return;
    }
    // The body was read whole: it goes on with its length, not in chunks.
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    await new Promise<void>((resolve, reject) => {
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  };

  const server = createServer((req, res) => {
    // DynamoDB Local gone (stopped, restarting): the caller sees the connection drop, as without the gate.
    handle(req, res).catch(() => res.destroy());
  });
  const listening = await listenOnLoopback(server, options.port);
  return {
    url: listening.url,
    close: () => listening.close().then(() => agent.destroy()),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
