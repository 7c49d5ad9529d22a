import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { GSI1, keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { GENESIS_HASH, nextAuditEntry } from '../../../shared/domain/audit-chain.js';
import {
  getPurchaseEvent,
  lambdaContext,
  staffClaims,
  structured,
  stubFunctionEnv,
} from '../../support/events.js';

stubFunctionEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const { handler } = await import('../../../functions/get-purchase/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TASK_ID = 'Q2hlbkxpVGFza0lkMDAwMDAw';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token';
const NONCE = 'bm9uY2Utb2YtdGhlLXRhc2st';

const invoke = async (purchaseId: string, claims: Record<string, unknown> | null = staffClaims()) =>
  structured(await handler(getPurchaseEvent(purchaseId, claims), lambdaContext('get-purchase')));

const created = nextAuditEntry(
  { purchaseId: PURCHASE_ID, auditSeq: 0, auditHash: GENESIS_HASH },
  {
    actor: 'officer@civil-affairs.example.gov.cn',
    action: 'proposal.submitted',
    eventId: `create:${PURCHASE_ID}`,
    at: '2026-03-01T08:00:00.000Z',
  },
);

function storePurchase(): void {
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
    Item: {
      ...keys.purchase(PURCHASE_ID),
      purchaseId: PURCHASE_ID,
      version: 2,
      stage: 'APPROVAL',
      proposal: largeElderlyCareProposal(),
      createdBy: 'officer@civil-affairs.example.gov.cn',
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: '2026-03-01T08:00:00.000Z',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {},
      auditSeq: created.seq,
      auditHash: created.hash,
    },
  });
  // Nothing uploaded or paid yet: the later-stage queries find nothing.
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb
    .on(QueryCommand, {
      ExpressionAttributeValues: { ':pk': keys.purchase(PURCHASE_ID).PK, ':prefix': 'AUDIT#' },
    })
    .resolves({ Items: [{ ...keys.audit(PURCHASE_ID, 1), ...created }] });
  // Even if the index projected everything, the secrets must not come out.
  ddb.on(QueryCommand, { IndexName: GSI1.indexName }).resolves({
    Items: [
      {
        ...keys.task(TASK_ID),
        taskId: TASK_ID,
        purchaseId: PURCHASE_ID,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        purpose: 'APPROVAL',
        level: 'SECTION_CHIEF',
        attempt: 'FIRST',
        assignee: {
          name: 'Section Chief',
          email: 'section-chief@civil-affairs.example.gov.cn',
          role: 'SECTION_CHIEF',
        },
        taskToken: TOKEN,
        nonce: NONCE,
        createdAt: '2026-03-01T08:05:00.000Z',
        expiresAt: '2026-03-04T08:05:00.000Z',
        status: 'PENDING',
        mailsSent: ['FIRST'],
      },
    ],
  });
}

beforeEach(() => {
  ddb.reset();
});

describe('GET /purchases/{id}', () => {
  it('answers 401 without a verified token and reads nothing', async () => {
    const result = await invoke(PURCHASE_ID, null);
    expect(result.statusCode).toBe(401);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to a caller without the staff role', async () => {
    const result = await invoke(PURCHASE_ID, staffClaims({ roles: '[ngo]' }));
    expect(result.statusCode).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 for a well-formed id that does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await invoke('PUR-2026-ZZZZZZZZZZZZZZZZ');
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ message: 'no such purchase' });
  });

  it('answers 404 for malformed ids without reading the table', async () => {
    for (const id of ['', 'nope', 'PUR-2026-abcdefghjkmnpqrs', `${PURCHASE_ID}X`, 'TASK#abc']) {
      expect((await invoke(id)).statusCode, id).toBe(404);
    }
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 200 with stage, amounts, pending tasks and a verified audit chain', async () => {
    storePurchase();

    const result = await invoke(PURCHASE_ID);

    expect(result.statusCode).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(result.body)).toMatchObject({
      purchaseId: PURCHASE_ID,
      stage: 'APPROVAL',
      totalYuan: '¥480,000.00',
      pendingTasks: [{ taskId: TASK_ID, level: 'SECTION_CHIEF' }],
      auditChain: { valid: true, entries: 1 },
    });
  });

  it("the body never contains 'taskToken' or 'nonce', nor their values", async () => {
    storePurchase();

    const { body } = await invoke(PURCHASE_ID);

    expect(body).not.toContain('taskToken');
    expect(body).not.toContain('nonce');
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(NONCE);
  });
});
