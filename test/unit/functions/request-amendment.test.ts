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
