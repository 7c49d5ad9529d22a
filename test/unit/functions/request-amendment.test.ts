import { beforeEach, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/request-amendment/handler.js');

const PURCHASE_ID = 'PUR-2026-AMENDROUTEAAAAAA';
const SIGNED = { key: 'c', sha256: 'h', issuedAt: '2026-02-01T00:00:00Z', signedAt: '2026-02-03T00:00:00Z' };
let fakes: Fakes;

beforeEach(() => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, sampleProposal(), { stage: 'MIDTERM_REVIEW', contract: SIGNED }),
  );
});

const invoke = async (body: unknown, claims: Record<string, unknown> = staffClaims()) => {
  const handler = createHandler({
    purchases: fakes.purchases,
    payments: fakes.payments,
    budgets: fakes.budgets,
    workflow: fakes.workflow,
    settings: TEST_POLICY,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method: 'POST',
    path: `/purchases/${PURCHASE_ID}/amendments`,
    route: '/purchases/{id}/amendments',
    pathParameters: { id: PURCHASE_ID },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('request-amendment')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

const LATER_END = { rationale: '服务对象增加，需延长服务期限。', endDate: '2026-12-30' };

describe('POST /purchases/{id}/amendments', () => {
  it('answers 202 to the officer who registered it, records the amendment PROPOSED and starts its approval', async () => {
    const answer = await invoke(LATER_END);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      outcome: 'REQUESTED',
      amendment: {
        id: 'A1',
        status: 'PROPOSED',
        levels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
        changes: [{ field: 'term.end', former: '2026-12-31', value: '2026-12-30' }],
        requestedBy: 'officer@civil-affairs.example.gov.cn',
      },
    });
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.amendments).toHaveLength(1);
    // Nothing of the contract changes before it is approved.
    expect(purchase?.proposal.term.end).toBe('2026-12-31');
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: PURCHASE_ID, resumeAt: 'AMENDMENT', executionName: `${PURCHASE_ID}-AMENDMENT-1` },
    ]);
  });

  it('answers 409 while an amendment awaits approval, before signature and after the purchase ended', async () => {
    expect((await invoke(LATER_END)).status).toBe(202);
    const second = await invoke(LATER_END);
    expect(second.status).toBe(409);
    expect(second.body.message.en).toMatch(/A1 is still awaiting approval/);
    fakes.purchases.seed(purchaseRecord(PURCHASE_ID, sampleProposal(), { stage: 'CONTRACTING' }));
    expect((await invoke(LATER_END)).body).toMatchObject({ outcome: 'NOT_AMENDABLE', stage: 'CONTRACTING' });
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, sampleProposal(), { stage: 'CLOSED', contract: SIGNED }),
    );
    expect((await invoke(LATER_END)).status).toBe(409);
    expect(fakes.workflow.starts).toHaveLength(1);
  });

  it('answers 400 naming each field, in Chinese and English, and records nothing', async () => {
    const answer = await invoke({ rationale: '短', totalFen: 50_000_000 });
    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(['rationale']);
    const policy = await invoke({ rationale: '追加经费，服务对象增加。', totalFen: 50_000_000 });
    expect(policy.status).toBe(400);
    expect(policy.body.errors).toContainEqual(
      expect.objectContaining({
        field: 'budgetLines',
        rule: 'amendment-budget-lines-required',
        zh: expect.any(String),
      }),
    );
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.amendments).toBeUndefined();
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('answers 400 on totalFen to a raise its budget line cannot take, naming what is left, and records nothing', async () => {
    const line = sampleProposal().budgetLineRef;
    await fakes.budgets.ensureBudgetLine({
      lineId: line,
      year: 2026,
      description: 'x',
      totalFen: 50_000_000,
    });
    await fakes.budgets.reserve({ lineId: line, purchaseId: PURCHASE_ID, amountFen: 48_000_000, now: 'x' });
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    if (!purchase) throw new Error('seeded above');
    fakes.purchases.seed({
      ...purchase,
      budget: { lineId: line, amountFen: 48_000_000, status: 'RESERVED', at: 'x' },
    });
    const raise = (yuan: number) => ({
      rationale: '服务对象增加，追加服务经费。',
      totalFen: yuan * 100,
      budgetLines: [{ item: '人员及服务经费', amountFen: yuan * 100 }],
    });

    const refused = await invoke(raise(500_001));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        field: 'totalFen',
        rule: 'budget-line-remaining',
        message: expect.stringContaining('¥20,000.00 left'),
        zh: expect.stringContaining('仅剩 ¥20,000.00'),
        allowed: 'a new value of at most ¥500,000.00',
      }),
    ]);
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.amendments).toBeUndefined();
    expect(fakes.workflow.starts).toEqual([]);
    // What the line holds is accepted; its approval still moves the reservation only while the room is there.
    expect((await invoke(raise(500_000))).status).toBe(202);
  });

  it('answers 403 to another officer, an approver and finance, and 404 for no such purchase', async () => {
    const other = staffClaims({ email: 'someone.else@civil-affairs.example.gov.cn' });
    expect((await invoke(LATER_END, other)).status).toBe(403);
    for (const roles of ['[approver]', '[finance]'])
      expect((await invoke(LATER_END, staffClaims({ roles }))).status).toBe(403);
    expect((await invoke(LATER_END, staffClaims({ roles: '[admin]', email: 'admin@x.cn' }))).status).toBe(
      202,
    );
    fakes = createFakes('2026-03-03T08:00:00.000Z');
    expect((await invoke(LATER_END)).status).toBe(404);
  });
});
