import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import sesLocalModule from 'aws-ses-v2-local';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalTopic } from '../assembly.js';

/**
 * The local mailbox (aws-ses-v2-local: SES v2 API, a web page at `/`, `GET /store`) and SNS: a
 * notification published to a topic is delivered as an e-mail to the topic's e-mail subscribers.
 */

/** Who gets a topic's notifications when the template subscribes no e-mail address to it. */
export const PLACEHOLDER_SUBSCRIBER = 'finance@local';
/** The sender real SNS e-mail notifications come from. */
const SNS_SENDER = 'no-reply@sns.amazonaws.com';

export interface Mailbox {
  readonly url: string;
  close(): Promise<void>;
}

type StartSesLocal = (config?: { port?: number; host?: string }) => Promise<Server>;

export async function startMailbox(options: { readonly port?: number } = {}): Promise<Mailbox> {
  // A CommonJS module with __esModule: from ESM its function is on `.default`.
  const moduleValue = sesLocalModule as unknown as StartSesLocal | { default: StartSesLocal };
  const start = typeof moduleValue === 'function' ? moduleValue : moduleValue.default;
  const server = await start({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** SNS Publish parameters (TopicArn or TargetArn, Message, Subject, MessageAttributes, ...). */
export type PublishSns = (input: Record<string, unknown>) => Promise<{ MessageId: string }>;

export class TopicNotFoundError extends Error {
  override name = 'NotFoundException';
}

/** Publishes to a topic of the app by mailing the message to the topic's e-mail subscribers. */
export function snsToMailbox(mailboxUrl: string, topics: readonly LocalTopic[]): PublishSns {
  const ses = new SESv2Client({ endpoint: mailboxUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return async (input) => {
    const arn = String(input.TopicArn ?? input.TargetArn ?? '');
    const topic = topics.find((t) => t.arn === arn || t.name === arn);
    if (!topic && topics.length > 0) throw new TopicNotFoundError(`Topic does not exist: ${arn}`);
    const recipients = topic?.emailSubscribers.length ? topic.emailSubscribers : [PLACEHOLDER_SUBSCRIBER];
    const messageId = randomUUID();
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: SNS_SENDER,
        Destination: { ToAddresses: recipients },
        Content: {
          Simple: {
            Subject: { Data: typeof input.Subject === 'string' ? input.Subject : 'AWS Notification Message' },
            // Step Functions may hand over a JSON Message; SNS mails its text.
            Body: {
              Text: {
                Data: typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message),
              },
            },
          },
        },
      }),
    );
    return { MessageId: messageId };
  };
}

export interface SnsService {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The SNS API for functions that publish themselves (AWS_ENDPOINT_URL_SNS): `Publish` in the query
 * protocol (form body, XML answer) and in the JSON protocol.
 */
export async function startSnsService(options: {
  readonly publish: PublishSns;
  readonly port?: number;
}): Promise<SnsService> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const name = error instanceof Error ? error.name : 'InternalError';
      const message = error instanceof Error ? error.message : String(error);
      reply(res, req, 400, { __type: name, message }, errorXml(name, message));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readAll(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const isJson = target !== '';
    const params = isJson
      ? (JSON.parse(text || '{}') as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(text));
    const action = isJson ? target.split('.').pop() : params.Action;
    if (action !== 'Publish') {
      return reply(
        res,
        req,
        400,
        { __type: 'InvalidAction', message: `${String(action)} is not served locally` },
        errorXml('InvalidAction', `${String(action)} is not served locally`),
      );
    }
    const { MessageId } = await options.publish(params);
    const requestId = randomUUID();
    reply(
      res,
      req,
      200,
      { MessageId },
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${MessageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
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
        server.close(() => resolve());
      }),
  };
}

function errorXml(code: string, message: string): string {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escaped}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function reply(res: ServerResponse, req: IncomingMessage, status: number, json: unknown, xml: string): void {
  const isJson = req.headers['x-amz-target'] !== undefined;
  const text = isJson ? JSON.stringify(json) : xml;
  res.writeHead(status, {
    'content-type': isJson ? 'application/x-amz-json-1.0' : 'text/xml',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
