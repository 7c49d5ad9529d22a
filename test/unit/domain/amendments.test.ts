import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import {
  amendmentDecision,
  amendmentExecutionName,
  amendmentRefusal,
  applyChanges,
  draftAmendment,
  nextAmendmentId,
  type SettledTranche,
} from '../../../shared/domain/amendments.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { tranchePlan } from '../../../shared/domain/payments.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const TODAY = '2026-06-01';
const contract = sampleProposal();

function draft(body: unknown, settled: SettledTranche[] = [], proposal: Proposal = contract) {
  return draftAmendment({ proposal, body, settled, settings: TEST_POLICY, today: TODAY });
}

function refusal(body: unknown, settled: SettledTranche[] = []): { field: string; rule: string }[] {
  try {
    draft(body, settled);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  throw new Error('the amendment was accepted');
}

const RATIONALE = '服务对象增加，延长服务期限并追加经费。';

/** The sample's cost breakdown with its first line raised by `moreFen`. */
const linesPlus = (moreFen: number) =>
  contract.budgetLines.map((l, i) => (i === 0 ? { ...l, amountFen: l.amountFen + moreFen } : l));

describe('an amendment of a signed contract', () => {
  it('changes the end of the term and records the former and the new date', () => {
    const { proposal, changes } = draft({ rationale: RATIONALE, endDate: '2026-12-30' });
    expect(proposal.term).toEqual({ start: '2026-01-01', end: '2026-12-30' });
    expect(changes).toEqual([{ field: 'term.end', former: '2026-12-31', value: '2026-12-30' }]);
  });

  it('raises the value with its cost breakdown, the tranches following their shares', () => {
    const { proposal, changes } = draft({
      rationale: RATIONALE,
      totalFen: 50_000_000,
      budgetLines: linesPlus(2_000_000),
    });
    expect(proposal.totalFen).toBe(50_000_000);
    expect(changes.map((c) => c.field)).toEqual(['totalFen', 'budgetLines']);
    expect(tranchePlan(proposal).map((t) => t.amountFen)).toEqual([15_000_000, 20_000_000, 15_000_000]);
  });

  it('keeps a notified tranche at what finance was told when the tranche amounts are given', () => {
    const settled = [{ milestone: 'CONTRACT_SIGNED' as const, amountFen: 14_400_000 }];
    const { proposal } = draft(
      {
        rationale: RATIONALE,
        totalFen: 50_000_000,
        budgetLines: linesPlus(2_000_000),
        tranches: [
          { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000 },
          { milestone: 'MIDTERM_PASSED', amountFen: 20_600_000 },
          { milestone: 'EVALUATION_PASSED', amountFen: 15_000_000 },
        ],
      },
      settled,
    );
    expect(tranchePlan(proposal).map((t) => t.amountFen)).toEqual([14_400_000, 20_600_000, 15_000_000]);
    expect(proposal.trancheSchedule.reduce((t, s) => t + s.percent, 0)).toBe(100);
  });

  it('refuses a new value that would move a notified tranche, naming the tranches', () => {
    const settled = [{ milestone: 'CONTRACT_SIGNED' as const, amountFen: 14_400_000 }];
    expect(
      refusal({ rationale: RATIONALE, totalFen: 50_000_000, budgetLines: linesPlus(2_000_000) }, settled),
    ).toEqual([{ field: 'tranches', rule: 'amendment-settled-tranche' }]);
  });

  it('refuses a value below what finance was already told to pay', () => {
    const settled = [{ milestone: 'CONTRACT_SIGNED' as const, amountFen: 14_400_000 }];
    const errors = refusal(
      {
        rationale: RATIONALE,
        totalFen: 10_000_000,
        budgetLines: [{ item: '人员经费', amountFen: 10_000_000 }],
        tranches: [
          { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000 },
          { milestone: 'MIDTERM_PASSED', amountFen: 1 },
          { milestone: 'EVALUATION_PASSED', amountFen: 1 },
        ],
      },
      settled,
    );
    expect(errors).toContainEqual({ field: 'totalFen', rule: 'amendment-below-settled' });
    expect(errors).toContainEqual({ field: 'tranches', rule: 'tranche-amounts-sum' });
  });

  it('refuses tranche amounts that do not add up to the value', () => {
    expect(
      refusal({
        rationale: RATIONALE,
        tranches: [
          { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000 },
          { milestone: 'MIDTERM_PASSED', amountFen: 19_200_000 },
          { milestone: 'EVALUATION_PASSED', amountFen: 1 },
        ],
      }),
    ).toEqual([{ field: 'tranches', rule: 'tranche-amounts-sum' }]);
  });

  it('refuses tranches for milestones the plan does not pay at', () => {
    expect(
      refusal({ rationale: RATIONALE, tranches: [{ milestone: 'CONTRACT_SIGNED', amountFen: 48_000_000 }] }),
    ).toEqual([{ field: 'tranches', rule: 'amendment-tranche-milestones' }]);
  });

  it('refuses a new value without its cost breakdown', () => {
    expect(refusal({ rationale: RATIONALE, totalFen: 50_000_000 })).toEqual([
      { field: 'budgetLines', rule: 'amendment-budget-lines-required' },
      { field: 'budgetLines', rule: 'budget-lines-sum' },
    ]);
  });

  it('holds the amended term to the policy rules: not before today, at most 12 months unjustified', () => {
    // The deliverables due after the new end fall outside the term too: the same rules as a proposal.
    expect(refusal({ rationale: RATIONALE, endDate: '2026-05-31' })).toContainEqual({
      field: 'endDate',
      rule: 'term-already-ended',
    });
    expect(refusal({ rationale: RATIONALE, endDate: '2027-03-31' })).toEqual([
      { field: 'justification', rule: 'term-justification-required' },
    ]);
    expect(refusal({ rationale: RATIONALE, endDate: '2025-12-31' })).toContainEqual({
      field: 'endDate',
      rule: 'term-end-after-start',
    });
  });

  it('requires a rationale of at least 10 characters and at least one change', () => {
    expect(refusal({ rationale: '太短', endDate: '2026-12-30' })).toEqual([
      { field: 'rationale', rule: 'schema-too-small' },
    ]);
    expect(refusal({ rationale: RATIONALE, endDate: contract.term.end })).toEqual([
      { field: 'changes', rule: 'amendment-no-change' },
    ]);
    expect(refusal({ rationale: RATIONALE, price: 1 })).toContainEqual({
      field: 'price',
      rule: 'schema-unknown-field',
    });
  });

  it('changes the NGO contact address', () => {
    const { proposal } = draft({ rationale: RATIONALE, ngoContactEmail: 'new-contact@ngo.example.cn' });
    expect(proposal.ngo.contactEmail).toBe('new-contact@ngo.example.cn');
    expect(proposal.ngo.creditCode).toBe(contract.ngo.creditCode);
  });

  it('applies its recorded changes to the contract as drafted', () => {
    const { proposal, changes } = draft({
      rationale: RATIONALE,
      endDate: '2026-12-30',
      totalFen: 50_000_000,
      budgetLines: linesPlus(2_000_000),
    });
    expect(applyChanges(contract, changes)).toEqual(proposal);
  });
});

describe('when an amendment may be requested', () => {
  const signed = () => ({
    ...purchaseRecord('p-1', contract, { stage: 'MIDTERM_REVIEW' }),
    contract: { key: 'k', sha256: 'h', issuedAt: '2026-01-02T00:00:00Z', signedAt: '2026-01-05T00:00:00Z' },
  });

  it('only once the contract is signed, and never after the purchase ended', () => {
    expect(amendmentRefusal(signed())).toBeUndefined();
    expect(amendmentRefusal({ ...signed(), contract: undefined })?.en).toMatch(/not in force/);
    expect(amendmentRefusal({ ...signed(), stage: 'CLOSED' })?.en).toMatch(/closed/);
  });

  it('one at a time: an amendment awaiting approval refuses the next', () => {
    const open = {
      id: 'A1',
      requestedBy: 'o@x.cn',
      requestedAt: '2026-06-01T00:00:00Z',
      rationale: RATIONALE,
      changes: [],
      levels: ['SECTION_CHIEF' as const],
      status: 'PROPOSED' as const,
      approvals: {},
    };
    expect(amendmentRefusal({ ...signed(), amendments: [open] })?.en).toMatch(/A1 is still awaiting/);
    expect(amendmentRefusal({ ...signed(), amendments: [{ ...open, status: 'REJECTED' }] })).toBeUndefined();
    expect(nextAmendmentId([open])).toBe('A2');
    expect(amendmentExecutionName('p-1', 'A2')).toBe('p-1-AMENDMENT-2');
  });

  it("reads a level's decision whether the approver or the deputy took it", () => {
    const decision = {
      decision: 'APPROVE' as const,
      by: 'd@x.cn',
      byName: 'D',
      comment: '',
      at: 'now',
      taskId: 't',
    };
    expect(
      amendmentDecision(
        { decisions: { 'AMENDMENT:A1:SECTION_CHIEF:ESCALATED': decision } },
        'A1',
        'SECTION_CHIEF',
      ),
    ).toEqual(decision);
    expect(amendmentDecision({ decisions: {} }, 'A1', 'SECTION_CHIEF')).toBeUndefined();
  });
});
