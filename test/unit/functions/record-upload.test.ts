import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { log } from '../../../shared/lambda/log.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { InMemoryObjectStore } from '../../support/handler-harness.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET', 'LIFECYCLE_SETTINGS');
const { createHandler } = await import('../../../functions/record-upload/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token-of-the-execution';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const KEY = `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/合同 签字版.pdf`;
const SANE_KEY = `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/合同_签字版.pdf`;

function eventBridgeEvent(key: string) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-03-02T09:00:00Z',
    region: 'cn-north-1',
    resources: ['arn:aws-cn:s3:::documents-unit'],
    detail: {
      version: '0',
      bucket: { name: 'documents-unit' },
      object: {
        key,
        size: PDF.length,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        sequencer: '00617F08299329D189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PostObject',
    },
  };
}

const logged: string[] = [];

beforeAll(() => {
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  // The task token never reaches a log line.
  expect(logged.join('\n')).not.toContain(TOKEN);
});
const UPLOAD_ID = 'VXBsb2FkSWRPZk9uZUZpbGU';

let fakes: Fakes;
let objects: InMemoryObjectStore;
let handler: ReturnType<typeof createHandler>;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T09:00:05.000Z');
  objects = new InMemoryObjectStore();
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'CONTRACTING',
      approvalLevels: ['SECTION_CHIEF'],
    }),
  );
  await fakes.waits.armWait({
    purchaseId: PURCHASE_ID,
    kind: 'SIGNED_CONTRACT',
    taskToken: TOKEN,
    since: '2026-03-02T08:00:00.000Z',
    now: '2026-03-02T08:00:00.000Z',
  });
  objects.put(SANE_KEY, PDF, 'application/pdf');
  objects.put(KEY, PDF, 'application/pdf');
  // As the default handler is wired: the documents bucket, and the function's log.
  handler = createHandler({
    bucket: 'documents-unit',
    purchases: fakes.purchases,
    deliverables: fakes.deliverables,
    uploadCounts: fakes.uploadCounts,
    waits: fakes.waits,
    callbacks: fakes.callbacks,
    objects,
    settings: TEST_LIFECYCLE,
    now: fakes.clock.now,
    log: log.info,
    warn: log.warn,
  });
});

describe('record-upload', () => {
  it('takes an EventBridge Object Created event (key not encoded), records the PDF and resumes the waiting step', async () => {
    const results = await handler(eventBridgeEvent(SANE_KEY), lambdaContext('record-upload'));

    expect(results).toEqual([
      expect.objectContaining({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: true }),
    ]);
    // The head is read to detect the type (the S3 reader's test checks its Range request).
    expect(objects.reads).toEqual([{ key: SANE_KEY, bytes: 65_536 }]);
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      status: 'SATISFIED',
      uploadId: UPLOAD_ID,
      taskToken: TOKEN,
    });
    expect(await fakes.deliverables.listDeliverables(PURCHASE_ID)).toEqual([
      expect.objectContaining({ status: 'ACCEPTED', detectedType: 'PDF', uploadId: UPLOAD_ID }),
    ]);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: {
          uploadId: UPLOAD_ID,
          kind: 'SIGNED_CONTRACT',
          key: SANE_KEY,
          sha256: createHash('sha256').update(PDF).digest('hex'),
        },
      },
    ]);
    expect(objects.quarantined).toEqual([]);
  });

  it("pins the check and the record to the event's version id: the head and the hash read that version, and the deliverable keeps it", async () => {
    const event = eventBridgeEvent(SANE_KEY);
    const versionId = 'L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT';
    const versioned = {
      ...event,
      detail: { ...event.detail, object: { ...event.detail.object, 'version-id': versionId } },
    };

    await handler(versioned, lambdaContext('record-upload'));

    expect(objects.reads).toEqual([{ key: SANE_KEY, bytes: 65_536, versionId }]);
    expect(objects.hashed).toEqual([{ key: SANE_KEY, versionId }]);
    expect(await fakes.deliverables.listDeliverables(PURCHASE_ID)).toEqual([
      expect.objectContaining({ uploadId: UPLOAD_ID, versionId, status: 'ACCEPTED' }),
    ]);
  });

  it('quarantines a later version under a recorded upload and flags it, keeping the checked version as the record', async () => {
    const event = eventBridgeEvent(SANE_KEY);
    const withVersion = (versionId: string) => ({
      ...event,
      detail: { ...event.detail, object: { ...event.detail.object, 'version-id': versionId } },
    });
    await handler(withVersion('first-version-0000000000000000'), lambdaContext('record-upload'));

    const results = await handler(
      withVersion('later-version-0000000000000000'),
      lambdaContext('record-upload'),
    );

    expect(results).toEqual([
      {
        outcome: 'QUARANTINED_LATER_VERSION',
        purchaseId: PURCHASE_ID,
        uploadId: UPLOAD_ID,
        versionId: 'later-version-0000000000000000',
      },
    ]);
    expect(objects.quarantined).toEqual([
      {
        key: SANE_KEY,
        reason: 'later-version-of-a-recorded-upload',
        versionId: 'later-version-0000000000000000',
      },
    ]);
    expect(await fakes.deliverables.listDeliverables(PURCHASE_ID)).toEqual([
      expect.objectContaining({ uploadId: UPLOAD_ID, versionId: 'first-version-0000000000000000' }),
    ]);
    const flag = (await fakes.purchases.listAudit(PURCHASE_ID)).at(-1);
    expect(flag).toMatchObject({
      action: 'deliverable.later-version-quarantined',
      detail: {
        uploadId: UPLOAD_ID,
        versionId: 'later-version-0000000000000000',
        checkedVersionId: 'first-version-0000000000000000',
      },
    });
    // The same event again flags nothing twice.
    await handler(withVersion('later-version-0000000000000000'), lambdaContext('record-upload'));
    const flags = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'deliverable.later-version-quarantined',
    );
    expect(flags).toHaveLength(1);
  });

  it('decodes the URL-encoded key of an S3 notification record, and quarantines a key outside the scheme', async () => {
    const encoded = encodeURIComponent(KEY).replace(/%2F/g, '/').replace(/%20/g, '+');
    const record = (key: string) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Post',
      eventTime: '2026-03-02T09:00:00.000Z',
      s3: { bucket: { name: 'documents-unit' }, object: { key, size: PDF.length, eTag: '"abc"' } },
    });

    const results = await handler(
      { Records: [record(encoded), record(encodeURIComponent(SANE_KEY).replace(/%2F/g, '/'))] },
      lambdaContext('record-upload'),
    );

    // The decoded name has a space, which uploadKey would never have produced.
    expect(results).toEqual([
      { outcome: 'QUARANTINED_OUTSIDE_SCHEME' },
      expect.objectContaining({ outcome: 'RECORDED', status: 'ACCEPTED' }),
    ]);
    expect(objects.quarantined).toEqual([{ key: KEY, reason: 'key-outside-scheme' }]);
    expect((await fakes.deliverables.listDeliverables(PURCHASE_ID)).map((d) => d.key)).toEqual([SANE_KEY]);
    expect(logged.some((l) => l.includes('"WARN"') && l.includes('outside the upload scheme'))).toBe(true);
  });

  it('refuses an event of another shape', async () => {
    await expect(handler({ source: 'aws.s3', detail: {} }, lambdaContext('record-upload'))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(objects.reads).toEqual([]);
    expect(await fakes.deliverables.listDeliverables(PURCHASE_ID)).toEqual([]);
  });
});
