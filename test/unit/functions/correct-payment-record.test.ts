import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/correct-payment-record/handler.js');

const PURCHASE_ID = 'PUR-2026-CORRECTIONAAAAAA';
const CLERK = staffClaims({ roles: '[finance]', email: 'finance.clerk@civil-affairs.example.gov.cn' });
const REASON = '流水号第 5 位应为数字 0 · the fifth character is the digit 0, not the letter O';
let fakes: Fakes;

beforeEach(async () => {
  fakes = createFakes('2026-04-10T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
  await fakes.payments.openPayment(
    {
      purchaseId: PURCHASE_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 14_400_000,
      dueDate: '2026-04-01',
      notifiedAt: '2026-03-02T08:00:00.000Z',
    },
    '2026-03-02T08:00:00.000Z',
  );
  await fakes.payments.confirmPayment({
    purchaseId: PURCHASE_ID,
    tranche: 1,
    by: 'finance.clerk@civil-affairs.example.gov.cn',
    reference: 'CCB-O001',
    taskId: 'task-1',
    now: '2026-03-20T08:00:00.000Z',
  });
});

const invoke = async (body: unknown, claims: Record<string, unknown> = CLERK, seq = '1', tranche = '1') => {
  const handler = createHandler({
    purchases: fakes.purchases,
    payments: fakes.payments,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method: 'POST',
    path: `/purchases/${PURCHASE_ID}/tranches/${tranche}/transfers/${seq}/correction`,
    route: '/purchases/{id}/tranches/{tranche}/transfers/{seq}/correction',
    pathParameters: { id: PURCHASE_ID, tranche, seq },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('correct-payment-record')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

describe('POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction', () => {
  it('finance corrects a mistyped reference: the one confirmed is kept, the correction appended with who and why', async () => {
    const answer = await invoke({ reference: ' CCB-0001 ', reason: REASON });

    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('CORRECTED');
    const [payment] = await fakes.payments.listPayments(PURCHASE_ID);
    expect(payment).toMatchObject({ status: 'CONFIRMED', reference: 'CCB-0001' });
    expect(payment?.transfers?.[0]).toMatchObject({
      reference: 'CCB-O001',
      corrections: [
        {
          reference: 'CCB-0001',
          reason: REASON,
          by: 'finance.clerk@civil-affairs.example.gov.cn',
          at: '2026-04-10T08:00:00.000Z',
        },
      ],
    });
    expect((await fakes.purchases.listAudit(PURCHASE_ID)).at(-1)).toMatchObject({
      action: 'payment.reference-corrected',
      actor: 'finance.clerk@civil-affairs.example.gov.cn',
      detail: { tranche: 1, seq: 1, from: 'CCB-O001', to: 'CCB-0001', reason: REASON },
    });
    // Asked again: nothing more is recorded.
    expect((await invoke({ reference: 'CCB-0001', reason: REASON })).body.outcome).toBe('UNCHANGED');
    expect(
      (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
        (e) => e.action === 'payment.reference-corrected',
      ),
    ).toHaveLength(1);
  });

  it('the head of the finance section may correct too; an officer, an auditor or an approver may not', async () => {
    const head = staffClaims({ roles: '[finance-head]', email: 'finance.head@civil-affairs.example.gov.cn' });
    for (const roles of ['[officer]', '[auditor]', '[approver]', '[admin]'])
      expect((await invoke({ reference: 'CCB-0001', reason: REASON }, staffClaims({ roles }))).status).toBe(
        403,
      );
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.reference).toBe('CCB-O001');
    expect((await invoke({ reference: 'CCB-0001', reason: REASON }, head)).status).toBe(200);
  });

  it('answers 400 naming each field that is wrong: a reference that is none, a reason blank or too long', async () => {
    const answer = await invoke({ reference: 'CCB 0001', reason: '  ' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'reference', rule: 'correction-reference-invalid' }),
      expect.objectContaining({ field: 'reason', rule: 'correction-reason-required' }),
    ]);
    const long = await invoke({ reference: 'CCB-0001', reason: '理'.repeat(501) });
    expect(long.body.errors).toEqual([
      expect.objectContaining({ field: 'reason', rule: 'correction-reason-too-long' }),
    ]);
    expect((await invoke({ reason: REASON })).body.errors.map((e: { field: string }) => e.field)).toEqual([
      'reference',
    ]);
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.transfers?.[0]?.corrections).toBeUndefined();
  });

  it('answers 404 for a transfer the tranche has not, a tranche not paid, or a purchase that does not exist', async () => {
    expect((await invoke({ reference: 'CCB-0001', reason: REASON }, CLERK, '2')).status).toBe(404);
    expect((await invoke({ reference: 'CCB-0001', reason: REASON }, CLERK, '1', '2')).status).toBe(404);
    expect((await invoke({ reference: 'CCB-0001', reason: REASON }, CLERK, 'x')).status).toBe(400);
    fakes = createFakes('2026-04-10T08:00:00.000Z');
    expect((await invoke({ reference: 'CCB-0001', reason: REASON })).status).toBe(404);
  });
});
