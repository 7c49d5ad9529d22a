import { describe, expect, it } from 'vitest';
import { placeServerErrors, WHOLE_FORM } from '../../../console/src/proposal/field-errors.js';
import {
  type AmendmentValueDraft,
  type TranchePayment,
  valueDraftOf,
  valuePaths,
  valueRequest,
  valueTypedProblems,
} from '../../../console/src/purchase/amendment-value.js';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { draftAmendment } from '../../../shared/domain/amendments.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { TEST_POLICY } from '../../support/settings.js';

const TODAY = '2026-06-01';
/** ¥480,000 in 30 / 40 / 30: ¥144,000, ¥192,000, ¥144,000. */
const contract = sampleProposal();
/** Finance was told to pay the first tranche at signature. */
const firstNotified: TranchePayment[] = [
  { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000, notifiedAt: '2026-03-10T02:00:00.000Z' },
];
const settled = [{ milestone: 'CONTRACT_SIGNED' as const, amountFen: 14_400_000 }];

const edited = (change: (d: AmendmentValueDraft) => void): AmendmentValueDraft => {
  const d = structuredClone(valueDraftOf(contract, firstNotified));
  change(d);
  return d;
};

describe("the amendment form's new value", () => {
  it('starts from the contract: the total, every cost line and each tranche in yuan, a notified tranche settled', () => {
    const draft = valueDraftOf(contract, firstNotified);
    expect(draft.totalYuan).toBe('480000.00');
    expect(draft.budgetLines).toEqual(
      contract.budgetLines.map((l) => ({ item: l.item, amountYuan: (l.amountFen / 100).toFixed(2) })),
    );
    expect(draft.tranches).toEqual([
      { milestone: 'CONTRACT_SIGNED', amountYuan: '144000.00', settled: true },
      { milestone: 'MIDTERM_PASSED', amountYuan: '192000.00', settled: false },
      { milestone: 'EVALUATION_PASSED', amountYuan: '144000.00', settled: false },
    ]);
  });

  it('shows a notified tranche at what finance was told to pay, and a plan given in amounts at those amounts', () => {
    const amended: Proposal = {
      ...contract,
      trancheSchedule: [
        { milestone: 'EVALUATION_PASSED', percent: 30, amountFen: 14_500_000 },
        { milestone: 'CONTRACT_SIGNED', percent: 30, amountFen: 14_400_000 },
        { milestone: 'MIDTERM_PASSED', percent: 40, amountFen: 19_100_000 },
      ],
    };
    const draft = valueDraftOf(amended, [
      { milestone: 'CONTRACT_SIGNED', amountFen: 14_000_000, notifiedAt: '2026-03-10T02:00:00.000Z' },
      // Withheld before finance was ever told: not settled by a notice.
      { milestone: 'MIDTERM_PASSED', amountFen: 0 },
    ]);
    expect(draft.tranches.map((t) => [t.milestone, t.amountYuan, t.settled])).toEqual([
      ['CONTRACT_SIGNED', '140000.00', true],
      ['MIDTERM_PASSED', '191000.00', false],
      ['EVALUATION_PASSED', '145000.00', false],
    ]);
  });

  it('adds nothing to the request while the value, lines and tranches are as the contract has them, however retyped', () => {
    const initial = valueDraftOf(contract, firstNotified);
    expect(valueRequest(initial, initial)).toEqual({});
    const retyped = edited((d) => {
      d.totalYuan = '480,000';
      d.tranches[1] = { ...(d.tranches[1] as AmendmentValueDraft['tranches'][number]), amountYuan: '192000' };
    });
    expect(valueRequest(retyped, initial)).toEqual({});
  });

  it('sends a higher value with the whole breakdown and every tranche, the notified one as it was, which the server accepts', () => {
    const initial = valueDraftOf(contract, firstNotified);
    const higher = edited((d) => {
      d.totalYuan = '500000';
      d.budgetLines.push({ item: '入户探访', amountYuan: '20000' });
      const [, second, third] = d.tranches;
      if (second) second.amountYuan = '200000';
      if (third) third.amountYuan = '156000.00';
    });
    const body = valueRequest(higher, initial);
    expect(body).toEqual({
      totalFen: 50_000_000,
      budgetLines: [...contract.budgetLines, { item: '入户探访', amountFen: 2_000_000 }],
      tranches: [
        { milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000 },
        { milestone: 'MIDTERM_PASSED', amountFen: 20_000_000 },
        { milestone: 'EVALUATION_PASSED', amountFen: 15_600_000 },
      ],
    });
    const drafted = draftAmendment({
      proposal: contract,
      body: { rationale: '服务对象增加，追加入户探访经费。', ...body },
      settled,
      settings: TEST_POLICY,
      today: TODAY,
    });
    expect(drafted.changes.map((c) => c.field)).toEqual(['totalFen', 'budgetLines', 'trancheSchedule']);
  });

  it('sends only new tranche amounts as the whole plan when the value stays', () => {
    const initial = valueDraftOf(contract, firstNotified);
    const moved = edited((d) => {
      const [, second, third] = d.tranches;
      if (second) second.amountYuan = '182000';
      if (third) third.amountYuan = '154000';
    });
    const body = valueRequest(moved, initial);
    expect(body.totalFen).toBe(contract.totalFen);
    expect(body.tranches?.map((t) => t.amountFen)).toEqual([14_400_000, 18_200_000, 15_400_000]);
  });

  it('names every amount that is not one, or is empty, by the path the server would use', () => {
    const typed = edited((d) => {
      d.totalYuan = '50万';
      const line = d.budgetLines[1];
      if (line) line.amountYuan = '';
      const third = d.tranches[2];
      if (third) third.amountYuan = '1.234';
    });
    expect([...valueTypedProblems(typed).keys()]).toEqual([
      'totalFen',
      'budgetLines[1].amountFen',
      'tranches[2].amountFen',
    ]);
    expect(valueTypedProblems(valueDraftOf(contract, firstNotified)).size).toBe(0);
  });

  it("places the server's errors at the cost line and tranche they name; one about the notified tranche on the plan", () => {
    const draft = valueDraftOf(contract, firstNotified);
    const shown = new Set(valuePaths(draft));
    const placed = placeServerErrors(
      [
        {
          field: 'budgetLines[1].amountFen',
          rule: 'invalid_type',
          message: 'expected a whole number of fen',
        },
        { field: 'tranches[2].amountFen', rule: 'too_small', message: 'too small' },
        { field: 'tranches[0].amountFen', rule: 'too_small', message: 'too small' },
        { field: 'totalFen', rule: 'amendment-below-settled', message: 'the value cannot be less' },
        { field: 'changes', rule: 'amendment-no-change', message: 'the amendment changes nothing' },
      ],
      shown,
    );
    expect([...placed.keys()]).toEqual([
      'budgetLines[1].amountFen',
      'tranches[2].amountFen',
      'tranches',
      'totalFen',
      WHOLE_FORM,
    ]);
    expect(placed.get('tranches')?.[0]?.en).toContain('(tranches[0].amountFen)');
  });
});
