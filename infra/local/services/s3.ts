import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { S3EventRecord } from 'aws-lambda';
import { type PostPolicyCredentials, verifyPostPolicy } from './post-policy.js';

export type { S3EventRecord } from 'aws-lambda';

/**
 * Local S3: s3rver keeps the objects on disk, behind a front server that does what s3rver does not.
 * Browser uploads (POST Object) are checked against their signed POST policy before anything is
 * stored; every other request (the SDK calls functions make) is proxied to s3rver as it is; and
 * objects created by POST, PUT, copy or multipart completion are reported as S3 event records.
 *
 * S3 delivers its event notifications at least once. Here an event is written to an outbox in the
 * data folder before the request that creates the object is answered, and removed once delivered:
 * a kill in between leaves it there, and `deliverPending` (called once the functions run again)
 * delivers it then.
 */

export interface StartLocalS3Options {
  /** The objects live under `<dataDir>/s3` and survive restarts. */
  readonly dataDir: string;
  /** Port of the front server; 0 or undefined: any free port. */
  readonly port?: number;
  /** Buckets to create if missing. */
  readonly buckets: readonly string[];
  /** The credentials presigned POSTs must be signed with (those the functions get). */
  readonly credentials: PostPolicyCredentials;
  readonly region: string;
  /**
   * Called (not awaited by the uploader, like S3's asynchronous notifications) for each created object.
   * A rejection keeps the event in the outbox for `deliverPending`.
   */
  readonly onObjectCreated: (records: S3EventRecord[]) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Largest POST body the front server reads; S3's own limit for POST is 5 GB. Default 64 MiB. */
  readonly maxPostBodyBytes?: number;
  /** Clock for policy expiry; tests may move it. */
  readonly now?: () => Date;
}

export interface LocalS3 {
  /** Base URL of the front server (path-style: `<url>/<bucket>/<key>`). */
  readonly url: string;
  /** Hands a record to onObjectCreated again, as S3's at-least-once delivery may. */
  deliver(record: S3EventRecord): Promise<void>;
  /**
   * Delivers the events left in the outbox (by a kill, or a delivery that failed) whose object
   * exists; an event whose object never landed is dropped. Returns how many were delivered.
   */
  deliverPending(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_POST_BODY_BYTES = 64 * 1024 * 1024;

/** S3's rules for a bucket name (3-63 lower-case letters, digits, dots and hyphens), so it is never a path. */
const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The parts of s3rver 3.7 used here (the package has no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  /** Its filesystem store: `getBucket` is a stat of the bucket's folder (null when there is none). */
  readonly store: { getBucket(name: string): Promise<object | null> };
  close(): Promise<void>;
  readonly httpServer?: { closeAllConnections(): void };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

const require = createRequire(import.meta.url);

class PostBodyTooLargeError extends Error {
  override name = 'PostBodyTooLargeError';
}

export async function startLocalS3(options: StartLocalS3Options): Promise<LocalS3> {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const maxPostBodyBytes = options.maxPostBodyBytes ?? DEFAULT_MAX_POST_BODY_BYTES;
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });

  const S3rver = require('s3rver') as S3rverClass;
  // s3rver looks the request's access key up (it does not check SigV4 signatures): the functions' key
  // must be one it knows.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: S3rverAccount };
  DUMMY_ACCOUNT.createKeyPair(options.credentials.accessKeyId, options.credentials.secretAccessKey);
  const storage = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const storageAddress = await storage.run();
  const storageHost = `127.0.0.1:${storageAddress.port}`;
  const storageUrl = `http://${storageHost}`;
  const agent = new Agent({ keepAlive: true });

  const outbox = new EventOutbox(join(options.dataDir, 's3-outbox'));
  const deliveries = new Set<Promise<void>>();
  /** Delivers one event and removes it from the outbox; a failure leaves it there. */
  const deliverEntry = async (entry: OutboxEntry, record: S3EventRecord) => {
    try {
      await options.onObjectCreated([record]);
      outbox.remove(entry.id);
    } catch (error) {
      log(`local S3: delivering ${record.eventName} of ${record.s3.object.key} failed: ${messageOf(error)}`);
    }
  };
  const report = (entry: OutboxEntry, record: S3EventRecord) => {
    const delivery = deliverEntry(entry, record).finally(() => {
      deliveries.delete(delivery);
      outbox.release(entry.id);
    });
    deliveries.add(delivery);
  };
  const recordOf = (entry: OutboxEntry, object: { size: number; eTag: string }) =>
    objectCreatedRecord({
      region: options.region,
      principal: options.credentials.accessKeyId,
      eventName: entry.eventName,
      bucket: entry.bucket,
      key: entry.key,
      sourceIp: entry.sourceIp,
      eventTime: new Date(entry.eventTime),
      ...object,
    });

  let frontUrl = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`local S3: ${req.method} ${req.url} failed: ${messageOf(error)}`);
      if (!res.headersSent)
        sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    allowCors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
      return;
    }
    const bucketOnly = /^\/([^/]+)\/?$/.exec(url.pathname);
    // s3rver takes every POST to a bucket without `?delete` as a form upload: none may pass unchecked.
    if (req.method === 'POST' && bucketOnly?.[1] && !url.searchParams.has('delete')) {
      if (!/^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''))) {
        return sendError(
          res,
          412,
          'PreconditionFailed',
          'Bucket POST must be of the enclosure-type multipart/form-data',
        );
      }
      await receiveFormUpload(req, res, decodeURIComponent(bucketOnly[1]));
      return;
    }
    // The buckets are private: like S3, refuse what is not signed at all (s3rver would serve it).
    if (!carriesSignature(req, url)) return sendError(res, 403, 'AccessDenied', 'Access Denied');
    proxy(req, res, url);
  };

  /** POST Object: policy first, then store, then report; nothing is stored or reported on a refusal. */
  const receiveFormUpload = async (req: IncomingMessage, res: ServerResponse, bucket: string) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxPostBodyBytes) {
      res.setHeader('connection', 'close');
      return sendError(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    const form = await readForm(req, maxPostBodyBytes).catch((error: unknown) => error as Error);
    if (form instanceof PostBodyTooLargeError) {
      res.setHeader('connection', 'close');
      return sendError(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    if (form instanceof Error) {
      return sendError(
        res,
        400,
        'MalformedPOSTRequest',
        'The body of your POST request is not well-formed multipart/form-data.',
      );
    }
    if (form.files.length !== 1 || !form.file) {
      return sendError(res, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    }
    // Asked of s3rver's store, not with a HEAD: s3rver answers HEAD Bucket by listing every object.
    if (!BUCKET_NAME.test(bucket) || !(await storage.store.getBucket(bucket)))
      return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');

    const body = Buffer.from(await form.file.arrayBuffer());
    const verdict = verifyPostPolicy({
      fields: form.fields,
      fileSize: body.length,
      fileName: form.file.name,
      bucket,
      now: now(),
      credentials: options.credentials,
      region: options.region,
    });
    if (!verdict.ok) return sendError(res, verdict.status, verdict.code, verdict.message);

    const objectPath = `/${encodeURIComponent(bucket)}/${encodeKey(verdict.key)}`;
    // The event is kept before the object is stored: whatever is stored is reported, at least once.
    const entry = outbox.add({
      eventName: 'ObjectCreated:Post',
      bucket,
      key: verdict.key,
      sourceIp: remoteIp(req),
      eventTime: now().toISOString(),
    });
    const stored = await fetch(`${storageUrl}${objectPath}`, {
      method: 'PUT',
      headers: { ...objectHeaders(form.fields), 'content-type': verdict.contentType },
      body,
    }).catch((error: unknown) => error as Error);
    if (stored instanceof Error || !stored.ok) {
      outbox.remove(entry.id);
      outbox.release(entry.id);
      const why = stored instanceof Error ? stored.message : `status ${stored.status}`;
      return sendError(res, 500, 'InternalError', `storing the object failed with ${why}`);
    }
    await stored.arrayBuffer();
    const eTag = unquote(stored.headers.get('etag') ?? '');
    report(entry, recordOf(entry, { size: body.length, eTag }));
    answerUpload(res, form.fields, {
      bucket,
      key: verdict.key,
      eTag,
      location: `${frontUrl}${objectPath}`,
    });
  };

  /** Every other request goes to s3rver unchanged; a successful object creation is reported. */
  const proxy = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const creation = objectCreation(req.method ?? 'GET', url, req.headers);
    const entry =
      creation && outbox.add({ ...creation, sourceIp: remoteIp(req), eventTime: now().toISOString() });
    const forget = () => {
      if (!entry) return;
      outbox.remove(entry.id);
      outbox.release(entry.id);
    };
    const upstream = request(
      {
        host: '127.0.0.1',
        port: storageAddress.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: storageHost },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          if (!entry) return;
          const status = answer.statusCode ?? 0;
          if (status < 200 || status >= 300) return forget();
          describeObject(url.pathname).then(
            (object) => {
              if (object) report(entry, recordOf(entry, object));
              else forget();
            },
            (error: unknown) => {
              // Left in the outbox: deliverPending tries again.
              outbox.release(entry.id);
              log(`local S3: reading ${entry.key} after ${entry.eventName}: ${messageOf(error)}`);
            },
          );
        });
      },
    );
    upstream.on('error', (error) => {
      forget();
      log(`local S3: storage request failed: ${error.message}`);
      if (!res.headersSent) sendError(res, 502, 'InternalError', 'The local storage did not answer.');
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const deliverPending = async () => {
    let delivered = 0;
    for (const entry of outbox.claimAll()) {
      const object = await describeObject(
        `/${encodeURIComponent(entry.bucket)}/${encodeKey(entry.key)}`,
      ).catch((error: unknown) => error as Error);
      if (object instanceof Error) {
        outbox.release(entry.id);
        log(`local S3: reading ${entry.key} for a pending ${entry.eventName}: ${object.message}`);
        continue;
      }
      if (!object) {
        // The request was cut off before the object was stored: there is nothing to report.
        outbox.remove(entry.id);
        outbox.release(entry.id);
        continue;
      }
      const delivery = deliverEntry(entry, recordOf(entry, object)).finally(() => outbox.release(entry.id));
      deliveries.add(delivery);
      await delivery;
      deliveries.delete(delivery);
      delivered++;
    }
    return delivered;
  };

  const describeObject = async (objectPath: string) => {
    const head = await fetch(`${storageUrl}${objectPath}`, { method: 'HEAD' });
    if (!head.ok) return undefined;
    return {
      size: Number(head.headers.get('content-length') ?? 0),
      eTag: unquote(head.headers.get('etag') ?? ''),
    };
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  frontUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: frontUrl,
    deliver: (record) => options.onObjectCreated([record]),
    deliverPending,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.allSettled([...deliveries]);
      agent.destroy();
      storage.httpServer?.closeAllConnections();
      await storage.close();
    },
  };
}

/** An ObjectCreated event not delivered yet, as the outbox keeps it. */
interface OutboxEntry {
  readonly id: string;
  readonly eventName: ObjectCreatedEvent;
  readonly bucket: string;
  readonly key: string;
  readonly sourceIp: string;
  readonly eventTime: string;
}

/**
 * Events not delivered yet, one file each (written to a temporary name, synced and renamed, so a
 * kill never leaves half an entry). Entries in flight are claimed in memory, so `deliverPending`
 * never hands over an event a live delivery is handing over at the same time.
 */
class EventOutbox {
  private readonly claimed = new Set<string>();

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** Keeps a new event and claims it for its live delivery. */
  add(event: Omit<OutboxEntry, 'id'>): OutboxEntry {
    const entry = { id: `${Date.now()}-${randomBytes(8).toString('hex')}`, ...event };
    const file = join(this.directory, `${entry.id}.json`);
    const fd = openSync(`${file}.tmp`, 'w');
    try {
      writeSync(fd, JSON.stringify(entry));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(`${file}.tmp`, file);
    this.claimed.add(entry.id);
    return entry;
  }

  remove(id: string): void {
    rmSync(join(this.directory, `${id}.json`), { force: true });
  }

  release(id: string): void {
    this.claimed.delete(id);
  }

  /** Every kept event nobody is delivering, oldest first, now claimed by the caller. */
  claimAll(): OutboxEntry[] {
    const entries: OutboxEntry[] = [];
    for (const name of readdirSync(this.directory).sort()) {
      const path = join(this.directory, name);
      if (name.endsWith('.tmp')) {
        rmSync(path, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const entry = JSON.parse(readFileSync(path, 'utf8')) as OutboxEntry;
      if (this.claimed.has(entry.id)) continue;
      this.claimed.add(entry.id);
      entries.push(entry);
    }
    return entries;
  }
}

type ObjectCreatedEvent =
  | 'ObjectCreated:Post'
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload';

/** Query parameters that do not change what a request does (the SDK's `x-id`, presigning parameters). */
const isNeutralParameter = (name: string) => name === 'x-id' || name.toLowerCase().startsWith('x-amz-');

/** Whether a proxied request creates an object when it succeeds (PutObject, CopyObject, multipart end). */
function objectCreation(
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
): { eventName: ObjectCreatedEvent; bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!match?.[1] || !match[2]) return undefined;
  const bucket = decodeURIComponent(match[1]);
  const key = decodeURIComponent(match[2]);
  const parameters = [...url.searchParams.keys()].filter((name) => !isNeutralParameter(name));
  if (method === 'PUT' && parameters.length === 0) {
    const eventName = headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
    return { eventName, bucket, key };
  }
  if (method === 'POST' && parameters.length === 1 && parameters[0] === 'uploadId') {
    return { eventName: 'ObjectCreated:CompleteMultipartUpload', bucket, key };
  }
  return undefined;
}

/** Signed by header or by presigned-URL parameters (SigV4 or V2); s3rver checks the access key. */
function carriesSignature(req: IncomingMessage, url: URL): boolean {
  return (
    req.headers.authorization !== undefined ||
    url.searchParams.has('X-Amz-Signature') ||
    url.searchParams.has('Signature')
  );
}

interface PostedForm {
  readonly fields: Record<string, string>;
  readonly files: File[];
  readonly file: File | undefined;
}

/** Parses the form, reading at most `limit` bytes; fields after the file are ignored, as S3 does. */
async function readForm(req: IncomingMessage, limit: number): Promise<PostedForm> {
  let seen = 0;
  let exceeded = false;
  const bounded = req.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > limit) {
          exceeded = true;
          callback(new PostBodyTooLargeError(`the POST body exceeds ${limit} bytes`));
        } else callback(null, chunk);
      },
    }),
  );
  let form: FormData;
  try {
    form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: Readable.toWeb(bounded) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit).formData();
  } catch (error) {
    if (exceeded) {
      req.unpipe(bounded);
      throw new PostBodyTooLargeError(`the POST body exceeds ${limit} bytes`);
    }
    throw error;
  }
  const fields: Record<string, string> = {};
  const files: File[] = [];
  for (const [name, value] of form) {
    if (typeof value !== 'string') files.push(value);
    else if (files.length === 0) fields[name] = value;
  }
  return { fields, files, file: files[0] };
}

/** Headers S3 stores with an object posted in a form. */
const STORED_FIELDS = new Set(['cache-control', 'content-disposition', 'content-encoding', 'expires']);

function objectHeaders(fields: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const lower = name.toLowerCase();
    if (STORED_FIELDS.has(lower) || lower.startsWith('x-amz-meta-')) headers[lower] = value;
  }
  return headers;
}

/** success_action_redirect (303), success_action_status 200/201, else 204, as S3 answers a POST. */
function answerUpload(
  res: ServerResponse,
  fields: Record<string, string>,
  object: { bucket: string; key: string; eTag: string; location: string },
): void {
  const field = (name: string) => Object.entries(fields).find(([k]) => k.toLowerCase() === name)?.[1];
  const headers = { etag: `"${object.eTag}"`, location: object.location };
  const redirect = field('success_action_redirect') ?? field('redirect');
  if (redirect && URL.canParse(redirect) && /^https?:$/.test(new URL(redirect).protocol)) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', object.bucket);
    target.searchParams.set('key', object.key);
    target.searchParams.set('etag', `"${object.eTag}"`);
    res.writeHead(303, { ...headers, location: target.toString(), 'content-length': '0' });
    res.end();
    return;
  }
  const status = field('success_action_status');
  if (status === '201') {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(object.location)}</Location><Bucket>${escapeXml(object.bucket)}</Bucket><Key>${escapeXml(object.key)}</Key><ETag>"${object.eTag}"</ETag></PostResponse>`;
    res.writeHead(201, {
      ...headers,
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(xml),
    });
    res.end(xml);
    return;
  }
  res.writeHead(status === '200' ? 200 : 204, { ...headers, 'content-length': '0' });
  res.end();
}

/** Browsers post from the app's pages, on another origin; locally every origin may (no bucket CORS rules). */
function allowCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'ETag, Location, x-amz-request-id, x-amz-version-id');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, HEAD, PUT, POST, DELETE');
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('access-control-allow-headers', requested);
    res.setHeader('access-control-max-age', '600');
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amz-request-id': requestId,
  });
  res.end(xml);
}

let lastSequencer = 0n;

/** Sequencers only grow, so a consumer can order events of one key as with S3. */
function nextSequencer(): string {
  const candidate = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** S3 event records carry the key form-encoded: spaces as '+', other specials as %XX, '/' kept. */
export function eventKey(key: string): string {
  return new URLSearchParams({ k: key }).toString().slice(2).replaceAll('%2F', '/');
}

/** The object key of an S3 event record (which carries it form-encoded). */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replaceAll('+', ' '));
}

/** An ObjectCreated record in the S3 event message format (what a subscribed Lambda receives). */
export function objectCreatedRecord(input: {
  readonly region: string;
  readonly principal: string;
  readonly eventName: ObjectCreatedEvent;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly sourceIp: string;
  readonly eventTime?: Date;
}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    eventName: input.eventName,
    userIdentity: { principalId: `AWS:${input.principal}` },
    requestParameters: { sourceIPAddress: input.sourceIp },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: input.principal },
        arn: `arn:aws:s3:::${input.bucket}`,
      },
      object: { key: eventKey(input.key), size: input.size, eTag: input.eTag, sequencer: nextSequencer() },
    },
  };
}

/** A key in a path-style URL: each segment percent-encoded, '/' kept. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function unquote(eTag: string): string {
  return eTag.replace(/^"|"$/g, '');
}

function remoteIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
