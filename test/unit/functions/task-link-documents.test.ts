import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { signTaskId } from '../../../shared/links/signing.js';
import { lambdaContext, structured, stubFunctionEnv, taskLinkEvent } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON } from '../../support/settings.js';

stubFunctionEnv();
vi.stubEnv('DOCUMENTS_BUCKET', 'documents-unit');
vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUNITTEST');
vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-test-secret');
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const { handler } = await import('../../../functions/task-link/handler.js');

const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TASK_ID = 'VGFza0lkT2ZDb3VudGVyc2ln';
const TOKEN = 'AQCEAAAAKgAAAA-secret-countersign-token';
const NONCE = 'Tm9uY2VPZlRoZUNvdW50ZXJz';
const SIG = signTaskId(TASK_ID, Buffer.from(LINK_SECRET, 'utf8'));

function deliverable(
  uploadId: string,
  uploadedAt: string,
  status: 'ACCEPTED' | 'REJECTED',
  kind = 'SIGNED_CONTRACT',
) {
  return {
    ...keys.deliverable(PURCHASE_ID, uploadId),
    purchaseId: PURCHASE_ID,
    uploadId,
    kind,
    key: `uploads/${PURCHASE_ID}/${kind}/${uploadId}/合同.pdf`,
    fileName: '合同.pdf',
    size: 2048,
    sha256: 'b'.repeat(64),
    uploadedBy: 'ngo:52350200MJ0000000X',
    uploadedAt,
    eTag: '"etag"',
    status,
    reasons: [],
  };
}

beforeEach(() => {
  ddb.reset();
  s3.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
  ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
    Item: {
      ...keys.task(TASK_ID),
      taskId: TASK_ID,
      purchaseId: PURCHASE_ID,
      stepKey: 'COUNTERSIGN:2',
      purpose: 'COUNTERSIGN',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: {
        name: '王科长',
        email: 'section-chief@civil-affairs.example.gov.cn',
        role: 'SECTION_CHIEF',
      },
      taskToken: TOKEN,
      nonce: NONCE,
      context: { round: 2 },
      createdAt: '2026-03-02T07:00:00.000Z',
      expiresAt: '2099-03-05T07:00:00.000Z',
      status: 'PENDING',
      mailsSent: ['FIRST'],
    },
  });
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
    Item: {
      ...keys.purchase(PURCHASE_ID),
      purchaseId: PURCHASE_ID,
      version: 9,
      stage: 'CONTRACTING',
      proposal: largeElderlyCareProposal(),
      createdBy: 'officer@civil-affairs.example.gov.cn',
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: '2026-03-02T07:00:00.000Z',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: {},
      decisions: {},
      auditSeq: 9,
      auditHash: 'c'.repeat(64),
    },
  });
});

const get = async () =>
  structured(
    await handler(taskLinkEvent({ method: 'GET', taskId: TASK_ID, sig: SIG }), lambdaContext('task-link')),
  );

describe('GET /tasks/{taskId} of a countersignature with DOCUMENTS_BUCKET set', () => {
  it('links a presigned GET of the latest accepted signed contract in the documents bucket', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        deliverable('upload-round-1', '2026-03-01T01:00:00.000Z', 'ACCEPTED'),
        deliverable('upload-round-2', '2026-03-02T01:00:00.000Z', 'ACCEPTED'),
        deliverable('upload-refused', '2026-03-02T02:00:00.000Z', 'REJECTED'),
        deliverable('upload-evidence', '2026-03-02T03:00:00.000Z', 'ACCEPTED', 'EVIDENCE'),
      ],
    });

    const result = await get();

    expect(result.statusCode).toBe(200);
    const href =
      result.body.match(/<a href="([^"]+)" rel="noreferrer">/)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const url = new URL(href);
    expect(url.href).toContain('documents-unit');
    expect(decodeURIComponent(url.pathname)).toContain(
      `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/upload-round-2/合同.pdf`,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(result.body.match(/<a\b/g)).toHaveLength(1);
    expect(result.body).not.toContain(TOKEN);
    // Presigning is local: nothing is read from the bucket.
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('without an accepted signed contract shows the page with no link', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [deliverable('upload-refused', '2026-03-02T02:00:00.000Z', 'REJECTED')],
    });

    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(result.body).not.toMatch(/<a\b/);
    expect(result.body).toContain('cannot be shown right now');
  });
});

describe('GET /tasks/{taskId} of a mid-term review with DOCUMENTS_BUCKET set', () => {
  it('links a presigned GET of the latest accepted mid-term report, not the signed contract', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: {
        ...keys.task(TASK_ID),
        taskId: TASK_ID,
        purchaseId: PURCHASE_ID,
        stepKey: 'MIDTERM_REVIEW:2',
        purpose: 'MIDTERM_REVIEW',
        level: 'SECTION_CHIEF',
        attempt: 'FIRST',
        assignee: {
          name: '王科长',
          email: 'section-chief@civil-affairs.example.gov.cn',
          role: 'SECTION_CHIEF',
        },
        taskToken: TOKEN,
        nonce: NONCE,
        context: { round: 2, maxRounds: 3 },
        createdAt: '2026-03-02T07:00:00.000Z',
        expiresAt: '2099-03-05T07:00:00.000Z',
        status: 'PENDING',
        mailsSent: ['FIRST'],
      },
    });
    ddb.on(QueryCommand).resolves({
      Items: [
        deliverable('upload-round-2', '2026-03-02T01:00:00.000Z', 'ACCEPTED'),
        deliverable('report-round-1', '2026-05-01T01:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT'),
        deliverable('report-round-2', '2026-06-01T01:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT'),
        deliverable('report-refused', '2026-06-02T01:00:00.000Z', 'REJECTED', 'MIDTERM_REPORT'),
      ],
    });

    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Open the mid-term report the NGO submitted');
    const href =
      result.body.match(/<a href="([^"]+)" rel="noreferrer">/)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const url = new URL(href);
    expect(decodeURIComponent(url.pathname)).toContain(
      `uploads/${PURCHASE_ID}/MIDTERM_REPORT/report-round-2/合同.pdf`,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(result.body.match(/<a\b/g)).toHaveLength(1);
    expect(result.body).not.toContain(TOKEN);
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
