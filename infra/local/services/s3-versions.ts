import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, type ReadStream, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';

/**
 * Object versions of the versioned buckets, for the local S3: s3rver keeps only the newest bytes of a
 * key, so each object created in a versioned bucket is also copied here, with its metadata, under a
 * new version id. A key's versions live in `<directory>/<bucket>/<SHA-256 of the key>/`: `<id>.bytes`,
 * `<id>.json` and `current.json` naming the newest. Version files are written durably and never
 * changed, so a version reads the same after any restart.
 */

export interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  /** Without quotes, as event records carry it. */
  readonly eTag: string;
  /** An HTTP date, as GET answers it. */
  readonly lastModified: string;
  /** The headers S3 keeps with the object and answers with it: content type, x-amz-meta-*, ... */
  readonly headers: Readonly<Record<string, string>>;
}

/** S3's id of the one version a key has from before versioning; never an id made here. */
export const NULL_VERSION_ID = 'null';

/** Opaque and URL-safe, 32 characters long, as S3's version ids are. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** Whether an id is one this S3 could have issued; S3 refuses others with 400 InvalidArgument. */
export function isWellFormedVersionId(versionId: string): boolean {
  return versionId === NULL_VERSION_ID || /^[A-Za-z0-9_-]{32}$/.test(versionId);
}

/** Headers S3 stores with an object (s3rver answers them on GET). */
const STORED_HEADERS = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
]);

/** The version of an object as s3rver answered a GET of it. */
export function objectVersion(input: {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly headers: IncomingHttpHeaders;
}): ObjectVersion {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (typeof value === 'string' && (STORED_HEADERS.has(name) || name.startsWith('x-amz-meta-')))
      headers[name] = value;
  }
  return {
    bucket: input.bucket,
    key: input.key,
    versionId: input.versionId,
    size: input.size,
    eTag: String(input.headers.etag ?? '').replace(/^"|"$/g, ''),
    lastModified: String(input.headers['last-modified'] ?? new Date().toUTCString()),
    headers,
  };
}

/** Whether two versions hold the same stored object (a creation that never landed changed nothing). */
export function sameStoredObject(a: ObjectVersion, b: ObjectVersion): boolean {
  return a.eTag === b.eTag && a.size === b.size && a.lastModified === b.lastModified;
}

/** Query parameters of a signed GET that set its response headers, as S3 allows them. */
const RESPONSE_OVERRIDES = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
];

/** Inclusive byte positions of a range read. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The one range a `Range` header asks for (S3 serves a single range), `unsatisfiable` when it starts
 * past the end (416), undefined when there is none or it is not one S3 reads (the whole object).
 */
export function requestedRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0
      ? 'unsatisfiable'
      : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start <= end ? { start, end } : undefined;
}

/** The headers of a GET or HEAD of a version (or of a range of it), with the request's `response-*` overrides. */
export function versionResponseHeaders(
  version: ObjectVersion,
  query: URLSearchParams,
  range?: ByteRange,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...version.headers,
    'content-length': String(range ? range.end - range.start + 1 : version.size),
    ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${version.size}` } : {}),
    etag: `"${version.eTag}"`,
    'last-modified': version.lastModified,
    'accept-ranges': 'bytes',
    'x-amz-version-id': version.versionId,
  };
  for (const name of RESPONSE_OVERRIDES) {
    const value = query.get(`response-${name}`);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

const CURRENT = 'current.json';

export class VersionStore {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** Keeps a version's bytes and metadata, then makes it the key's newest. */
  record(version: ObjectVersion, bytes: Uint8Array): void {
    const folder = this.folderOf(version.bucket, version.key);
    mkdirSync(folder, { recursive: true });
    writeFileDurably(join(folder, `${version.versionId}.bytes`), bytes);
    writeFileDurably(join(folder, `${version.versionId}.json`), JSON.stringify(version));
    writeFileDurably(join(folder, CURRENT), JSON.stringify({ versionId: version.versionId }));
  }

  find(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    if (versionId === NULL_VERSION_ID || !isWellFormedVersionId(versionId)) return undefined;
    const file = join(this.folderOf(bucket, key), `${versionId}.json`);
    if (!existsSync(file)) return undefined;
    const version = JSON.parse(readFileSync(file, 'utf8')) as ObjectVersion;
    return version.bucket === bucket && version.key === key ? version : undefined;
  }

  /** The key's newest recorded version, if it has any. */
  current(bucket: string, key: string): ObjectVersion | undefined {
    const file = join(this.folderOf(bucket, key), CURRENT);
    if (!existsSync(file)) return undefined;
    const { versionId } = JSON.parse(readFileSync(file, 'utf8')) as { versionId: string };
    return this.find(bucket, key, versionId);
  }

  readBytes(version: ObjectVersion, range?: ByteRange): ReadStream {
    return createReadStream(
      join(this.folderOf(version.bucket, version.key), `${version.versionId}.bytes`),
      range,
    );
  }

  /** Keys may hold any character and be 1024 bytes long: the folder is named by their hash. */
  private folderOf(bucket: string, key: string): string {
    return join(this.directory, bucket, createHash('sha256').update(key, 'utf8').digest('hex'));
  }
}

/** Runs the tasks given for one name one at a time, in arrival order (tasks of other names run freely). */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(name) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }
}
