import { afterEach, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../infra/local/samples/proposals.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import type { Decision, PublicHumanTask } from '../../shared/domain/tasks.js';
import { purchaseRecord } from '../support/fakes/index.js';
import { type Cast, InProcessLifecycle } from '../support/in-process-lifecycle.js';
import { LifecyclePeople } from '../support/lifecycle-people.js';
import { TEST_POLICY } from '../support/settings.js';

/**
 * An amendment of a signed contract played on the synthesized state machine with the real
 * handlers: its approval runs in an execution of its own, entered at AMENDMENT, asks the levels its
 * new value requires from e-mailed links, and applies it in one transaction with the budget line.
 */

const STARTS_AT = '2026-06-01T01:00:00.000Z';
const PURCHASE = 'PUR-2026-AMENDWORKFLOW001';
const OFFICER = 'lin.officer@civil-affairs.example.gov.cn';
const LINE = '2026-MZ-ELDER-01';

/** The sample contract at ¥240,000 (under the full-chain threshold of ¥300,000), signed and in its mid-term. */
function signedContract(): Proposal {
  const sample = sampleProposal();
  return {
    ...sample,
    totalFen: 24_000_000,
    budgetLines: [{ item: '人员及服务经费', amountFen: 24_000_000 }],
  };
}

/** Every pending task of the purchase is decided `decision` by whoever holds it. */
function everyoneDecides(lifecycle: InProcessLifecycle, decision: Decision): Cast {
  const people = new LifecyclePeople(lifecycle.people);
  return {
    answerTo(ask) {
      if (ask.step !== 'RequestDecision' || ask.attempt !== 'FIRST') return undefined;
      return async () => {
        const pending = (await lifecycle.fakes.tasks.listTasks(PURCHASE)).filter(
          (t: PublicHumanTask) => t.status === 'PENDING',
        );
        const task = pending.at(-1);
        if (!task) throw new Error('nothing pending');
        await people.decide(
          task.assignee.email,
          PURCHASE,
          decision,
          decision === 'REJECT' ? '追加理由不充分。' : '',
        );
      };
    },
    onPaymentNotice: () => undefined,
  };
}

async function seeded(): Promise<InProcessLifecycle> {
  const lifecycle = await InProcessLifecycle.start({ startsAt: STARTS_AT, msPerSecond: 0.0001 });
  const { fakes } = lifecycle;
  await fakes.budgets.ensureBudgetLine({
    lineId: LINE,
    year: 2026,
    description: '养老服务',
    totalFen: 60_000_000,
  });
  await fakes.budgets.reserve({ lineId: LINE, purchaseId: PURCHASE, amountFen: 24_000_000, now: STARTS_AT });
  fakes.purchases.seed(
    purchaseRecord(PURCHASE, signedContract(), {
      stage: 'MIDTERM_REVIEW',
      createdBy: OFFICER,
      approvalLevels: ['SECTION_CHIEF'],
      budget: { lineId: LINE, amountFen: 24_000_000, status: 'RESERVED', at: STARTS_AT },
      contract: { key: 'c', sha256: 'h', issuedAt: STARTS_AT, signedAt: STARTS_AT },
    }),
  );
  return lifecycle;
}

const RAISE = {
  rationale: '服务对象增加一倍，追加服务经费并延长服务期。',
  totalFen: 40_000_000,
  budgetLines: [{ item: '人员及服务经费', amountFen: 40_000_000 }],
  endDate: '2026-12-30',
};

let lifecycle: InProcessLifecycle | undefined;
afterEach(async () => {
  await lifecycle?.close();
  lifecycle = undefined;
});

describe('an amendment of a signed contract, in its own execution', () => {
  it('raised above the full-chain threshold, asks all three levels one at a time, then applies it with the budget line', async () => {
    lifecycle = await seeded();
    lifecycle.castAs(everyoneDecides(lifecycle, 'APPROVE'));
    const requested = await lifecycle.amend(PURCHASE, RAISE, OFFICER);
    expect(requested).toMatchObject({ outcome: 'REQUESTED', amendment: { id: 'A1', status: 'PROPOSED' } });
    await lifecycle.playUntilEnd(45_000);

    const asked = lifecycle.asks.filter((a) => a.step === 'RequestDecision').map((a) => a.input);
    expect(asked.map((a) => [a.purpose, a.level, a.amendmentId])).toEqual([
      ['AMENDMENT_APPROVAL', 'SECTION_CHIEF', 'A1'],
      ['AMENDMENT_APPROVAL', 'FINANCE_SECTION', 'A1'],
      ['AMENDMENT_APPROVAL', 'BUREAU_DIRECTOR', 'A1'],
    ]);
    const purchase = await lifecycle.fakes.purchases.getPurchase(PURCHASE);
    expect(purchase?.proposal.totalFen).toBe(40_000_000);
    expect(purchase?.proposal.term.end).toBe('2026-12-30');
    expect(purchase?.stage).toBe('MIDTERM_REVIEW');
    expect(purchase?.budget).toMatchObject({ lineId: LINE, amountFen: 40_000_000, status: 'RESERVED' });
    expect(purchase?.amendments?.[0]).toMatchObject({
      id: 'A1',
      status: 'APPROVED',
      levels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {
        SECTION_CHIEF: { decision: 'APPROVE', by: TEST_POLICY.approval.approvers.SECTION_CHIEF.email },
        BUREAU_DIRECTOR: { decision: 'APPROVE', by: TEST_POLICY.approval.approvers.BUREAU_DIRECTOR.email },
      },
    });
    expect((await lifecycle.fakes.budgets.getBudgetLine(LINE))?.availableFen).toBe(20_000_000);
    const actions = (await lifecycle.fakes.purchases.listAudit(PURCHASE)).map((e) => e.action);
    expect(actions).toContain('amendment.requested');
    expect(actions).toContain('amendment.applied');
    const execution = (await lifecycle.executionsOf(PURCHASE)).map((e) => [e.name, e.status]);
    expect(execution).toEqual([[`${PURCHASE}-AMENDMENT-1`, 'SUCCEEDED']]);
    expect(lifecycle.people.mail.sent.some((m) => m.to === OFFICER && /合同变更已生效/.test(m.subject))).toBe(
      true,
    );
    const ngo = signedContract().ngo.contactEmail;
    expect(
      lifecycle.people.mail.sent.filter((m) => m.to === ngo && /合同已变更/.test(m.subject)),
    ).toHaveLength(1);
  }, 60_000);

  it('rejected by the first level, leaves the contract and the budget line as they were', async () => {
    lifecycle = await seeded();
    lifecycle.castAs(everyoneDecides(lifecycle, 'REJECT'));
    await lifecycle.amend(PURCHASE, RAISE, OFFICER);
    await lifecycle.playUntilEnd(45_000);

    expect(lifecycle.asks.filter((a) => a.step === 'RequestDecision')).toHaveLength(1);
    const purchase = await lifecycle.fakes.purchases.getPurchase(PURCHASE);
    expect(purchase?.proposal).toEqual(signedContract());
    expect(purchase?.budget?.amountFen).toBe(24_000_000);
    expect(purchase?.amendments?.[0]).toMatchObject({
      status: 'REJECTED',
      reason: { en: expect.stringContaining('追加理由不充分。') },
    });
    expect((await lifecycle.fakes.budgets.getBudgetLine(LINE))?.availableFen).toBe(36_000_000);
  }, 60_000);
});
