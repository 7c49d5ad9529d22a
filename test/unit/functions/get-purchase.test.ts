import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import {
  getPurchaseEvent,
  lambdaContext,
  staffClaims,
  structured,
  stubFunctionEnv,
} from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/get-purchase/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token';

let fakes: Fakes;
let calls: string[];
let handler: ReturnType<typeof createHandler>;

beforeEach(() => {
  fakes = createFakes();
  const recorded = recordingCalls({
    purchases: fakes.purchases,
    tasks: fakes.tasks,
    deliverables: fakes.deliverables,
    payments: fakes.payments,
    executions: fakes.workflow,
  });
  calls = recorded.calls;
  handler = createHandler(recorded.deps);
});

const invoke = async (
  purchaseId: string,
  claims: Record<string, unknown> | null = staffClaims(),
  query?: Record<string, string>,
) => {
  const event = getPurchaseEvent(purchaseId, claims);
  if (query) event.queryStringParameters = query;
  return structured(await handler(event, lambdaContext('get-purchase')));
};

/** Lambda answers at most 6 MB. */
const LAMBDA_ANSWER_BYTES = 6 * 1024 * 1024;

/** A purchase at APPROVAL with the section chief's task open; returns the task's nonce. */
async function storePurchase(): Promise<{ taskId: string; nonce: string }> {
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    }),
  );
  const { task } = await fakes.tasks.openTask({
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
    expiresAt: '2026-03-04T08:05:00.000Z',
    now: '2026-03-01T08:05:00.000Z',
  });
  calls.length = 0;
  return { taskId: task.taskId, nonce: task.nonce };
}

describe('GET /purchases/{id}', () => {
  it('answers 401 without a verified token and reads nothing', async () => {
    const result = await invoke(PURCHASE_ID, null);
    expect(result.statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 403 to a caller without the staff role', async () => {
    const result = await invoke(PURCHASE_ID, staffClaims({ roles: '[ngo]' }));
    expect(result.statusCode).toBe(403);
    expect(calls).toEqual([]);
  });

  it('answers 404 for a well-formed id that does not exist, after one round of reads', async () => {
    const result = await invoke('PUR-2026-ZZZZZZZZZZZZZZZZ');
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toEqual({ message: 'no such purchase' });
    // The purchase and its lists are read at once (one round trip for a purchase that exists).
    expect([...calls].sort()).toEqual([
      'deliverables.listDeliverables',
      'payments.listPayments',
      'purchases.auditTrail',
      'tasks.listTasks',
    ]);
  });

  it('answers 404 for malformed ids without reading the table', async () => {
    for (const id of ['', 'nope', 'PUR-2026-abcdefghjkmnpqrs', `${PURCHASE_ID}X`, 'TASK#abc']) {
      expect((await invoke(id)).statusCode, id).toBe(404);
    }
    expect(calls).toEqual([]);
  });

  it('answers 200 with stage, amounts, pending tasks and a verified audit chain', async () => {
    const { taskId } = await storePurchase();

    const result = await invoke(PURCHASE_ID);

    expect(result.statusCode).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(result.body)).toMatchObject({
      purchaseId: PURCHASE_ID,
      stage: 'APPROVAL',
      totalYuan: '¥480,000.00',
      pendingTasks: [{ taskId, level: 'SECTION_CHIEF' }],
      auditChain: { valid: true, entries: 1 },
    });
  });

  it("the body never contains 'taskToken' or 'nonce', nor their values", async () => {
    const { nonce } = await storePurchase();

    const { body } = await invoke(PURCHASE_ID);

    expect(body).not.toContain('taskToken');
    expect(body).not.toContain('nonce');
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(nonce);
  });

  it("answers a purchase whose whole history passes Lambda's 6 MB in pages well under it, and the earlier pages too", async () => {
    await storePurchase();
    // 2,500 refused uploads, each with a long reason, and their audit entries: over 7 MB in all.
    const reason = { rule: 'daily-limit', message: { zh: '上限'.repeat(400), en: 'limit '.repeat(200) } };
    for (let i = 0; i < 2500; i++) {
      const uploadId = `upload-${String(i).padStart(5, '0')}`;
      await fakes.deliverables.recordDeliverable(
        {
          purchaseId: PURCHASE_ID,
          uploadId,
          kind: 'EVIDENCE',
          key: `uploads/${PURCHASE_ID}/EVIDENCE/${uploadId}/${'p'.repeat(90)}.pdf`,
          fileName: `${'p'.repeat(90)}.pdf`,
          size: 1000,
          sha256: 'a'.repeat(64),
          uploadedBy: 'ngo:52350203MJ0427315L',
          uploadedAt: new Date(Date.parse('2026-03-02T08:00:00.000Z') + i * 1000).toISOString(),
          eTag: 'etag',
          status: 'REJECTED',
          reasons: [reason, reason],
        },
        '2026-03-02T08:00:00.000Z',
      );
    }
    const whole =
      JSON.stringify(await fakes.deliverables.listDeliverables(PURCHASE_ID)).length +
      JSON.stringify(await fakes.purchases.listAudit(PURCHASE_ID)).length;
    expect(whole).toBeGreaterThan(LAMBDA_ANSWER_BYTES);

    const first = await invoke(PURCHASE_ID);
    const view = JSON.parse(first.body) as {
      auditNext: string;
      deliverablesNext: string;
      auditChain: unknown;
    };
    const earlier = await invoke(PURCHASE_ID, staffClaims(), {
      auditBefore: view.auditNext,
      deliverablesBefore: view.deliverablesNext,
    });

    expect(first.statusCode).toBe(200);
    expect(earlier.statusCode).toBe(200);
    expect(view.auditChain).toEqual({ valid: true, entries: 2501 });
    for (const answer of [first, earlier])
      expect(Buffer.byteLength(answer.body)).toBeLessThan(LAMBDA_ANSWER_BYTES / 2);
  });

  it('answers 400 naming the parameter to a cursor that is not one', async () => {
    await storePurchase();

    const result = await invoke(PURCHASE_ID, staffClaims(), { deliverablesBefore: 'x' });

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).errors).toEqual([
      expect.objectContaining({ field: 'deliverablesBefore', rule: 'cursor-malformed' }),
    ]);
  });
});
