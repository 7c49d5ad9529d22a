import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/withdraw-proposal/handler.js');

const PURCHASE_ID = 'PUR-2026-WITHDRAWROUTEAAA';
let fakes: Fakes;

beforeEach(() => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'APPROVAL' }));
});

const invoke = async (body: unknown, claims: Record<string, unknown> = staffClaims()) => {
  const handler = createHandler({
    purchases: fakes.purchases,
    tasks: fakes.tasks,
    callbacks: fakes.callbacks,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method: 'POST',
    path: `/purchases/${PURCHASE_ID}/withdraw`,
    route: '/purchases/{id}/withdraw',
    pathParameters: { id: PURCHASE_ID },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('withdraw-proposal')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

describe('POST /purchases/{id}/withdraw', () => {
  it('answers 202 to an officer, records the trimmed reason and names the officer', async () => {
    const answer = await invoke({ reason: '  街道已自行承接  ' });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      outcome: 'WITHDRAWN',
      withdrawal: { by: 'officer@civil-affairs.example.gov.cn', reason: '街道已自行承接' },
    });
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.withdrawal?.reason).toBe('街道已自行承接');
  });

  it('answers 403 to an approver, a finance clerk and an auditor, and records nothing', async () => {
    for (const roles of ['[approver]', '[finance]', '[auditor]']) {
      expect((await invoke({ reason: 'x' }, staffClaims({ roles }))).status).toBe(403);
    }
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.withdrawal).toBeUndefined();
  });

  it('answers 400 naming reason when it is blank or too long, with the rule and what is allowed', async () => {
    for (const [reason, rule] of [
      ['   ', 'withdrawal-reason-required'],
      ['理'.repeat(501), 'withdrawal-reason-too-long'],
    ] as const) {
      const answer = await invoke({ reason });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ field: 'reason', rule, allowed: '1 to 500 characters' }),
      ]);
    }
    expect((await invoke({})).body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
  });

  it('answers 409 once approval has ended, and 404 for a purchase that does not exist', async () => {
    fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
    const late = await invoke({ reason: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ outcome: 'TOO_LATE', stage: 'CONTRACTING' });
    fakes = createFakes('2026-03-03T08:00:00.000Z');
    expect((await invoke({ reason: 'gone' })).status).toBe(404);
  });
});
