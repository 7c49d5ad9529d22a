import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../../infra/local/assembly/local-account.js';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.js';
import {
  FIXTURE_DIRECTOR_EMAIL,
  FIXTURE_DRAFT_PREFIX,
  FIXTURE_PAYMENTS_EMAIL,
  FIXTURE_REPORT_PREFIX,
  FIXTURE_UPLOAD_PREFIX,
} from '../../fixtures/local-app/app.js';
import { cachedFixtureAssembly } from '../../support/assembly-cache.js';

const workDir = mkdtempSync(join(tmpdir(), 'local-runtime-eventbridge-'));
let runtime: LocalRuntime | undefined;
let db: DynamoDBClient | undefined;
let s3: S3Client | undefined;
const logLines: string[] = [];
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(500, 0x43), Buffer.from('\n%%EOF\n')]);

function started(): LocalRuntime {
  if (!runtime) throw new Error('the runtime did not start');
  return runtime;
}

function functionNamed(prefix: string): string {
  const fn = started().app.functions.find((f) => f.logicalId.startsWith(prefix));
  if (!fn) throw new Error(`no function ${prefix}`);
  return fn.name;
}

/** The stateful stack's documents bucket, whose events go to EventBridge. */
function documentsBucket(): string {
  const bucket = started().app.buckets.find((b) => b.logicalId.startsWith('Documents'));
  if (!bucket) throw new Error('no documents bucket');
  return bucket.name;
}

/** What the fixture's RecordDocumentEvent function received for a key, one entry per invocation. */
async function receivedEvents(key: string): Promise<Record<string, unknown>[]> {
  const { Items } = await (db as DynamoDBClient).send(
    new QueryCommand({
      TableName: started().app.tables[0]?.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: `DOCUMENT-EVENT#${key}` } },
    }),
  );
  return (Items ?? []).map((i) => JSON.parse(String(i.event?.S)) as Record<string, unknown>);
}

async function putDocument(key: string): Promise<void> {
  await (s3 as S3Client).send(new PutObjectCommand({ Bucket: documentsBucket(), Key: key, Body: pdf }));
}

interface StoredMail {
  subject: string;
  destination: { to: string[] };
  body: { text: string };
}

async function mailbox(): Promise<StoredMail[]> {
  const response = await fetch(`${started().urls.mailbox}/store`);
  return ((await response.json()) as { emails: StoredMail[] }).emails;
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
  s3 = new S3Client({
    endpoint: runtime.urls.s3,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  });
}, 90_000);

afterAll(async () => {
  db?.destroy();
  s3?.destroy();
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('S3 events through EventBridge rules, locally', () => {
  it('reads the bucket (stateful stack) as EventBridge-enabled and the rules (app stack) with the imported name', () => {
    const { app } = started();
    expect(app.buckets.find((b) => b.name === documentsBucket())?.eventBridgeEnabled).toBe(true);
    const rules = Object.fromEntries(app.eventRules.map((r) => [r.logicalId.replace(/[0-9A-F]{8}$/, ''), r]));
    expect(rules.DocumentUploaded).toEqual(
      expect.objectContaining({
        enabled: true,
        eventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: {
            bucket: { name: [documentsBucket()] },
            object: { key: [{ prefix: FIXTURE_UPLOAD_PREFIX }] },
          },
        },
        targets: [expect.objectContaining({ functionName: functionNamed('RecordDocumentEvent') })],
      }),
    );
    expect(rules.DraftSaved?.enabled).toBe(false);
    expect(app.warnings).toEqual([]);
  });

  it('delivers a presigned POST upload under uploads/ to the target as the EventBridge event, key not encoded, with its version id', async () => {
    const presigned = await started().lambdas.invoke(functionNamed('PresignDocument'), {
      purchaseId: 'P-9',
      kind: 'CONTRACT',
      maxBytes: 4096,
    });
    if (!('payload' in presigned)) throw new Error(`presigning failed: ${presigned.errorMessage}`);
    const { url, fields } = presigned.payload as { url: string; fields: Record<string, string> };
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'signed contract (v2).pdf');
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(204);
    // The documents bucket is versioned: the upload's version travels on to the event.
    const versionId = response.headers.get('x-amz-version-id');
    expect(versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const key = 'uploads/P-9/CONTRACT/signed contract (v2).pdf';
    await vi.waitFor(async () => expect(await receivedEvents(key)).toHaveLength(1), { timeout: 10_000 });
    const [event] = await receivedEvents(key);
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: LOCAL_ACCOUNT,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: LOCAL_REGION,
      resources: [`arn:aws:s3:::${documentsBucket()}`],
      detail: {
        version: '0',
        bucket: { name: documentsBucket() },
        object: {
          key,
          size: pdf.length,
          etag: expect.stringMatching(/^[0-9a-f]{32}$/),
          'version-id': versionId,
          sequencer: expect.any(String),
        },
        'request-id': expect.any(String),
        requester: LOCAL_ACCOUNT,
        'source-ip-address': '127.0.0.1',
        reason: 'PostObject',
      },
    });
  });

  it('gives a target with an InputPath only the detail, and fires no rule outside its prefix or when disabled', async () => {
    const report = `${FIXTURE_REPORT_PREFIX}P-9/midterm.pdf`;
    const draft = `${FIXTURE_DRAFT_PREFIX}P-9/notes.pdf`;
    const export_ = 'exports/P-9/open-data.pdf';
    await putDocument(draft);
    await putDocument(export_);
    await putDocument(report);
    await vi.waitFor(async () => expect(await receivedEvents(report)).toHaveLength(1), { timeout: 10_000 });
    expect(await receivedEvents(report)).toEqual([
      expect.objectContaining({ bucket: { name: documentsBucket() }, reason: 'PutObject' }),
    ]);
    // The report's event came after the others were put: had a rule taken them, they would be there by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await receivedEvents(draft)).toEqual([]);
    expect(await receivedEvents(export_)).toEqual([]);
    expect(logLines.filter((l) => l.includes('EventBridge') && l.includes('failed'))).toEqual([]);
  });

  it("mails a function's SNS publish to each subscribed address whose filter policy it passes", async () => {
    await fetch(`${started().urls.mailbox}/clear-store`, { method: 'POST' });
    const notify = (tranche: string) =>
      started().lambdas.invoke(functionNamed('NotifyPayment'), {
        tranche,
        amountFen: 12_000_000,
        text: `Pay ¥120,000.00 (${tranche} tranche) to Sunrise Elderly Care by 2025-05-01.`,
      });
    const first = await notify('FIRST');
    expect(first).toEqual({ payload: { messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(await mailbox()).toEqual([
      expect.objectContaining({
        subject: 'Payment due: FIRST tranche',
        destination: expect.objectContaining({ to: [FIXTURE_PAYMENTS_EMAIL] }),
        body: expect.objectContaining({
          text: 'Pay ¥120,000.00 (FIRST tranche) to Sunrise Elderly Care by 2025-05-01.',
        }),
      }),
    ]);

    await fetch(`${started().urls.mailbox}/clear-store`, { method: 'POST' });
    await notify('FINAL');
    const finalMails = await mailbox();
    expect(finalMails.map((m) => m.destination.to).sort()).toEqual([
      [FIXTURE_DIRECTOR_EMAIL],
      [FIXTURE_PAYMENTS_EMAIL],
    ]);
    expect(new Set(finalMails.map((m) => m.subject))).toEqual(new Set(['Payment due: FINAL tranche']));
  });
});
