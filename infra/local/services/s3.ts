import { mkdirSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type PostPolicyCredentials, verifyPostPolicy } from './post-policy.js';
import { verifyRequestSignature } from './request-signature.js';
import { type ObjectCreatedEvent, objectCreatedRecord, type S3EventRecord } from './s3-event-records.js';
import { answerUpload, objectHeaders, PostBodyTooLargeError, readForm } from './s3-form-upload.js';
import { EventOutbox, type OutboxEntry } from './s3-outbox.js';
import { sendError, sendHeadError } from './s3-responses.js';
import {
  isWellFormedVersionId,
  NULL_VERSION_ID,
  newVersionId,
  type ObjectVersion,
  objectVersion,
  PerKeyQueue,
  requestedRange,
  sameStoredObject,
  VersionStore,
  versionResponseHeaders,
} from './s3-versions.js';

export {
  decodeEventKey,
  eventKey,
  objectCreatedRecord,
  type S3EventRecord,
} from './s3-event-records.js';

/**
 * Local S3: s3rver keeps the objects on disk, behind a front server that does what s3rver does not.
 * Browser uploads (POST Object) are checked against their signed POST policy before anything is
 * stored; every other request (the SDK calls functions make) is proxied to s3rver as it is; and
 * objects created by POST, PUT, copy or multipart completion are reported as S3 event records.
 *
 * In a versioned bucket every created object also gets a new version id, answered in `x-amz-version-id`
 * and carried by its event; the version's bytes and metadata are kept (`s3-versions.ts`), and a GET or
 * HEAD with `versionId` is answered from them by the front server itself.
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
  /** Those of `buckets` with versioning enabled: every version of their objects is kept (`<dataDir>/s3-versions`). */
  readonly versionedBuckets?: readonly string[];
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
  /** Clock for the expiry of POST policies and of presigned version reads; tests may move it. */
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
  const versioned = new Set(options.versionedBuckets ?? []);
  const versions = new VersionStore(join(options.dataDir, 's3-versions'));
  // One creation of a key at a time in a versioned bucket: each version is copied from what it stored.
  const creations = new PerKeyQueue();
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
  /** Drops the event of a creation that did not happen. */
  const forget = (entry: OutboxEntry | undefined) => {
    if (!entry) return;
    outbox.remove(entry.id);
    outbox.release(entry.id);
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
      size: object.size,
      eTag: object.eTag,
      ...(entry.versionId ? { versionId: entry.versionId } : {}),
    });
  /** Queues a creation behind the key's earlier ones when its bucket keeps versions. */
  const inCreationOrder = (bucket: string, key: string, create: () => Promise<void>) =>
    versioned.has(bucket) ? creations.run(`${bucket}/${key}`, create) : create();

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
    // s3rver ignores `versionId`: it would read, tag or delete the newest bytes instead.
    const address = objectAddress(url);
    const versionId = url.searchParams.get('versionId');
    if (address && versionId !== null) {
      if (isPlainRead(req.method ?? '', url)) return serveVersion(req, res, url, address, versionId);
      if (url.searchParams.has('tagging')) return tagNewestVersion(req, res, url, address, versionId);
      return sendError(
        res,
        501,
        'NotImplemented',
        `${req.method} of an object version is not emulated locally.`,
      );
    }
    if (/[?&]versionId=/.test(String(req.headers['x-amz-copy-source'] ?? '')))
      return sendError(
        res,
        501,
        'NotImplemented',
        'Copying a chosen object version is not emulated locally.',
      );
    await proxy(req, res, url);
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
    const { key, contentType } = verdict;
    await inCreationOrder(bucket, key, () =>
      storeFormUpload(req, res, { bucket, key, contentType, fields: form.fields, body }),
    );
  };

  /** Stores a checked form upload; its event is kept first, so whatever is stored is reported, at least once. */
  const storeFormUpload = async (
    req: IncomingMessage,
    res: ServerResponse,
    upload: {
      bucket: string;
      key: string;
      contentType: string;
      fields: Record<string, string>;
      body: Buffer;
    },
  ) => {
    const objectPath = pathOf(upload.bucket, upload.key);
    const entry = outbox.add({
      eventName: 'ObjectCreated:Post',
      bucket: upload.bucket,
      key: upload.key,
      sourceIp: remoteIp(req),
      eventTime: now().toISOString(),
      ...(versioned.has(upload.bucket) ? { versionId: newVersionId() } : {}),
    });
    const stored = await fetch(`${storageUrl}${objectPath}`, {
      method: 'PUT',
      headers: { ...objectHeaders(upload.fields), 'content-type': upload.contentType },
      body: upload.body,
    }).catch((error: unknown) => error as Error);
    if (stored instanceof Error || !stored.ok) {
      forget(entry);
      const why = stored instanceof Error ? stored.message : `status ${stored.status}`;
      return sendError(res, 500, 'InternalError', `storing the object failed with ${why}`);
    }
    await stored.arrayBuffer();
    let object = { size: upload.body.length, eTag: unquote(stored.headers.get('etag') ?? '') };
    if (entry.versionId) {
      const version = await keepVersion(upload.bucket, upload.key, entry.versionId).catch(
        (error: unknown) => error as Error,
      );
      if (version instanceof Error) return versionNotKept(res, entry, version);
      object = version;
    }
    report(entry, recordOf(entry, object));
    answerUpload(res, upload.fields, {
      bucket: upload.bucket,
      key: upload.key,
      eTag: object.eTag,
      location: `${frontUrl}${objectPath}`,
      versionId: entry.versionId,
    });
  };

  /** Every other request goes to s3rver unchanged; a successful object creation is reported. */
  const proxy = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const creation = objectCreation(req.method ?? 'GET', url, req.headers);
    if (creation && versioned.has(creation.bucket)) {
      return inCreationOrder(creation.bucket, creation.key, () => createVersion(req, res, creation));
    }
    const entry =
      creation && outbox.add({ ...creation, sourceIp: remoteIp(req), eventTime: now().toISOString() });
    const answer = await forward(req).catch((error: unknown) => error as Error);
    if (answer instanceof Error) return storageFailed(res, entry, answer);
    const status = answer.statusCode ?? 502;
    res.writeHead(status, { ...answer.headers, ...readVersionHeader(req, url, status) });
    answer.on('error', () => {
      // Cut off: whether the object landed is for deliverPending to find out.
      if (entry) outbox.release(entry.id);
      res.destroy();
    });
    answer.pipe(res);
    answer.on('end', () => {
      if (!entry) return;
      if (status < 200 || status >= 300) return forget(entry);
      describeObject(url.pathname).then(
        (object) => {
          if (object) report(entry, recordOf(entry, object));
          else forget(entry);
        },
        (error: unknown) => {
          // Left in the outbox: deliverPending tries again.
          outbox.release(entry.id);
          log(`local S3: reading ${entry.key} after ${entry.eventName}: ${messageOf(error)}`);
        },
      );
    });
  };

  /**
   * A creation in a versioned bucket, its key's earlier creations done: stored by s3rver, then copied
   * into the version store under the id its event was kept with, then answered with that id.
   */
  const createVersion = async (req: IncomingMessage, res: ServerResponse, creation: ObjectCreation) => {
    const entry = outbox.add({
      ...creation,
      versionId: newVersionId(),
      sourceIp: remoteIp(req),
      eventTime: now().toISOString(),
    });
    const answer = await forward(req).catch((error: unknown) => error as Error);
    if (answer instanceof Error) return storageFailed(res, entry, answer);
    const status = answer.statusCode ?? 502;
    const body = await readAll(answer);
    if (status < 200 || status >= 300) {
      forget(entry);
      res.writeHead(status, answer.headers);
      res.end(body);
      return;
    }
    const version = await keepVersion(creation.bucket, creation.key, String(entry.versionId)).catch(
      (error: unknown) => error as Error,
    );
    if (version instanceof Error) return versionNotKept(res, entry, version);
    report(entry, recordOf(entry, version));
    res.writeHead(status, { ...answer.headers, 'x-amz-version-id': version.versionId });
    res.end(body);
  };

  /** GET or HEAD of one version, answered from the version store: s3rver checks nothing here, so this does. */
  const serveVersion = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    { bucket, key }: ObjectAddress,
    versionId: string,
  ) => {
    const refuse = (status: number, code: string, message: string, details: Record<string, string> = {}) =>
      req.method === 'HEAD' ? sendHeadError(res, status) : sendError(res, status, code, message, details);
    const signature = verifyRequestSignature(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
      options,
      now(),
    );
    if (!signature.ok) return refuse(signature.status, signature.code, signature.message);
    if (!isWellFormedVersionId(versionId)) {
      return refuse(400, 'InvalidArgument', 'Invalid version id specified', {
        ArgumentName: 'versionId',
        ArgumentValue: versionId,
      });
    }
    if (!BUCKET_NAME.test(bucket) || !(await storage.store.getBucket(bucket)))
      return refuse(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const version = versioned.has(bucket) ? versions.find(bucket, key, versionId) : undefined;
    if (version) {
      const range = requestedRange(req.headers.range, version.size);
      if (range === 'unsatisfiable') {
        return refuse(416, 'InvalidRange', 'The requested range is not satisfiable', {
          RangeRequested: String(req.headers.range),
          ActualObjectSize: String(version.size),
        });
      }
      res.writeHead(range ? 206 : 200, versionResponseHeaders(version, url.searchParams, range));
      if (req.method === 'HEAD') res.end();
      else await pipeline(versions.readBytes(version, range), res);
      return;
    }
    // The null version is the object as stored before versioning: while no version is recorded since.
    if (versionId === NULL_VERSION_ID && !(versioned.has(bucket) && versions.current(bucket, key)))
      return proxy(req, res, url);
    return refuse(404, 'NoSuchVersion', 'The specified version does not exist.', {
      Key: key,
      VersionId: versionId,
    });
  };

  /**
   * Tagging of one version (GetObjectTagging, PutObjectTagging, DeleteObjectTagging): s3rver holds only
   * the key's newest version, so only a request naming that one goes to it.
   */
  const tagNewestVersion = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    { bucket, key }: ObjectAddress,
    versionId: string,
  ) => {
    if (!isWellFormedVersionId(versionId)) {
      return sendError(res, 400, 'InvalidArgument', 'Invalid version id specified', {
        ArgumentName: 'versionId',
        ArgumentValue: versionId,
      });
    }
    const newest = versioned.has(bucket) ? versions.current(bucket, key) : undefined;
    if ((newest?.versionId ?? NULL_VERSION_ID) === versionId) return proxy(req, res, url);
    if (versioned.has(bucket) && versions.find(bucket, key, versionId)) {
      return sendError(
        res,
        501,
        'NotImplemented',
        'Tagging a version older than the newest is not emulated locally.',
      );
    }
    return sendError(res, 404, 'NoSuchVersion', 'The specified version does not exist.', {
      Key: key,
      VersionId: versionId,
    });
  };

  /** S3 answers a read of a versioned bucket's object with the version read (`null`: stored before versioning). */
  const readVersionHeader = (req: IncomingMessage, url: URL, status: number): Record<string, string> => {
    const address = objectAddress(url);
    if (!address || !versioned.has(address.bucket) || status >= 300 || !isPlainRead(req.method ?? '', url))
      return {};
    return {
      'x-amz-version-id': versions.current(address.bucket, address.key)?.versionId ?? NULL_VERSION_ID,
    };
  };

  /** Sends a request on to s3rver as it came; resolves with the answer, its body not read yet. */
  const forward = (req: IncomingMessage) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: storageAddress.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: storageHost },
          agent,
        },
        resolve,
      );
      upstream.on('error', reject);
      // A client gone mid-upload ends the upstream request too, or its key's next creation would wait for it.
      req.on('close', () => {
        if (!req.complete) upstream.destroy(new Error('the client closed the request'));
      });
      req.pipe(upstream);
    });

  const storageFailed = (res: ServerResponse, entry: OutboxEntry | undefined, error: Error) => {
    forget(entry);
    log(`local S3: storage request failed: ${error.message}`);
    if (!res.headersSent) sendError(res, 502, 'InternalError', 'The local storage did not answer.');
    else res.destroy();
  };

  /** The object s3rver holds for a key, as a version with the given id; its bytes as stored, not decoded. */
  const readStoredVersion = async (bucket: string, key: string, versionId: string) => {
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const get = request(
        {
          host: '127.0.0.1',
          port: storageAddress.port,
          path: pathOf(bucket, key),
          headers: { host: storageHost },
          agent,
        },
        resolve,
      );
      get.on('error', reject);
      get.end();
    });
    const bytes = await readAll(answer);
    if (answer.statusCode === 404) return undefined;
    if (answer.statusCode !== 200) throw new Error(`the local storage answered ${answer.statusCode}`);
    return {
      version: objectVersion({ bucket, key, versionId, size: bytes.length, headers: answer.headers }),
      bytes,
    };
  };

  /** Copies what s3rver just stored for a key into the version store, as the version its creation made. */
  const keepVersion = async (bucket: string, key: string, versionId: string): Promise<ObjectVersion> => {
    const stored = await readStoredVersion(bucket, key, versionId);
    if (!stored) throw new Error(`${key} was gone right after it was stored`);
    versions.record(stored.version, stored.bytes);
    return stored.version;
  };

  /** Stored but not kept as a version: the event stays for deliverPending, which keeps the version then. */
  const versionNotKept = (res: ServerResponse, entry: OutboxEntry, error: Error) => {
    outbox.release(entry.id);
    log(`local S3: keeping version ${entry.versionId} of ${entry.key} failed: ${error.message}`);
    sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
  };

  /**
   * The version a pending event names. One a kill left unkept (stored by s3rver, not yet copied) is kept
   * now from the stored object, unless that is still the key's newest version: the creation never landed.
   */
  const pendingVersion = async (entry: OutboxEntry, versionId: string) => {
    const kept = versions.find(entry.bucket, entry.key, versionId);
    if (kept) return kept;
    const stored = await readStoredVersion(entry.bucket, entry.key, versionId);
    if (!stored) return undefined;
    const newest = versions.current(entry.bucket, entry.key);
    if (newest && sameStoredObject(newest, stored.version)) return undefined;
    versions.record(stored.version, stored.bytes);
    return stored.version;
  };

  const deliverPending = async () => {
    let delivered = 0;
    for (const entry of outbox.claimAll()) {
      const object = await (entry.versionId
        ? pendingVersion(entry, entry.versionId)
        : describeObject(pathOf(entry.bucket, entry.key))
      ).catch((error: unknown) => error as Error);
      if (object instanceof Error) {
        outbox.release(entry.id);
        log(`local S3: reading ${entry.key} for a pending ${entry.eventName}: ${object.message}`);
        continue;
      }
      if (!object) {
        // The request was cut off before the object was stored: there is nothing to report.
        forget(entry);
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

/** Query parameters that do not change what a request does (the SDK's `x-id`, presigning parameters). */
const isNeutralParameter = (name: string) => name === 'x-id' || name.toLowerCase().startsWith('x-amz-');

interface ObjectAddress {
  readonly bucket: string;
  readonly key: string;
}

/** The bucket and key of a path-style object URL (`/<bucket>/<key>`). */
function objectAddress(url: URL): ObjectAddress | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!match?.[1] || !match[2]) return undefined;
  return { bucket: decodeURIComponent(match[1]), key: decodeURIComponent(match[2]) };
}

/** The path-style path of an object. */
function pathOf(bucket: string, key: string): string {
  return `/${encodeURIComponent(bucket)}/${encodeKey(key)}`;
}

interface ObjectCreation extends ObjectAddress {
  readonly eventName: ObjectCreatedEvent;
}

/** Whether a proxied request creates an object when it succeeds (PutObject, CopyObject, multipart end). */
function objectCreation(
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
): ObjectCreation | undefined {
  const address = objectAddress(url);
  if (!address) return undefined;
  const { bucket, key } = address;
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

/** GetObject or HeadObject of the object itself (not of a sub-resource such as its tagging). */
function isPlainRead(method: string, url: URL): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    [...url.searchParams.keys()].every(
      (name) => isNeutralParameter(name) || name.startsWith('response-') || name === 'versionId',
    )
  );
}

/** Signed by header or by presigned-URL parameters (SigV4 or V2); s3rver checks the access key. */
function carriesSignature(req: IncomingMessage, url: URL): boolean {
  return (
    req.headers.authorization !== undefined ||
    url.searchParams.has('X-Amz-Signature') ||
    url.searchParams.has('Signature')
  );
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

/** A key in a path-style URL: each segment percent-encoded, '/' kept. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function unquote(eTag: string): string {
  return eTag.replace(/^"|"$/g, '');
}

function remoteIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
