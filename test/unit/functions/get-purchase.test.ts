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

const invoke = async (purchaseId: string, claims: Record<string, unknown> | null = staffClaims()) =>
  structured(await handler(getPurchaseEvent(purchaseId, claims), lambdaContext('get-purchase')));

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
});
