import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { UploadKind } from '../../../shared/domain/uploads.js';
import { signTaskId } from '../../../shared/links/signing.js';
import type { TaskRepository } from '../../../shared/ports/repositories.js';
import {
  DOCUMENT_LINK_SECONDS,
  reviewedUploads,
} from '../../../shared/usecases/task-links/task-documents.js';
import { lambdaContext, structured, stubFunctionEnv, taskLinkEvent } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { InMemoryObjectStore, testLinkKey } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET', 'LIFECYCLE_SETTINGS');
const { createHandler } = await import('../../../functions/task-link/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-secret-countersign-token';
const BUCKET_ORIGIN = 'https://documents-unit.s3.cn-north-1.amazonaws.com.cn';

let fakes: Fakes;
let objects: InMemoryObjectStore;
let taskId: string;

function deliverable(
  uploadId: string,
  uploadedAt: string,
  status: 'ACCEPTED' | 'REJECTED',
  kind: UploadKind = 'SIGNED_CONTRACT',
): DeliverableRecord {
  return {
    purchaseId: PURCHASE_ID,
    uploadId,
    kind,
    key: `uploads/${PURCHASE_ID}/${kind}/${uploadId}/合同.pdf`,
    versionId: `version-of-${uploadId}`,
    fileName: '合同.pdf',
    size: 2048,
    detectedType: 'PDF',
    sha256: 'b'.repeat(64),
    uploadedBy: 'ngo:52350200MJ0000000X',
    uploadedAt,
    eTag: '"etag"',
    status,
    reasons: [],
  };
}

async function storeUploads(...uploads: DeliverableRecord[]): Promise<void> {
  for (const upload of uploads) await fakes.deliverables.recordDeliverable(upload, upload.uploadedAt);
}

async function openTask(overrides: Partial<Parameters<TaskRepository['openTask']>[0]> = {}): Promise<void> {
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'COUNTERSIGN:2',
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
    taskToken: TOKEN,
    context: { round: 2 },
    expiresAt: '2099-03-05T07:00:00.000Z',
    now: '2026-03-02T07:00:00.000Z',
    ...overrides,
  });
  taskId = task.taskId;
}

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  objects = new InMemoryObjectStore(BUCKET_ORIGIN);
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'CONTRACTING',
      approvalLevels: ['SECTION_CHIEF'],
    }),
  );
  await openTask();
});

/** The handler as wired with DOCUMENTS_BUCKET set: review pages link the files under review. */
const get = async () => {
  const handler = createHandler({
    tasks: fakes.tasks,
    purchases: fakes.purchases,
    payments: fakes.payments,
    callbacks: fakes.callbacks,
    mailer: fakes.mailer,
    linkKey: testLinkKey,
    now: fakes.clock.now,
    reviewedDocuments: reviewedUploads({ deliverables: fakes.deliverables, objects }),
  });
  const sig = signTaskId(taskId, TEST_LINK_KEY);
  return structured(await handler(taskLinkEvent({ method: 'GET', taskId, sig }), lambdaContext('task-link')));
};

/** The one document link of the page. */
function documentLink(body: string): URL {
  return new URL(body.match(/<a href="([^"]+)" rel="noreferrer">/)?.[1]?.replaceAll('&amp;', '&') ?? '');
}

describe('GET /tasks/{taskId} of a countersignature with DOCUMENTS_BUCKET set', () => {
  it('links a presigned GET of the latest accepted signed contract, and lists every accepted signed copy on record', async () => {
    await storeUploads(
      deliverable('upload-round-1', '2026-03-01T01:00:00.000Z', 'ACCEPTED'),
      deliverable('upload-round-2', '2026-03-02T01:00:00.000Z', 'ACCEPTED'),
      deliverable('upload-refused', '2026-03-02T02:00:00.000Z', 'REJECTED'),
      deliverable('upload-evidence', '2026-03-02T03:00:00.000Z', 'ACCEPTED', 'EVIDENCE'),
    );

    const result = await get();

    expect(result.statusCode).toBe(200);
    const url = documentLink(result.body);
    expect(url.origin).toBe(BUCKET_ORIGIN);
    expect(decodeURIComponent(url.pathname)).toContain(
      `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/upload-round-2/合同.pdf`,
    );
    // Presigned for ten minutes (the S3 reader's own test checks the signed URL it makes), each
    // accepted signed copy once: the earlier round's for the list of files on record.
    expect(objects.presigned).toEqual([
      {
        key: `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/upload-round-1/合同.pdf`,
        expiresSeconds: 600,
        pin: { versionId: 'version-of-upload-round-1', fileName: '合同.pdf', contentType: 'application/pdf' },
      },
      {
        key: `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/upload-round-2/合同.pdf`,
        expiresSeconds: 600,
        // The version that was checked, as an attachment of the type found in its bytes.
        pin: { versionId: 'version-of-upload-round-2', fileName: '合同.pdf', contentType: 'application/pdf' },
      },
    ]);
    expect(DOCUMENT_LINK_SECONDS).toBe(600);
    // The file under review, then the two signed copies on record; never the refused one or the evidence.
    expect(result.body.match(/<a\b/g)).toHaveLength(3);
    expect(result.body).not.toContain('upload-refused');
    expect(result.body).not.toContain('upload-evidence');
    // The decision is still tied to the newest copy only.
    expect(result.body.match(/name="reviewed" value="([^"]+)"/g)).toEqual([
      'name="reviewed" value="upload-round-2"',
    ]);
    expect(result.body).not.toContain(TOKEN);
    // Presigning is local: nothing is read from the bucket.
    expect(objects.reads).toEqual([]);
  });

  it('without an accepted signed contract shows the page with no link', async () => {
    await storeUploads(deliverable('upload-refused', '2026-03-02T02:00:00.000Z', 'REJECTED'));

    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(result.body).not.toMatch(/<a\b/);
    expect(result.body).toContain('cannot be shown right now');
    expect(objects.presigned).toEqual([]);
  });
});

describe('GET /tasks/{taskId} of a mid-term review with DOCUMENTS_BUCKET set', () => {
  it('links a presigned GET of the latest accepted mid-term report, lists every round on record, not the signed contract', async () => {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'MIDTERM_REVIEW',
        approvalLevels: ['SECTION_CHIEF'],
      }),
    );
    await openTask({
      stepKey: 'MIDTERM_REVIEW:2',
      purpose: 'MIDTERM_REVIEW',
      context: { round: 2, maxRounds: 3 },
    });
    await storeUploads(
      deliverable('upload-round-2', '2026-03-02T01:00:00.000Z', 'ACCEPTED'),
      deliverable('report-round-1', '2026-05-01T01:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT'),
      deliverable('report-round-2', '2026-06-01T01:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT'),
      deliverable('report-refused', '2026-06-02T01:00:00.000Z', 'REJECTED', 'MIDTERM_REPORT'),
    );

    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Open the mid-term report the NGO submitted');
    const url = documentLink(result.body);
    expect(decodeURIComponent(url.pathname)).toContain(
      `uploads/${PURCHASE_ID}/MIDTERM_REPORT/report-round-2/合同.pdf`,
    );
    expect(objects.presigned.map((p) => p.key)).toEqual([
      `uploads/${PURCHASE_ID}/MIDTERM_REPORT/report-round-1/合同.pdf`,
      `uploads/${PURCHASE_ID}/MIDTERM_REPORT/report-round-2/合同.pdf`,
    ]);
    expect(result.body.match(/<a\b/g)).toHaveLength(3);
    expect(result.body).not.toContain(TOKEN);
    expect(objects.reads).toEqual([]);
  });
});
