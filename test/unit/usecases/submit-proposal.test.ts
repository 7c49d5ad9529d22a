import { beforeEach, describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { StaffMember } from '../../../shared/domain/staff-roles.js';
import { trackRecordEntry } from '../../../shared/domain/track-record.js';
import { newPurchaseId, submitProposal } from '../../../shared/usecases/submit-proposal.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const settings = TEST_POLICY;
const officer: StaffMember = {
  sub: 'officer-7',
  roles: ['officer'],
  email: 'officer@civil-affairs.example.gov.cn',
  name: 'Lin Officer',
};
let fakes: Fakes;

const submit = (body: unknown, idempotencyKey?: string, staff = officer) =>
  submitProposal(
    {
      purchases: fakes.purchases,
      budgets: fakes.budgets,
      workflow: fakes.workflow,
      settings,
      now: fakes.clock.now,
      trackRecords: fakes.trackRecords,
    },
    { body, staff, idempotencyKey },
  );

async function validationErrorOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

describe('newPurchaseId', () => {
  it('is PUR-<year>- and 16 unambiguous capitals or digits, different every time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newPurchaseId('2026-03-02T08:00:00.000Z')));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^PUR-2026-[ABCDEFGHJKMNPQRSTVWXYZ0-9]{16}$/);
  });
});

describe('an NGO barred by a failed evaluation', () => {
  it('is refused at submission for the rest of the following year, naming the credit code and the date', async () => {
    const proposal = sampleProposal();
    await fakes.trackRecords.addEvaluation(
      proposal.ngo.creditCode,
      trackRecordEntry({
        purchaseId: 'PUR-2025-FAILEDAAAAAAAAAA',
        grade: 'FAIL',
        total: 552,
        evaluatedAt: '2025-11-20T02:00:00.000Z',
      }),
    );
    const error = await validationErrorOf(submit(proposal));
    expect(error.errors).toEqual([
      expect.objectContaining({
        field: 'ngo.creditCode',
        rule: 'ngo-barred',
        value: proposal.ngo.creditCode,
      }),
    ]);
    expect(error.errors[0]?.allowed).toContain('2026-12-31');
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('is not barred by a passed evaluation', async () => {
    const proposal = sampleProposal();
    await fakes.trackRecords.addEvaluation(
      proposal.ngo.creditCode,
      trackRecordEntry({
        purchaseId: 'PUR-2025-PASSEDAAAAAAAAAA',
        grade: 'GOOD',
        total: 850,
        evaluatedAt: '2025-11-20T02:00:00.000Z',
      }),
    );
    const { created } = await submit(proposal);
    expect(created).toBe(true);
  });
});

describe('what is left on the budget line', () => {
  /** The sample's line with `leftFen` left, another purchase holding the rest. */
  async function lineWithLeft(leftFen: number): Promise<string> {
    const lineId = sampleProposal().budgetLineRef;
    const total = TEST_POLICY.budgetLines.find((l) => l.lineId === lineId)?.totalFen ?? 0;
    await fakes.budgets.ensureBudgetLine({ lineId, year: 2026, description: 'x', totalFen: total });
    await fakes.budgets.reserve({
      lineId,
      purchaseId: 'PUR-2026-OTHERAAAAAAAAAAA',
      amountFen: total - leftFen,
      now: fakes.clock.now(),
    });
    return lineId;
  }

  it('refuses a proposal the line no longer holds, on budgetLineRef, naming what is left in both languages', async () => {
    const lineId = await lineWithLeft(47_999_999);
    const error = await validationErrorOf(submit(sampleProposal()));
    expect(error.errors).toEqual([
      expect.objectContaining({
        field: 'budgetLineRef',
        rule: 'budget-line-remaining',
        message: `budget line ${lineId} has ¥479,999.99 left; the proposal needs ¥480,000.00`,
        zh: `预算指标 ${lineId} 剩余 ¥479,999.99，本项目需要 ¥480,000.00。`,
      }),
    ]);
    expect(fakes.purchases.records.size).toBe(0);
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('accepts a proposal that takes exactly what is left, and one on a line nobody reserved on yet', async () => {
    expect((await submit(sampleProposal())).created).toBe(true);
    await lineWithLeft(48_000_000);
    expect((await submit(sampleProposal())).created).toBe(true);
  });

  it('answers a repeated submission with its first purchase even after that purchase took the last money', async () => {
    const first = await submit(sampleProposal(), 'retry-key-0002');
    // The workflow reserved the first purchase's amount, and it was all that was left.
    await lineWithLeft(48_000_000);
    await fakes.budgets.reserve({
      lineId: sampleProposal().budgetLineRef,
      purchaseId: first.purchase.purchaseId,
      amountFen: 48_000_000,
      now: fakes.clock.now(),
    });

    const again = await submit(sampleProposal(), 'retry-key-0002');
    expect(again).toMatchObject({ created: false, purchase: { purchaseId: first.purchase.purchaseId } });
    // A new submission (another key) is refused: nothing is left.
    await validationErrorOf(submit(sampleProposal(), 'another-key-03'));
  });
});

describe('submitProposal', () => {
  it('stores a valid proposal at PROPOSAL under the officer and starts its execution named by the purchase', async () => {
    const { purchase, created } = await submit(sampleProposal());

    expect(created).toBe(true);
    expect(purchase.purchaseId).toMatch(/^PUR-2026-[A-Z0-9]{16}$/);
    expect(purchase.stage).toBe('PROPOSAL');
    expect(purchase.createdBy).toBe(officer.email);
    expect(purchase.proposal).toEqual(sampleProposal());
    // Stored as returned, then once more changed by the audit entry naming its execution.
    const { version, auditSeq, auditHash, ...stored } =
      (await fakes.purchases.getPurchase(purchase.purchaseId)) ?? {};
    const { version: v0, auditSeq: s0, auditHash: h0, ...returned } = purchase;
    expect(stored).toEqual(returned);
    expect([version, auditSeq]).toEqual([v0 + 1, (s0 ?? 0) + 1]);
    expect(auditHash).not.toBe(h0);
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: purchase.purchaseId, executionName: purchase.purchaseId },
    ]);
  });

  it('records the token subject as creator when the token carries no e-mail', async () => {
    const { purchase } = await submit(sampleProposal(), undefined, { sub: 'officer-9' } as typeof officer);
    expect(purchase.createdBy).toBe('officer-9');
  });

  it('refuses a malformed proposal with one field error per problem, and stores and starts nothing', async () => {
    const body = { ...sampleProposal(), totalFen: 48_000_000.5, discountFen: 100 };

    const error = await validationErrorOf(submit(body));

    expect(error.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'totalFen', rule: 'money-integer-fen', value: 48_000_000.5 }),
        expect.objectContaining({ field: 'discountFen', rule: 'schema-unknown-field' }),
      ]),
    );
    expect(error.message).toContain('totalFen');
    expect(error.message).toContain('discountFen');
    expect(fakes.purchases.records.size).toBe(0);
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('reports every broken policy rule at once: a wrong credit-code check digit and pay below the benchmark', async () => {
    const code = creditCodeFrom('52350203MJ0427315');
    const wrongCheck = code.endsWith('0') ? `${code.slice(0, 17)}1` : `${code.slice(0, 17)}0`;
    const p = sampleProposal();
    const body = {
      ...p,
      ngo: { ...p.ngo, creditCode: wrongCheck },
      staffPlan: [
        { ...p.staffPlan[0], monthlySalaryFen: 300_000, monthlySocialWelfareFen: 50_000 },
        p.staffPlan[1],
      ],
    };

    const error = await validationErrorOf(submit(body));

    expect(error.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['ngo.creditCode', 'staffPlan[0].monthlySalaryFen']),
    );
    expect(error.errors.map((e) => e.rule)).toEqual(
      expect.arrayContaining(['credit-code-check-digit', 'salary-benchmark']),
    );
    expect(fakes.purchases.records.size).toBe(0);
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('judges a term that is already over by the clock it is given', async () => {
    fakes.clock.set('2027-02-01T00:00:00.000Z');
    const error = await validationErrorOf(submit(sampleProposal()));
    expect(error.errors.map((e) => e.rule)).toContain('term-already-ended');
  });

  it('a repeated submission with the same idempotency key returns the first purchase, created:false, and starts it again harmlessly', async () => {
    const first = await submit(sampleProposal(), 'retry-key-0001');
    fakes.clock.advanceSeconds(5);
    const again = await submit(sampleProposal(), 'retry-key-0001');

    expect(again.created).toBe(false);
    expect(again.purchase.purchaseId).toBe(first.purchase.purchaseId);
    expect(fakes.purchases.records.size).toBe(1);
    // The second start uses the same execution name, so Step Functions refuses a duplicate.
    const named = { purchaseId: first.purchase.purchaseId, executionName: first.purchase.purchaseId };
    expect(fakes.workflow.starts).toEqual([named, named]);
    expect(fakes.workflow.executions.size).toBe(1);
  });

  it('the same key from another officer is another purchase', async () => {
    const mine = await submit(sampleProposal(), 'shared-key-01');
    const theirs = await submit(sampleProposal(), 'shared-key-01', {
      sub: 'officer-8',
      roles: ['officer'],
      email: 'other@civil-affairs.example.gov.cn',
      name: 'Other',
    });
    expect(theirs.created).toBe(true);
    expect(theirs.purchase.purchaseId).not.toBe(mine.purchase.purchaseId);
  });

  it('without an idempotency key each submission is a new purchase', async () => {
    const a = await submit(sampleProposal());
    const b = await submit(sampleProposal());
    expect(a.purchase.purchaseId).not.toBe(b.purchase.purchaseId);
    expect(fakes.purchases.records.size).toBe(2);
  });
});
