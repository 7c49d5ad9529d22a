import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.js';
import { FIXTURE_UPLOAD_PREFIX } from '../../fixtures/local-app/app.js';
import { cachedFixtureAssembly } from '../../support/assembly-cache.js';

const workDir = mkdtempSync(join(tmpdir(), 'local-runtime-s3-'));
let runtime: LocalRuntime | undefined;
let db: DynamoDBClient | undefined;
const logLines: string[] = [];
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0x42), Buffer.from('\n%%EOF\n')]);

function started(): LocalRuntime {
  if (!runtime) throw new Error('the runtime did not start');
  return runtime;
}

/** The fixture's uploads bucket (the documents bucket, for EventBridge, is another test's). */
function uploadsBucket(): string {
  const bucket = started().app.buckets.find((b) => b.logicalId.startsWith('Uploads'));
  if (!bucket) throw new Error('no uploads bucket');
  return bucket.name;
}

function functionNamed(prefix: string): string {
  const fn = started().app.functions.find((f) => f.logicalId.startsWith(prefix));
  if (!fn) throw new Error(`no function ${prefix}`);
  return fn.name;
}

/** What the fixture's RecordUpload function wrote for a key: one item per delivered record. */
async function recordedUploads(key: string) {
  const { Items } = await (db as DynamoDBClient).send(
    new QueryCommand({
      TableName: started().app.tables[0]?.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: `UPLOAD#${key}` } },
    }),
  );
  return (Items ?? []).map((i) => ({
    eventName: i.eventName?.S,
    size: Number(i.size?.N),
    bucket: i.bucket?.S,
  }));
}

/** A presigned POST made inside a function, with the credentials and endpoint the runtime gives it. */
async function presignInFunction(purchaseId: string, maxBytes: number) {
  const result = await started().lambdas.invoke(functionNamed('PresignUpload'), {
    purchaseId,
    kind: 'MIDTERM_REPORT',
    maxBytes,
  });
  if (!('payload' in result)) throw new Error(`presigning failed: ${result.errorMessage}`);
  return result.payload as { url: string; fields: Record<string, string> };
}

async function postForm(url: string, fields: Record<string, string>, file: Buffer, fileName: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file], { type: 'application/pdf' }), fileName);
  return fetch(url, { method: 'POST', body: form });
}

beforeAll(async () => {
  const assemblyDir = cachedFixtureAssembly();
  runtime = await startLocalRuntime({
    assemblyDir,
    dataDir: join(workDir, 'data'),
    clock: { msPerSecond: 1000 },
    log: (line) => logLines.push(line),
  });
  db = new DynamoDBClient({
    endpoint: runtime.urls.dynamodb,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}, 90_000);

afterAll(async () => {
  db?.destroy();
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the local runtime with an uploads bucket', () => {
  it('reads the bucket and its Lambda notification from the template, without loading the notifications handler', () => {
    const { app, urls, endpointsFile } = started();
    const bucket = app.buckets.find((b) => b.logicalId.startsWith('Uploads'));
    expect(bucket?.name).toMatch(/^uploads[0-9a-f]{8}$/);
    expect(bucket?.arn).toBe(`arn:aws:s3:::${bucket?.name}`);
    expect(bucket?.eventBridgeEnabled).toBe(false);
    expect(app.bucketNotifications).toEqual([
      expect.objectContaining({
        bucketName: bucket?.name,
        events: ['s3:ObjectCreated:*'],
        functionName: functionNamed('RecordUpload'),
        prefix: FIXTURE_UPLOAD_PREFIX,
      }),
    ]);
    expect(app.functions.some((f) => f.logicalId.startsWith('BucketNotificationsHandler'))).toBe(false);
    expect(app.functions.find((f) => f.logicalId.startsWith('PresignUpload'))?.environment.BUCKET_NAME).toBe(
      bucket?.name,
    );
    const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8'));
    expect(endpoints.s3).toBe(urls.s3);
    expect(endpoints.buckets).toEqual(expect.objectContaining({ [String(bucket?.logicalId)]: bucket?.name }));
  });

  it('accepts a POST presigned inside a function and invokes the subscribed function with the S3 event', async () => {
    const post = await presignInFunction('P-1', 4096);
    expect(post.url.startsWith(String(started().urls.s3))).toBe(true);
    const response = await postForm(post.url, post.fields, pdf, 'midterm.pdf');
    expect(response.status).toBe(204);

    const key = 'uploads/P-1/MIDTERM_REPORT/midterm.pdf';
    await vi.waitFor(async () => expect(await recordedUploads(key)).toHaveLength(1), { timeout: 10_000 });
    expect(await recordedUploads(key)).toEqual([
      { eventName: 'ObjectCreated:Post', size: pdf.length, bucket: uploadsBucket() },
    ]);
  });

  it('refuses an upload over the size the function allowed: no object event reaches the function', async () => {
    const post = await presignInFunction('P-2', 100);
    const response = await postForm(post.url, post.fields, pdf, 'big.pdf');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>EntityTooLarge</Code>');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await recordedUploads('uploads/P-2/MIDTERM_REPORT/big.pdf')).toEqual([]);
  });

  it('does not invoke the function for objects outside its prefix, and re-delivery invokes it again', async () => {
    const { urls, s3 } = started();
    const client = new S3Client({
      endpoint: urls.s3,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    });
    const bucket = uploadsBucket();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'exports/open-data.json', Body: '{}' }));
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'uploads/P-3/CONTRACT/a b.pdf', Body: pdf }),
    );
    client.destroy();
    await vi.waitFor(
      async () => expect(await recordedUploads('uploads/P-3/CONTRACT/a+b.pdf')).toHaveLength(1),
      {
        timeout: 10_000,
      },
    );
    expect(await recordedUploads('exports/open-data.json')).toEqual([]);

    await s3?.deliver({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: LOCAL_REGION,
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:LOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'I' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local',
        bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'uploads/P-3/CONTRACT/a+b.pdf', size: pdf.length, eTag: 'e', sequencer: '01' },
      },
    });
    expect(await recordedUploads('uploads/P-3/CONTRACT/a+b.pdf')).toHaveLength(2);
    expect(logLines.filter((l) => l.includes('RecordUpload') && l.includes('failed'))).toEqual([]);
  });
});
