import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { type LocalS3, type S3EventRecord, startLocalS3 } from '../../../infra/local/services/s3.js';

/**
 * S3 delivers ObjectCreated at least once: the local S3 keeps each event in an outbox in the data
 * folder from before the upload is answered until it is delivered, so neither a kill nor a failed
 * delivery loses it.
 */

const bucket = 'deliverables';
const key = 'uploads/P-9/SIGNED_CONTRACT/abc/contract.pdf';
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0x41), Buffer.from('\n%%EOF\n')]);

let dataDir: string;
let s3: LocalS3 | undefined;

const outboxFiles = () => readdirSync(join(dataDir, 's3-outbox')).filter((f) => f.endsWith('.json'));

function start(onObjectCreated: (records: S3EventRecord[]) => Promise<void>) {
  return startLocalS3({
    dataDir,
    buckets: [bucket],
    credentials: LOCAL_CREDENTIALS,
    region: LOCAL_REGION,
    onObjectCreated,
    log: () => {},
  });
}

async function upload(running: LocalS3): Promise<Response> {
  const client = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: running.url,
    forcePathStyle: true,
  });
  try {
    const post = await createPresignedPost(client, {
      Bucket: bucket,
      Key: key,
      Conditions: [['content-length-range', 1, 4096]],
      Fields: { 'Content-Type': 'application/pdf' },
      Expires: 900,
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'contract.pdf');
    return await fetch(post.url, { method: 'POST', body: form });
  } finally {
    client.destroy();
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-s3-outbox-'));
});
afterEach(async () => {
  await s3?.close();
  s3 = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local S3 event outbox', () => {
  it('keeps the event from before the upload is answered until its delivery is done, then removes it', async () => {
    let finish: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      finish = resolve;
    });
    s3 = await start(() => delivered);

    expect((await upload(s3)).status).toBe(204);
    // Answered while the delivery is still under way: the event is on disk.
    expect(outboxFiles()).toHaveLength(1);
    finish();
    await vi.waitFor(() => expect(outboxFiles()).toEqual([]));
  });

  it('a failed delivery stays in the outbox and deliverPending hands it over once', async () => {
    const records: S3EventRecord[] = [];
    let failing = true;
    s3 = await start(async (batch) => {
      if (failing) throw new Error('functions are not started yet');
      records.push(...batch);
    });
    expect((await upload(s3)).status).toBe(204);
    await vi.waitFor(() => expect(outboxFiles()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));

    failing = false;
    expect(await s3.deliverPending()).toBe(1);
    expect(await s3.deliverPending()).toBe(0);
    expect(records.map((r) => [r.eventName, r.s3.object.key, r.s3.object.size])).toEqual([
      ['ObjectCreated:Post', key, pdf.length],
    ]);
    expect(outboxFiles()).toEqual([]);
  });

  it('after a restart delivers an event a kill left behind, with the stored object, and drops one whose object never landed', async () => {
    // First run: the object is stored, the delivery never finishes (the process is killed).
    s3 = await start(() => new Promise<void>(() => {}));
    expect((await upload(s3)).status).toBe(204);
    const left = outboxFiles();
    expect(left).toHaveLength(1);
    // A second entry as a kill between keeping the event and storing its object leaves it.
    writeFileSync(
      join(dataDir, 's3-outbox', '0-never-stored.json'),
      JSON.stringify({
        id: '0-never-stored',
        eventName: 'ObjectCreated:Post',
        bucket,
        key: 'uploads/P-9/SIGNED_CONTRACT/def/never.pdf',
        sourceIp: '127.0.0.1',
        eventTime: new Date().toISOString(),
      }),
    );
    const killed = s3;
    s3 = undefined;
    void killed.close();

    const records: S3EventRecord[] = [];
    s3 = await start(async (batch) => {
      records.push(...batch);
    });
    expect(await s3.deliverPending()).toBe(1);
    expect(records.map((r) => [r.s3.object.key, r.s3.object.size])).toEqual([[key, pdf.length]]);
    expect(outboxFiles()).toEqual([]);
  });

  it('a half-written entry (a temporary file) is discarded, never delivered', async () => {
    mkdirSync(join(dataDir, 's3-outbox'), { recursive: true });
    writeFileSync(join(dataDir, 's3-outbox', '1-torn.json.tmp'), '{"id":"1-to');
    const records: S3EventRecord[] = [];
    s3 = await start(async (batch) => {
      records.push(...batch);
    });
    expect(await s3.deliverPending()).toBe(0);
    expect(records).toEqual([]);
    expect(existsSync(join(dataDir, 's3-outbox', '1-torn.json.tmp'))).toBe(false);
  });
});
