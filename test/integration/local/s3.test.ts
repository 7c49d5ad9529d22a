import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { type LocalS3, type S3EventRecord, startLocalS3 } from '../../../infra/local/services/s3.js';

const workDir = mkdtempSync(join(tmpdir(), 'local-s3-'));
const bucket = 'deliverables';
const prefix = 'uploads/P-7/MIDTERM_REPORT/';
const maxBytes = 2048;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(600, 0x41), Buffer.from('\n%%EOF\n')]);

const events: S3EventRecord[] = [];
let clockOffsetMs = 0;
let s3: LocalS3 | undefined;
let client: S3Client;

const start = () =>
  startLocalS3({
    dataDir: workDir,
    buckets: [bucket],
    credentials: LOCAL_CREDENTIALS,
    region: LOCAL_REGION,
    onObjectCreated: async (records) => {
      events.push(...records);
    },
    log: () => {},
    now: () => new Date(Date.now() + clockOffsetMs),
  });

function started(): LocalS3 {
  if (!s3) throw new Error('local S3 did not start');
  return s3;
}

async function presign(key = `${prefix}report.pdf`) {
  return createPresignedPost(client, {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['starts-with', '$key', prefix],
      ['content-length-range', 1, maxBytes],
      ['starts-with', '$Content-Type', 'application/pdf'],
    ],
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: 900,
  });
}

/** Posts the form as a browser does: the fields, then the file, multipart/form-data. */
async function postForm(url: string, fields: Record<string, string>, file: Buffer, fileName = 'report.pdf') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file], { type: 'application/pdf' }), fileName);
  return fetch(url, { method: 'POST', body: form });
}

async function keysIn(bucketName: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucketName }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

beforeAll(async () => {
  s3 = await start();
  client = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: s3.url,
    forcePathStyle: true,
  });
});

afterAll(async () => {
  client.destroy();
  await s3?.close();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  clockOffsetMs = 0;
});

describe('the local S3 front server', () => {
  it('stores a PDF uploaded with a real presigned POST and reports ObjectCreated:Post with key and size', async () => {
    const post = await presign();
    expect(post.url).toBe(`${started().url}/${bucket}`);
    const response = await postForm(post.url, post.fields, pdf);
    expect(response.status).toBe(204);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    await vi.waitFor(() => expect(events.map((e) => e.s3.object.key)).toContain(`${prefix}report.pdf`));
    const record = events.find((e) => e.s3.object.key === `${prefix}report.pdf`);
    expect(record).toMatchObject({
      eventSource: 'aws:s3',
      awsRegion: LOCAL_REGION,
      eventName: 'ObjectCreated:Post',
      s3: {
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { size: pdf.length, eTag: response.headers.get('etag')?.replaceAll('"', '') },
      },
    });
    expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
  });

  it('serves the uploaded bytes and content type through GetObject on the front url', async () => {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}report.pdf` }));
    expect(object.ContentType).toBe('application/pdf');
    expect(Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(pdf);
  });

  it('answers 201 with the PostResponse XML when success_action_status asks for it', async () => {
    const post = await createPresignedPost(client, {
      Bucket: bucket,
      Key: `${prefix}receipt.pdf`,
      Conditions: [['content-length-range', 1, maxBytes]],
      Fields: { success_action_status: '201' },
    });
    const response = await postForm(post.url, post.fields, pdf);
    expect(response.status).toBe(201);
    expect(await response.text()).toContain(`<Key>${prefix}receipt.pdf</Key>`);
  });

  describe('refuses what S3 would refuse, storing nothing and reporting nothing', () => {
    const refusals: [string, () => Promise<Response>, number, string][] = [
      [
        'a file larger than the content-length-range',
        async () => {
          const post = await presign(`${prefix}large.pdf`);
          return postForm(post.url, post.fields, Buffer.alloc(maxBytes + 1, 0x25));
        },
        400,
        'EntityTooLarge',
      ],
      [
        'a wrong content type',
        async () => {
          const post = await presign(`${prefix}page.html`);
          return postForm(post.url, { ...post.fields, 'Content-Type': 'text/html' }, pdf);
        },
        403,
        'AccessDenied',
      ],
      [
        'a key outside the purchase prefix',
        async () => {
          const post = await presign(`${prefix}\${filename}`);
          return postForm(post.url, { ...post.fields, key: 'uploads/P-8/MIDTERM_REPORT/x.pdf' }, pdf);
        },
        403,
        'AccessDenied',
      ],
      [
        'an expired policy',
        async () => {
          const post = await presign(`${prefix}late.pdf`);
          clockOffsetMs = 16 * 60 * 1000;
          return postForm(post.url, post.fields, pdf);
        },
        403,
        'AccessDenied',
      ],
      [
        'a tampered signature',
        async () => {
          const post = await presign(`${prefix}forged.pdf`);
          const signature = String(post.fields['X-Amz-Signature']);
          const forged = `${signature.startsWith('a') ? 'b' : 'a'}${signature.slice(1)}`;
          return postForm(post.url, { ...post.fields, 'X-Amz-Signature': forged }, pdf);
        },
        403,
        'SignatureDoesNotMatch',
      ],
      [
        'an extra form field',
        async () => {
          const post = await presign(`${prefix}extra.pdf`);
          return postForm(post.url, { ...post.fields, 'x-amz-meta-owner': 'me' }, pdf);
        },
        403,
        'AccessDenied',
      ],
    ];

    it.each(refusals)('%s', async (_what, upload, status, code) => {
      const before = { events: events.length, keys: await keysIn(bucket) };
      const response = await upload();
      expect(response.status).toBe(status);
      expect(await response.text()).toContain(`<Code>${code}</Code>`);
      expect(await keysIn(bucket)).toEqual(before.keys);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(events.length).toBe(before.events);
    });
  });

  it('refuses an unsigned PUT or GET, a non-form POST, and a form POST with an extra query string is still checked', async () => {
    const objectUrl = `${started().url}/${bucket}/${prefix}anonymous.pdf`;
    const put = await fetch(objectUrl, { method: 'PUT', body: pdf });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>AccessDenied</Code>');
    expect((await fetch(`${started().url}/${bucket}/${prefix}report.pdf`)).status).toBe(403);

    const plain = await fetch(`${started().url}/${bucket}`, { method: 'POST', body: 'key=x' });
    expect(plain.status).toBe(412);

    const post = await presign(`${prefix}query.pdf`);
    const detour = await postForm(
      `${post.url}?x-id=PutObject`,
      { ...post.fields, 'Content-Type': 'text/html' },
      pdf,
    );
    expect(detour.status).toBe(403);
    expect(await keysIn(bucket)).not.toContain(`${prefix}anonymous.pdf`);
    expect(await keysIn(bucket)).not.toContain(`${prefix}query.pdf`);
  });

  it('refuses a form without exactly one file, and a body that is not multipart, with 400', async () => {
    const post = await presign(`${prefix}nofile.pdf`);
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    const noFile = await fetch(post.url, { method: 'POST', body: form });
    expect(noFile.status).toBe(400);
    expect(await noFile.text()).toContain('<Code>InvalidArgument</Code>');

    const broken = await fetch(post.url, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: 'not a multipart body',
    });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('<Code>MalformedPOSTRequest</Code>');
  });

  it('refuses a body larger than the front server accepts without reading it all', async () => {
    const post = await presign(`${prefix}huge.pdf`);
    const response = await postForm(post.url, post.fields, Buffer.alloc(65 * 1024 * 1024, 1)).catch(
      (error: unknown) => error,
    );
    // Either S3's 400 or a connection closed early; never a stored object.
    if (response instanceof Response) expect(response.status).toBe(400);
    expect(await keysIn(bucket)).not.toContain(`${prefix}huge.pdf`);
  });

  it('reports PutObject and CopyObject made through the SDK, with the key form-encoded like S3', async () => {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'exports/ocds record.json', Body: '{"ocid":"x"}' }),
    );
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'exports/copy.json',
        CopySource: `${bucket}/exports/ocds record.json`,
      }),
    );
    await vi.waitFor(() => {
      expect(events.find((e) => e.eventName === 'ObjectCreated:Put')?.s3.object).toMatchObject({
        key: 'exports/ocds+record.json',
        size: 12,
      });
      expect(events.find((e) => e.eventName === 'ObjectCreated:Copy')?.s3.object).toMatchObject({
        key: 'exports/copy.json',
        size: 12,
      });
    });
  });

  it('does not report reads, tagging or a failed write as created objects', async () => {
    const before = events.length;
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}report.pdf` }));
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'a.txt', Body: 'x' })),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.length).toBe(before);
  });

  it('delivers a record again on request, as S3 may deliver an event twice', async () => {
    const first = events[0];
    if (!first) throw new Error('no event yet');
    const before = events.length;
    await started().deliver(first);
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toEqual(first);
  });

  it('keeps the objects across a restart on the same data folder', async () => {
    await started().close();
    s3 = await start();
    client.destroy();
    client = new S3Client({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: s3.url,
      forcePathStyle: true,
    });
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}report.pdf` }));
    expect(Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(pdf);
  });
});
