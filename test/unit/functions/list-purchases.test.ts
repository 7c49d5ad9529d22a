import { beforeEach, describe, expect, it } from 'vitest';
import { sampleProposal, smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import {
  lambdaContext,
  listPurchasesEvent,
  staffClaims,
  structured,
  stubFunctionEnv,
} from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/list-purchases/handler.js');

const ELDERLY = 'PUR-2026-ELDERLYCARE00001';
const CHILDREN = 'PUR-2026-CHILDRENCARE0001';
const CHIEF = 'section-chief@civil-affairs.example.gov.cn';

let fakes: Fakes;
let calls: string[];
let handler: ReturnType<typeof createHandler>;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(ELDERLY, sampleProposal(), {
      stage: 'APPROVAL',
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: '2026-03-01T08:00:00.000Z',
    }),
  );
  fakes.purchases.seed(
    purchaseRecord(CHILDREN, smallMinorProtectionProposal(), {
      createdAt: '2026-03-02T07:00:00.000Z',
      updatedAt: '2026-03-02T07:00:00.000Z',
    }),
  );
  await fakes.tasks.openTask({
    purchaseId: ELDERLY,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { name: 'Section Chief', email: CHIEF, role: 'SECTION_CHIEF' },
    taskToken: 'AQCEAAAAKgAAAA-secret-task-token',
    expiresAt: '2026-03-04T08:05:00.000Z',
    now: '2026-03-01T08:05:00.000Z',
  });
  const recorded = recordingCalls({ purchases: fakes.purchases, now: fakes.clock.now });
  calls = recorded.calls;
  handler = createHandler(recorded.deps);
});

const invoke = async (
  query: Record<string, string> = {},
  claims: Record<string, unknown> | null = staffClaims(),
) => {
  const result = structured(
    await handler(listPurchasesEvent(query, claims), lambdaContext('list-purchases')),
  );
  return { ...result, json: JSON.parse(result.body) };
};

describe('GET /purchases', () => {
  it('answers 401 without a verified token and reads nothing', async () => {
    expect((await invoke({}, null)).statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 403 to a caller without a staff role and reads nothing', async () => {
    expect((await invoke({}, staffClaims({ roles: '[ngo]' }))).statusCode).toBe(403);
    expect(calls).toEqual([]);
  });

  it('answers 200 to an officer: this budget year newest first, counts per stage, never a task token, not cached', async () => {
    const { statusCode, headers, body, json } = await invoke();

    expect(statusCode).toBe(200);
    expect(headers['Cache-Control']).toBe('no-store');
    expect(json).toMatchObject({
      year: 2026,
      sort: 'newest',
      items: [
        { purchaseId: CHILDREN, stage: 'PROPOSAL', totalYuan: '¥120,000.00', district: '同安区' },
        {
          purchaseId: ELDERLY,
          stage: 'APPROVAL',
          totalYuan: '¥480,000.00',
          links: { self: `/purchases/${ELDERLY}` },
        },
      ],
      countsByStage: { PROPOSAL: 1, APPROVAL: 1, CLOSED: 0 },
      total: 2,
    });
    expect(json).not.toHaveProperty('nextCursor');
    expect(body).not.toContain('secret-task-token');
    // One query of the table per request.
    expect(calls).toEqual(['purchases.listPurchases']);
  });

  it('takes its filters, sort and page size from the query string, Chinese search words included', async () => {
    const { json } = await invoke({
      q: '留守儿童',
      serviceArea: 'MINOR_PROTECTION',
      sort: 'amount-asc',
      limit: '5',
    });
    expect(json.items.map((row: { purchaseId: string }) => row.purchaseId)).toEqual([CHILDREN]);
    expect(json.countsByStage.PROPOSAL).toBe(1);

    expect((await invoke({ stage: 'APPROVAL', district: '思明区' })).json.items).toHaveLength(1);
  });

  it('pages with the cursor it hands out', async () => {
    const first = await invoke({ limit: '1' });
    const second = await invoke({ limit: '1', cursor: first.json.nextCursor });

    expect(first.json.items[0].purchaseId).toBe(CHILDREN);
    expect(second.json.items[0].purchaseId).toBe(ELDERLY);
    expect(second.json).not.toHaveProperty('nextCursor');
  });

  it('answers 400 naming each wrong parameter, without reading the table', async () => {
    const { statusCode, json } = await invoke({ stage: 'OPEN', limit: '500', cursor: 'tampered' });

    expect(statusCode).toBe(400);
    expect(json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'stage']);
    expect(calls).toEqual([]);
    const badCursor = await invoke({ cursor: 'tampered' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json.errors).toEqual([
      expect.objectContaining({ field: 'cursor', rule: 'cursor-malformed' }),
    ]);
  });

  it('lists to an approver only the purchases with a task of theirs', async () => {
    const mine = await invoke({}, staffClaims({ sub: 'chief', email: CHIEF, roles: '[approver]' }));
    const none = await invoke(
      {},
      staffClaims({ sub: 'other', email: 'other@example.gov.cn', roles: '[approver]' }),
    );
    const noEmail = await invoke({}, staffClaims({ sub: 'x', email: undefined, roles: '[approver]' }));

    expect(mine.json.items.map((row: { purchaseId: string }) => row.purchaseId)).toEqual([ELDERLY]);
    expect(mine.json.total).toBe(1);
    expect(none.json).toMatchObject({ items: [], total: 0 });
    expect(noEmail.statusCode).toBe(403);
  });
});
