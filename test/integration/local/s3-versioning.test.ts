import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { type LocalS3, type S3EventRecord, startLocalS3 } from '../../../infra/local/services/s3.js';

/**
 * The documents bucket is versioned on AWS and the product pins every read to the version it checked:
 * locally, a versioned bucket keeps every version of an object, names it in `x-amz-version-id` and in
 * the ObjectCreated event, and serves it by `versionId` after the key was overwritten and restarted.
 */

const workDir = mkdtempSync(join(tmpdir(), 'local-s3-versions-'));
const documents = 'documents';
const exportsBucket = 'exports';
const key = 'uploads/P-3/SIGNED_CONTRACT/contract.pdf';
const firstPdf = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.alloc(400, 0x41),
  Buffer.from('\n%%EOF\n'),
]);
const secondPdf = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.alloc(700, 0x42),
  Buffer.from('\n%%EOF\n'),
]);
const VERSION_ID = /^[A-Za-z0-9_-]{32}$/;

const events: S3EventRecord[] = [];
let clockOffsetMs = 0;
let s3: LocalS3 | undefined;
let client: S3Client;
/** The two versions of `key`: the first posted with a presigned POST, the second put through the SDK. */
const versionIds = { first: '', second: '' };

function start(versionedBuckets: string[] = [documents]) {
  return startLocalS3({
    dataDir: workDir,
    buckets: [documents, exportsBucket],
    versionedBuckets,
    credentials: LOCAL_CREDENTIALS,
    region: LOCAL_REGION,
    onObjectCreated: async (records) => {
      events.push(...records);
    },
    log: () => {},
    now: () => new Date(Date.now() + clockOffsetMs),
  });
}

function started(): LocalS3 {
  if (!s3) throw new Error('local S3 did not start');
  return s3;
}

async function restart(versionedBuckets?: string[]): Promise<void> {
  await started().close();
  s3 = await start(versionedBuckets);
  client.destroy();
  client = clientFor(s3);
}

const clientFor = (running: LocalS3) =>
  new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: running.url,
    forcePathStyle: true,
  });

async function postDocument(body: Buffer): Promise<Response> {
  const post = await createPresignedPost(client, {
    Bucket: documents,
    Key: key,
    Conditions: [['content-length-range', 1, 4096]],
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: 900,
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  form.append('file', new Blob([body], { type: 'application/pdf' }), 'contract.pdf');
  return fetch(post.url, { method: 'POST', body: form });
}

async function bytesOf(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  return Buffer.from((await body?.transformToByteArray()) ?? new Uint8Array());
}

/** A presigned GET of one version that asks for download headers, as the product hands out. */
function presignedVersionUrl(versionId: string, bucket = documents): Promise<string> {
  return getSignedUrl(
    client,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      VersionId: versionId,
      ResponseContentDisposition: 'attachment; filename="a.pdf"',
      ResponseContentType: 'application/pdf',
    }),
    { expiresIn: 300 },
  );
}

const recordsOf = (bucket: string, objectKey: string) =>
  events.filter((e) => e.s3.bucket.name === bucket && e.s3.object.key === objectKey);

beforeAll(async () => {
  s3 = await start();
  client = clientFor(s3);
  const posted = await postDocument(firstPdf);
  expect(posted.status).toBe(204);
  versionIds.first = String(posted.headers.get('x-amz-version-id'));
  const put = await client.send(
    new PutObjectCommand({
      Bucket: documents,
      Key: key,
      Body: secondPdf,
      ContentType: 'application/pdf',
      Metadata: { checked: 'no' },
    }),
  );
  versionIds.second = String(put.VersionId);
});

afterAll(async () => {
  client.destroy();
  await s3?.close();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  clockOffsetMs = 0;
});

describe('the local S3 keeps every version of an object in a versioned bucket', () => {
  it('gives two uploads to one key (presigned POST, then PutObject) two version ids, answered in x-amz-version-id', () => {
    expect(versionIds.first).toMatch(VERSION_ID);
    expect(versionIds.second).toMatch(VERSION_ID);
    expect(versionIds.second).not.toBe(versionIds.first);
  });

  it("carries each creation's version id in its ObjectCreated record", async () => {
    await vi.waitFor(() => expect(recordsOf(documents, key)).toHaveLength(2));
    expect(
      recordsOf(documents, key).map((r) => [r.eventName, r.s3.object.versionId, r.s3.object.size]),
    ).toEqual([
      ['ObjectCreated:Post', versionIds.first, firstPdf.length],
      ['ObjectCreated:Put', versionIds.second, secondPdf.length],
    ]);
  });

  it("returns each version's own bytes, content type, metadata and id through GetObject with VersionId", async () => {
    const first = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: key, VersionId: versionIds.first }),
    );
    expect(await bytesOf(first.Body)).toEqual(firstPdf);
    expect(first).toMatchObject({
      VersionId: versionIds.first,
      ContentType: 'application/pdf',
      Metadata: {},
    });

    const second = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: key, VersionId: versionIds.second }),
    );
    expect(await bytesOf(second.Body)).toEqual(secondPdf);
    expect(second).toMatchObject({
      VersionId: versionIds.second,
      ContentType: 'application/pdf',
      ContentLength: secondPdf.length,
      Metadata: { checked: 'no' },
    });
    expect(second.ETag).not.toBe(first.ETag);
  });

  it("returns each version's bytes through a presigned GET, with the content disposition and type it was signed with", async () => {
    for (const [versionId, pdf] of [
      [versionIds.first, firstPdf],
      [versionIds.second, secondPdf],
    ] as const) {
      const url = await presignedVersionUrl(versionId);
      expect(new URL(url).searchParams.get('versionId')).toBe(versionId);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amz-version-id')).toBe(versionId);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="a.pdf"');
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(pdf);
    }
  });

  it("answers HeadObject with VersionId with that version's size, ETag and id", async () => {
    const head = await client.send(
      new HeadObjectCommand({ Bucket: documents, Key: key, VersionId: versionIds.first }),
    );
    expect(head).toMatchObject({ VersionId: versionIds.first, ContentLength: firstPdf.length });
    const record = recordsOf(documents, key).find((r) => r.s3.object.versionId === versionIds.first);
    expect(head.ETag).toBe(`"${record?.s3.object.eTag}"`);
  });

  it('returns the newest version for a GET without versionId, and names it in x-amz-version-id', async () => {
    const newest = await client.send(new GetObjectCommand({ Bucket: documents, Key: key }));
    expect(await bytesOf(newest.Body)).toEqual(secondPdf);
    expect(newest.VersionId).toBe(versionIds.second);
    const head = await client.send(new HeadObjectCommand({ Bucket: documents, Key: key }));
    expect(head.VersionId).toBe(versionIds.second);
  });

  it('gives CopyObject and CompleteMultipartUpload their own versions, reported with their ids', async () => {
    const copyKey = 'uploads/P-3/SIGNED_CONTRACT/copy.pdf';
    const copied = await client.send(
      new CopyObjectCommand({ Bucket: documents, Key: copyKey, CopySource: `${documents}/${key}` }),
    );
    expect(copied.VersionId).toMatch(VERSION_ID);

    const partsKey = 'uploads/P-3/SIGNED_CONTRACT/parts.pdf';
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: documents, Key: partsKey }),
    );
    const part = await client.send(
      new UploadPartCommand({ Bucket: documents, Key: partsKey, UploadId, PartNumber: 1, Body: firstPdf }),
    );
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: documents,
        Key: partsKey,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(completed.VersionId).toMatch(VERSION_ID);

    await vi.waitFor(() => {
      expect(recordsOf(documents, copyKey).map((r) => r.s3.object.versionId)).toEqual([copied.VersionId]);
      expect(recordsOf(documents, partsKey).map((r) => r.s3.object.versionId)).toEqual([completed.VersionId]);
    });
    const copy = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: copyKey, VersionId: copied.VersionId }),
    );
    expect(await bytesOf(copy.Body)).toEqual(secondPdf);
    const parts = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: partsKey, VersionId: completed.VersionId }),
    );
    expect(await bytesOf(parts.Body)).toEqual(firstPdf);
  });

  it("answers an unknown version 404 NoSuchVersion and a malformed one 400 InvalidArgument, with S3's XML", async () => {
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await expect(
      client.send(new GetObjectCommand({ Bucket: documents, Key: key, VersionId: unknown })),
    ).rejects.toMatchObject({ name: 'NoSuchVersion', $metadata: { httpStatusCode: 404 } });
    const missing = await fetch(await presignedVersionUrl(unknown));
    expect(missing.status).toBe(404);
    const xml = await missing.text();
    expect(xml).toContain('<Code>NoSuchVersion</Code>');
    expect(xml).toContain(`<Key>${key}</Key><VersionId>${unknown}</VersionId>`);

    await expect(
      client.send(new GetObjectCommand({ Bucket: documents, Key: key, VersionId: 'not-a-version' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    await expect(
      client.send(new HeadObjectCommand({ Bucket: documents, Key: key, VersionId: unknown })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a version URL whose signature was tampered with or whose time is up, as S3 does', async () => {
    const url = new URL(await presignedVersionUrl(versionIds.first));
    const signature = String(url.searchParams.get('X-Amz-Signature'));
    url.searchParams.set('X-Amz-Signature', `${signature.startsWith('a') ? 'b' : 'a'}${signature.slice(1)}`);
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const other = new URL(await presignedVersionUrl(versionIds.first));
    other.searchParams.set('versionId', versionIds.second);
    const swapped = await fetch(other);
    expect(swapped.status).toBe(403);
    expect(await swapped.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const late = await presignedVersionUrl(versionIds.first);
    clockOffsetMs = 301 * 1000;
    const expired = await fetch(late);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Message>Request has expired</Message>');
  });

  it("reads a byte range of each version (how the upload check reads a file's head), and refuses one past the end", async () => {
    for (const [versionId, filler] of [
      [versionIds.first, 'AAAA'],
      [versionIds.second, 'BBBB'],
    ] as const) {
      const head = await client.send(
        new GetObjectCommand({ Bucket: documents, Key: key, VersionId: versionId, Range: 'bytes=9-12' }),
      );
      expect(head.$metadata.httpStatusCode).toBe(206);
      expect(head.ContentRange).toMatch(/^bytes 9-12\/\d+$/);
      expect((await bytesOf(head.Body)).toString()).toBe(filler);
    }
    await expect(
      client.send(
        new GetObjectCommand({
          Bucket: documents,
          Key: key,
          VersionId: versionIds.first,
          Range: 'bytes=5000-',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
  });

  it('tags the newest version, and refuses to tag an older one (not emulated) rather than tag the newest bytes', async () => {
    const quarantine = { TagSet: [{ Key: 'quarantine', Value: 'true' }] };
    await client.send(
      new PutObjectTaggingCommand({
        Bucket: documents,
        Key: key,
        VersionId: versionIds.second,
        Tagging: quarantine,
      }),
    );
    const tags = await client.send(
      new GetObjectTaggingCommand({ Bucket: documents, Key: key, VersionId: versionIds.second }),
    );
    expect(tags.TagSet).toEqual(quarantine.TagSet);
    await expect(
      client.send(
        new PutObjectTaggingCommand({
          Bucket: documents,
          Key: key,
          VersionId: versionIds.first,
          Tagging: quarantine,
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
  });

  it('still reads the overwritten version, with its headers, after a restart on the same data folder', async () => {
    await restart();
    const first = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: key, VersionId: versionIds.first }),
    );
    expect(await bytesOf(first.Body)).toEqual(firstPdf);
    expect(first).toMatchObject({ VersionId: versionIds.first, ContentType: 'application/pdf' });
    const newest = await client.send(new HeadObjectCommand({ Bucket: documents, Key: key }));
    expect(newest.VersionId).toBe(versionIds.second);
  });
});

describe('an unversioned bucket', () => {
  const exportKey = 'exports/P-3/open-data.json';

  it('answers and reports no version id, and serves plain reads as before', async () => {
    const put = await client.send(
      new PutObjectCommand({ Bucket: exportsBucket, Key: exportKey, Body: '{"v":1}' }),
    );
    expect(put.VersionId).toBeUndefined();
    await client.send(new PutObjectCommand({ Bucket: exportsBucket, Key: exportKey, Body: '{"v":2}' }));
    const object = await client.send(new GetObjectCommand({ Bucket: exportsBucket, Key: exportKey }));
    expect(await object.Body?.transformToString()).toBe('{"v":2}');
    expect(object.VersionId).toBeUndefined();
    await vi.waitFor(() => expect(recordsOf(exportsBucket, exportKey)).toHaveLength(2));
    expect(recordsOf(exportsBucket, exportKey).map((r) => r.s3.object.versionId)).toEqual([
      undefined,
      undefined,
    ]);
    expect(readdirSync(join(workDir, 's3-versions'))).toEqual([documents]);
  });

  it('answers a well-formed versionId NoSuchVersion, a malformed one InvalidArgument, and the null version with the object', async () => {
    await expect(
      client.send(
        new GetObjectCommand({ Bucket: exportsBucket, Key: exportKey, VersionId: versionIds.first }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchVersion', $metadata: { httpStatusCode: 404 } });
    await expect(
      client.send(new GetObjectCommand({ Bucket: exportsBucket, Key: exportKey, VersionId: 'v1' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    const nullVersion = await client.send(
      new GetObjectCommand({ Bucket: exportsBucket, Key: exportKey, VersionId: 'null' }),
    );
    expect(await nullVersion.Body?.transformToString()).toBe('{"v":2}');
  });
});

describe('a creation a kill interrupted', () => {
  const outbox = () => join(workDir, 's3-outbox');
  /** An outbox entry as a kill leaves it between storing the object and keeping its version. */
  const leaveEntry = (id: string, objectKey: string, versionId: string) => {
    mkdirSync(outbox(), { recursive: true });
    writeFileSync(
      join(outbox(), `${id}.json`),
      JSON.stringify({
        id,
        eventName: 'ObjectCreated:Put',
        bucket: documents,
        key: objectKey,
        sourceIp: '127.0.0.1',
        eventTime: new Date().toISOString(),
        versionId,
      }),
    );
  };

  it("keeps the stored object as the pending event's version, and drops an event whose object never landed", async () => {
    // Stored while the bucket kept no versions: what s3rver holds when a kill comes before the copy.
    const storedKey = 'uploads/P-4/SIGNED_CONTRACT/stored.pdf';
    await restart([]);
    await client.send(new PutObjectCommand({ Bucket: documents, Key: storedKey, Body: firstPdf }));
    await vi.waitFor(() => expect(recordsOf(documents, storedKey)).toHaveLength(1));
    await restart();

    const keptId = 'K'.repeat(32);
    leaveEntry('1-stored', storedKey, keptId);
    // The key's newest version is what s3rver holds: this creation never reached it.
    const lostId = 'L'.repeat(32);
    leaveEntry('2-never-landed', key, lostId);

    expect(await started().deliverPending()).toBe(1);
    expect(recordsOf(documents, storedKey).at(-1)?.s3.object).toMatchObject({
      versionId: keptId,
      size: firstPdf.length,
    });
    expect(events.some((e) => e.s3.object.versionId === lostId)).toBe(false);
    const kept = await client.send(
      new GetObjectCommand({ Bucket: documents, Key: storedKey, VersionId: keptId }),
    );
    expect(await bytesOf(kept.Body)).toEqual(firstPdf);
    await expect(
      client.send(new GetObjectCommand({ Bucket: documents, Key: key, VersionId: lostId })),
    ).rejects.toMatchObject({ name: 'NoSuchVersion' });
    expect(readdirSync(outbox()).filter((f) => f.endsWith('.json'))).toEqual([]);
  });
});
