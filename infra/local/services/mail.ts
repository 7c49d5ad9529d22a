import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import sesLocalModule from 'aws-ses-v2-local';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../assembly/local-account.js';
import type { LocalTopic, LocalTopicSubscription } from '../assembly/model.js';
import { matchesEventPattern } from './event-patterns.js';
import { listenOnLoopback } from './loopback-server.js';

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

/** A mail as aws-ses-v2-local stores it (what `GET /store` lists). */
interface StoredMail {
  readonly messageId: string;
  readonly [field: string]: unknown;
}

/** The parts of aws-ses-v2-local's store module used here (one store per process). */
interface SesLocalStore {
  saveEmail(email: StoredMail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: StoredMail[] };
}

const require = createRequire(import.meta.url);

/** Journal files of the mailboxes running in this process; the store they share is written to each. */
const journals = new Set<string>();
let storeHooked = false;

/** The journal a mailbox on `dataDir` keeps: one JSON mail per line, in the order received. */
export function mailJournalPath(dataDir: string): string {
  return join(dataDir, 'mailbox', 'mails.jsonl');
}

/**
 * aws-ses-v2-local keeps mail in memory only. Every mail it accepts is first appended (and synced)
 * to the journals, before SendEmail is answered: a mail the product was told was sent survives a
 * kill of the runtime. Clearing the store clears the journals too.
 */
function hookStore(): SesLocalStore {
  const store = require('aws-ses-v2-local/dist/store.js') as SesLocalStore;
  if (storeHooked) return store;
  storeHooked = true;
  const save = store.saveEmail;
  const clear = store.clearStore;
  // The server calls these through the module object, so replacing them there takes effect.
  store.saveEmail = (email) => {
    for (const journal of journals) appendDurably(journal, `${JSON.stringify(email)}\n`);
    save(email);
  };
  store.clearStore = () => {
    for (const journal of journals) writeFileSync(journal, '');
    clear();
  };
  return store;
}

function appendDurably(path: string, text: string): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The mails of a journal; a line cut off by a kill mid-write is skipped. */
export function readMailJournal(path: string): StoredMail[] {
  if (!existsSync(path)) return [];
  const mails: StoredMail[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const mail = JSON.parse(line) as StoredMail;
      if (typeof mail.messageId === 'string') mails.push(mail);
    } catch {
      // Only the last line can be torn, and its mail was never answered as sent.
    }
  }
  return mails;
}

/**
 * Starts the mailbox. With `dataDir`, what it receives is kept in `<dataDir>/mailbox/mails.jsonl`
 * and restored on the next start (with the same message ids), so the mailbox survives a restart.
 */
export async function startMailbox(
  options: { readonly port?: number; readonly dataDir?: string } = {},
): Promise<Mailbox> {
  const store = hookStore();
  let journal: string | undefined;
  if (options.dataDir) {
    journal = mailJournalPath(options.dataDir);
    mkdirSync(join(options.dataDir, 'mailbox'), { recursive: true });
    // A torn last line would swallow the next mail appended to it.
    const text = existsSync(journal) ? readFileSync(journal, 'utf8') : '';
    if (text && !text.endsWith('\n')) appendDurably(journal, '\n');
    const emails = store.getStoreReadonly().emails;
    const present = new Set(emails.map((m) => m.messageId));
    for (const mail of readMailJournal(journal)) if (!present.has(mail.messageId)) emails.push(mail);
    journals.add(journal);
  }
  // A CommonJS module with __esModule: from ESM its function is on `.default`.
  const moduleValue = sesLocalModule as unknown as StartSesLocal | { default: StartSesLocal };
  const start = typeof moduleValue === 'function' ? moduleValue : moduleValue.default;
  let server: Server;
  try {
    server = await start({ port: options.port ?? 0, host: '127.0.0.1' });
  } catch (error) {
    if (journal) journals.delete(journal);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (journal) journals.delete(journal);
          resolve();
        });
      }),
  };
}

/** SNS Publish parameters (TopicArn or TargetArn, Message, Subject, MessageAttributes, ...). */
export type PublishSns = (input: Record<string, unknown>) => Promise<{ MessageId: string }>;

export class TopicNotFoundError extends Error {
  override name = 'NotFoundException';
}

/** A message attribute as SNS takes it. */
interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/**
 * Publishes to a topic of the app by mailing the message to each e-mail subscriber whose filter policy
 * it passes: one mail per subscription, as SNS sends them. `email` subscribers get the message text,
 * `email-json` ones the JSON notification. A topic without subscribers mails PLACEHOLDER_SUBSCRIBER, so
 * the notice can still be seen locally.
 */
export function snsToMailbox(mailboxUrl: string, topics: readonly LocalTopic[]): PublishSns {
  const ses = new SESv2Client({ endpoint: mailboxUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return async (input) => {
    const arn = String(input.TopicArn ?? input.TargetArn ?? '');
    const topic = topics.find((t) => t.arn === arn || t.name === arn);
    if (!topic && topics.length > 0) throw new TopicNotFoundError(`Topic does not exist: ${arn}`);
    const subscriptions: readonly LocalTopicSubscription[] = topic?.subscriptions.length
      ? topic.subscriptions
      : [{ protocol: 'email', endpoint: PLACEHOLDER_SUBSCRIBER }];
    const messageId = randomUUID();
    const subject = typeof input.Subject === 'string' ? input.Subject : undefined;
    const attributes = messageAttributesOf(input);
    const notification = (text: string) => ({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic?.arn ?? arn,
      ...(subject !== undefined ? { Subject: subject } : {}),
      Message: text,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, a]) => [
          name,
          { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue },
        ]),
      ),
    });
    for (const subscription of subscriptions) {
      const text = messageFor(input, subscription.protocol);
      if (!passesFilterPolicy(subscription, text, attributes)) continue;
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: SNS_SENDER,
          Destination: { ToAddresses: [subscription.endpoint] },
          Content: {
            Simple: {
              Subject: { Data: subject ?? 'AWS Notification Message' },
              Body: {
                Text: {
                  Data: subscription.protocol === 'email-json' ? JSON.stringify(notification(text)) : text,
                },
              },
            },
          },
        }),
      );
    }
    return { MessageId: messageId };
  };
}

/**
 * The text a subscriber of this protocol gets: the Message (Step Functions may hand over JSON, which SNS
 * mails as text), or with MessageStructure 'json' the protocol's own entry, else the 'default' one.
 */
function messageFor(input: Record<string, unknown>, protocol: LocalTopicSubscription['protocol']): string {
  const message = typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message);
  if (input.MessageStructure !== 'json') return message;
  const perProtocol = JSON.parse(message) as Record<string, unknown>;
  const chosen = perProtocol[protocol] ?? perProtocol.default;
  return typeof chosen === 'string' ? chosen : JSON.stringify(chosen ?? '');
}

/**
 * Message attributes in either shape Publish arrives in: an object (JSON protocol, Step Functions) or
 * the query protocol's `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`.
 */
export function messageAttributesOf(input: Record<string, unknown>): Record<string, MessageAttribute> {
  if (input.MessageAttributes !== null && typeof input.MessageAttributes === 'object') {
    return input.MessageAttributes as Record<string, MessageAttribute>;
  }
  const attributes: Record<string, MessageAttribute> = {};
  for (const [key, name] of Object.entries(input)) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key)?.[1];
    if (entry === undefined || typeof name !== 'string') continue;
    const field = (suffix: string) => {
      const value = input[`MessageAttributes.entry.${entry}.Value.${suffix}`];
      return typeof value === 'string' ? value : undefined;
    };
    const stringValue = field('StringValue');
    const binaryValue = field('BinaryValue');
    attributes[name] = {
      DataType: field('DataType') ?? 'String',
      ...(stringValue !== undefined ? { StringValue: stringValue } : {}),
      ...(binaryValue !== undefined ? { BinaryValue: binaryValue } : {}),
    };
  }
  return attributes;
}

/** A subscription's filter policy (EventBridge pattern operators) on the attributes or on the JSON body. */
function passesFilterPolicy(
  subscription: LocalTopicSubscription,
  message: string,
  attributes: Record<string, MessageAttribute>,
): boolean {
  if (!subscription.filterPolicy) return true;
  if (subscription.filterPolicyScope === 'MessageBody') {
    try {
      return matchesEventPattern(subscription.filterPolicy, JSON.parse(message));
    } catch {
      return false;
    }
  }
  // Binary attributes are not filtered on; numbers and string arrays are compared as such.
  const values: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.StringValue === undefined) continue;
    if (attribute.DataType.startsWith('Number')) values[name] = Number(attribute.StringValue);
    else if (attribute.DataType === 'String.Array') values[name] = parseArray(attribute.StringValue);
    else values[name] = attribute.StringValue;
  }
  return matchesEventPattern(subscription.filterPolicy, values);
}

function parseArray(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
  return listenOnLoopback(server, options.port);
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
