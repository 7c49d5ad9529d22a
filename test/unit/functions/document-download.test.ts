import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { InMemoryObjectStore } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET');
const { createHandler } = await import('../../../functions/document-download/handler.js');

const PURCHASE_ID = 'PUR-2026-DOWNLOADSAAAAAAA';
const VERSION = 'L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT';
const CHIEF = 'section-chief@civil-affairs.example.gov.cn';

let fakes: Fakes;
let objects: InMemoryObjectStore;

function upload(uploadId: string, overrides: Partial<DeliverableRecord> = {}): DeliverableRecord {
  return {
    purchaseId: PURCHASE_ID,
    uploadId,
    kind: 'SIGNED_CONTRACT',
    key: `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/${uploadId}/合同.pdf`,
    versionId: VERSION,
    fileName: '合同.pdf',
    size: 1024,
    sha256: 'a'.repeat(64),
    detectedType: 'PDF',
    declaredContentType: 'application/octet-stream',
    uploadedBy: 'ngo:52350203MJ0427315L',
    uploadedAt: '2026-03-02T09:00:00.000Z',
    eTag: 'e',
    status: 'ACCEPTED',
    reasons: [],
    ...overrides,
  };
}

beforeEach(async () => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  objects = new InMemoryObjectStore();
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
  await fakes.deliverables.recordDeliverable(upload('VXBsb2FkT25lQUFBQUFBQUFB'), fakes.clock.now());
  await fakes.deliverables.recordDeliverable(
    upload('VXBsb2FkVHdvQUFBQUFBQUFB', { versionId: undefined }),
    fakes.clock.now(),
  );
});

const invoke = async (
  uploadId: string,
  claims: Record<string, unknown> = staffClaims({ roles: '[auditor]' }),
) => {
  const handler = createHandler({
    tasks: fakes.tasks,
    deliverables: fakes.deliverables,
    objects,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    path: `/purchases/${PURCHASE_ID}/documents/${uploadId}`,
    route: '/purchases/{id}/documents/{uploadId}',
    pathParameters: { id: PURCHASE_ID, uploadId },
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('document-download')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

describe('GET /purchases/{id}/documents/{uploadId}', () => {
  it('gives a reader a five-minute link pinned to the checked version, as an attachment of the detected type', async () => {
    const answer = await invoke('VXBsb2FkT25lQUFBQUFBQUFB');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'LINK',
      pinned: true,
      versionId: VERSION,
      sha256: 'a'.repeat(64),
      expiresAt: '2026-03-03T08:05:00.000Z',
    });
    expect(objects.presigned).toEqual([
      {
        key: `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/VXBsb2FkT25lQUFBQUFBQUFB/合同.pdf`,
        expiresSeconds: 300,
        pin: { versionId: VERSION, fileName: '合同.pdf', contentType: 'application/pdf' },
      },
    ]);
  });

  it('says plainly when an upload was recorded without its version (the link is not pinned)', async () => {
    const answer = await invoke('VXBsb2FkVHdvQUFBQUFBQUFB');
    expect(answer.status).toBe(200);
    expect(answer.body.pinned).toBe(false);
    expect(answer.body.versionId).toBeUndefined();
  });

  it('answers 404 for an upload the purchase does not have, and presigns nothing', async () => {
    expect((await invoke('VXBsb2FkTm9uZUFBQUFBQUFB')).status).toBe(404);
    expect(objects.presigned).toEqual([]);
  });

  it('refuses an approver with no task on the purchase (403), and lets the one who holds a task download', async () => {
    const approver = staffClaims({ roles: '[approver]', email: CHIEF });
    expect((await invoke('VXBsb2FkT25lQUFBQUFBQUFB', approver)).status).toBe(403);
    await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'COUNTERSIGN:1',
      purpose: 'COUNTERSIGN',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: { name: 'Chief', email: CHIEF, role: 'SECTION_CHIEF' },
      taskToken: 'token',
      expiresAt: '2026-03-06T08:00:00.000Z',
      now: fakes.clock.now(),
    });
    expect((await invoke('VXBsb2FkT25lQUFBQUFBQUFB', approver)).status).toBe(200);
  });
});
