import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/waive-tranche/handler.js');

const PURCHASE_ID = 'PUR-2026-WAIVEROUTEAAAAAA';
const HEAD = staffClaims({ roles: '[finance-head]', email: 'finance.head@civil-affairs.example.gov.cn' });
const REASON = '机构已书面放弃尾款 · the NGO renounced the final tranche in writing';
let fakes: Fakes;

beforeEach(async () => {
  fakes = createFakes('2027-03-03T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'EVALUATION' }));
  await fakes.payments.openPayment(
    {
      purchaseId: PURCHASE_ID,
      tranche: 3,
      milestone: 'EVALUATION_PASSED',
      amountFen: 14_400_000,
      dueDate: '2027-02-01',
      notifiedAt: '2027-01-02T08:00:00.000Z',
    },
    '2027-01-02T08:00:00.000Z',
  );
});

const invoke = async (body: unknown, claims: Record<string, unknown> = HEAD, tranche = '3') => {
  const handler = createHandler({
    purchases: fakes.purchases,
    payments: fakes.payments,
    tasks: fakes.tasks,
    callbacks: fakes.callbacks,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method: 'POST',
    path: `/purchases/${PURCHASE_ID}/tranches/${tranche}/waive`,
    route: '/purchases/{id}/tranches/{tranche}/waive',
    pathParameters: { id: PURCHASE_ID, tranche },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('waive-tranche')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

describe('POST /purchases/{id}/tranches/{tranche}/waive', () => {
  it('the finance section head waives a tranche due with the trimmed reason, named on the record and the audit trail', async () => {
    const answer = await invoke({ reason: `  ${REASON}  ` });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'WAIVED',
      payment: {
        tranche: 3,
        status: 'WAIVED',
        reason: REASON,
        waivedBy: 'finance.head@civil-affairs.example.gov.cn',
      },
      closingResumed: false,
    });
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      action: 'payment.waived',
      actor: 'finance.head@civil-affairs.example.gov.cn',
      detail: { tranche: 3, amountFen: 14_400_000, reason: REASON },
    });
  });

  it("closes the tranche's confirmation links, the rest's too, and no other task", async () => {
    const open = (stepKey: string) =>
      fakes.tasks.openTask({
        purchaseId: PURCHASE_ID,
        stepKey,
        purpose: 'PAYMENT_CONFIRMATION',
        level: 'FINANCE_SECTION',
        attempt: 'FIRST',
        assignee: { name: 'Finance', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' },
        expiresAt: '2027-06-01T00:00:00.000Z',
        now: fakes.clock.now(),
      });
    const { task: first } = await open('PAYMENT:3');
    const { task: rest } = await open('PAYMENT:3:2');
    const { task: other } = await open('PAYMENT:2');

    expect((await invoke({ reason: REASON })).status).toBe(200);

    expect(fakes.tasks.stored(first.taskId).status).toBe('EXPIRED');
    expect(fakes.tasks.stored(rest.taskId).status).toBe('EXPIRED');
    expect(fakes.tasks.stored(other.taskId).status).toBe('PENDING');
  });

  it('an administrator may waive too; the last tranche waived resumes the waiting closing step', async () => {
    await fakes.payments.armSettlementWait({
      purchaseId: PURCHASE_ID,
      taskToken: 'closing',
      now: fakes.clock.now(),
    });

    const answer = await invoke(
      { reason: REASON },
      staffClaims({ roles: '[admin]', email: 'admin@civil-affairs.example.gov.cn' }),
    );

    expect(answer.status).toBe(200);
    expect(answer.body.closingResumed).toBe(true);
    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'closing', output: { next: 'CLOSE' } }]);
  });

  it('answers 403 to the finance clerk who confirms payments, an officer and an auditor, and records nothing', async () => {
    for (const roles of ['[finance]', '[officer]', '[auditor]', '[approver]']) {
      expect((await invoke({ reason: REASON }, staffClaims({ roles }))).status).toBe(403);
    }
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.status).toBe('NOTIFIED');
  });

  it('answers 400 naming the reason when it is blank or too long, with the rule and what is allowed', async () => {
    for (const [reason, rule] of [
      ['   ', 'waiver-reason-required'],
      ['理'.repeat(501), 'waiver-reason-too-long'],
    ] as const) {
      const answer = await invoke({ reason });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ field: 'reason', rule, allowed: '1 to 500 characters' }),
      ]);
    }
    expect((await invoke({})).body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.status).toBe('NOTIFIED');
  });

  it('answers 400 naming the tranche when the path does not give 1, 2 or 3', async () => {
    for (const tranche of ['0', '4', 'x', '1.5']) {
      const answer = await invoke({ reason: REASON }, HEAD, tranche);
      expect(answer.status, tranche).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['tranche']);
    }
  });

  it('a repeat answers the first waiver; a paid tranche, one not yet due or an unknown purchase is refused', async () => {
    await invoke({ reason: REASON });
    const again = await invoke({ reason: 'another reason' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'ALREADY_WAIVED', payment: { reason: REASON } });

    const notDue = await invoke({ reason: REASON }, HEAD, '2');
    expect(notDue.status).toBe(409);
    expect(notDue.body).toMatchObject({
      outcome: 'NOT_WAIVABLE',
      message: {
        zh: expect.stringContaining('尚未到期'),
        en: 'Tranche 2 has not fallen due: there is nothing to waive.',
      },
    });

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
      by: 'f@x.cn',
      reference: 'B-1',
      now: fakes.clock.now(),
    });
    const paid = await invoke({ reason: REASON }, HEAD, '1');
    expect(paid.status).toBe(409);
    expect(paid.body.message.en).toBe('Tranche 1 is paid: only a tranche that is due can be waived.');

    fakes = createFakes('2027-03-03T08:00:00.000Z');
    expect((await invoke({ reason: REASON })).status).toBe(404);
  });
});
