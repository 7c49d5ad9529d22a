import { describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import { expectedCheckCharacter } from '../../../shared/domain/credit-code.js';
import { RULE_IDS } from '../../../shared/domain/field-errors.js';
import type { PolicyOptions } from '../../../shared/domain/policy/term-rules.js';
import { checkProposalPolicy } from '../../../shared/domain/policy.js';
import type { PolicySettings } from '../../../shared/domain/policy-settings.js';
import type { Proposal, StaffLine } from '../../../shared/domain/proposal.js';
import { TEST_POLICY } from '../../support/settings.js';

const policy = TEST_POLICY;

/** Settings that also hold the proposal's budget line, so samples moved to other years only meet the rule under test. */
const withLineOf = (p: Proposal, settings: PolicySettings): PolicySettings =>
  settings.budgetLines.some((l) => l.lineId === p.budgetLineRef)
    ? settings
    : {
        ...settings,
        budgetLines: [
          ...settings.budgetLines,
          {
            lineId: p.budgetLineRef,
            year: Number(p.budgetLineRef.slice(0, 4)),
            description: 'test',
            totalFen: 1,
          },
        ],
      };

const check = (p: Proposal, opts?: PolicyOptions, settings: PolicySettings = policy) =>
  checkProposalPolicy(p, withLineOf(p, settings), opts);

/** The sample moved to another calendar year: term, deliverables and budget line together. */
function sampleInYear(year: number, overrides: Partial<Proposal> = {}): Proposal {
  const p = sampleProposal();
  const move = (date: string) => `${year}${date.slice(4)}`;
  return {
    ...p,
    term: { start: move(p.term.start), end: move(p.term.end) },
    deliverables: p.deliverables.map((d) => ({ ...d, dueDate: move(d.dueDate) })),
    budgetLineRef: move(p.budgetLineRef),
    ...overrides,
  };
}

const staff = (role: string, monthlySalaryFen: number, monthlySocialWelfareFen: number): StaffLine => ({
  role,
  headcount: 1,
  monthlySalaryFen,
  monthlySocialWelfareFen,
});

const JUSTIFICATION = '长期稳定的居家养老服务，财政预算已纳入三年滚动规划，需保持服务团队连续。';

describe('rule ids', () => {
  it('are unique, kebab-case ids', () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    for (const id of RULE_IDS) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('a proposal that keeps every rule has no findings', () => {
    expect(check(sampleProposal())).toEqual([]);
  });
});

describe('money in integer fen', () => {
  it('flags a budget line amount built in code that is not whole fen, and skips the sum until it is', () => {
    const p = sampleProposal();
    p.budgetLines[1] = { item: '活动经费', amountFen: 6_200_000.5 };
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'budgetLines[1].amountFen',
        rule: 'money-integer-fen',
        value: 6_200_000.5,
      }),
    ]);
  });

  it('refuses budget lines that do not add up to the total and names both sums in yuan', () => {
    const p = sampleProposal();
    p.budgetLines[0] = { item: '人员经费', amountFen: 37_280_000 };
    expect(check(p)).toEqual([
      {
        field: 'budgetLines',
        rule: 'budget-lines-sum',
        value: 47_000_000,
        message: 'budget lines add up to ¥470,000.00 but the total is ¥480,000.00',
        allowed: 'budget lines adding up to exactly ¥480,000.00',
      },
    ]);
  });

  it('accepts budget lines that add up to the total to the fen', () => {
    const p = sampleProposal({
      totalFen: 100_001,
      budgetLines: [
        { item: '活动经费', amountFen: 50_000 },
        { item: '管理费', amountFen: 50_001 },
      ],
    });
    expect(check(p).filter((e) => e.rule === 'budget-lines-sum')).toEqual([]);
  });
});

describe('payment tranches', () => {
  it('refuses percentages that do not add up to 100', () => {
    const p = sampleProposal({
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED', percent: 30 },
        { milestone: 'MIDTERM_PASSED', percent: 40 },
        { milestone: 'EVALUATION_PASSED', percent: 20 },
      ],
    });
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'trancheSchedule',
        rule: 'tranche-percent-sum',
        value: 90,
        message: 'tranche percentages add up to 90%; they must add up to 100%',
      }),
    ]);
  });

  it('refuses a second tranche on the same milestone', () => {
    const p = sampleProposal({
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED', percent: 30 },
        { milestone: 'CONTRACT_SIGNED', percent: 40 },
        { milestone: 'EVALUATION_PASSED', percent: 30 },
      ],
    });
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'trancheSchedule[1].milestone',
        rule: 'tranche-milestone-once',
        value: 'CONTRACT_SIGNED',
      }),
    ]);
  });

  it('refuses tranches listed out of lifecycle order', () => {
    const p = sampleProposal({
      trancheSchedule: [
        { milestone: 'MIDTERM_PASSED', percent: 40 },
        { milestone: 'CONTRACT_SIGNED', percent: 30 },
        { milestone: 'EVALUATION_PASSED', percent: 30 },
      ],
    });
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'trancheSchedule[1].milestone',
        rule: 'tranche-order',
        value: 'CONTRACT_SIGNED',
      }),
    ]);
  });

  it('accepts tranches on some milestones only, as long as they are in order', () => {
    const p = sampleProposal({
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED', percent: 50 },
        { milestone: 'EVALUATION_PASSED', percent: 50 },
      ],
    });
    expect(check(p)).toEqual([]);
  });
});

describe('contract term', () => {
  it('refuses a term that ends on the day it starts', () => {
    const p = sampleProposal({ term: { start: '2026-01-01', end: '2026-01-01' } });
    expect(check(p)).toEqual([
      expect.objectContaining({ field: 'term.end', rule: 'term-end-after-start', value: '2026-01-01' }),
    ]);
  });

  it('accepts exactly 12 months without a justification', () => {
    const p = sampleProposal({ term: { start: '2026-03-15', end: '2027-03-14' } });
    expect(check(p).filter((e) => e.rule.startsWith('term-'))).toEqual([]);
  });

  it('asks for a justification when the term runs one day past 12 months', () => {
    const p = sampleProposal({ term: { start: '2026-01-01', end: '2027-01-01' } });
    expect(check(p)).toEqual([
      {
        field: 'justification',
        rule: 'term-justification-required',
        message:
          'the term 2026-01-01 to 2027-01-01 runs 12 months and 1 day; a term over 12 months needs a recorded justification (stable, continuous service with guaranteed budget)',
        allowed:
          'an end date on or before 2026-12-31, or a justification for a term of up to 36 months (ending on or before 2028-12-31)',
      },
    ]);
  });

  it('accepts 36 months with a justification', () => {
    const p = sampleProposal({
      term: { start: '2026-01-01', end: '2028-12-31' },
      justification: JUSTIFICATION,
    });
    expect(check(p)).toEqual([]);
  });

  it('refuses a term past 36 months even with a justification and says what end date is allowed', () => {
    const p = sampleProposal({
      term: { start: '2026-01-01', end: '2029-01-01' },
      justification: JUSTIFICATION,
    });
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'term.end',
        rule: 'term-max-36-months',
        value: '2029-01-01',
        allowed: 'an end date on or before 2028-12-31 (36 months, with a justification)',
      }),
    ]);
  });

  it('refuses a term that is already over when today is given', () => {
    expect(check(sampleProposal(), { today: '2027-01-05' })).toEqual([
      expect.objectContaining({ field: 'term.end', rule: 'term-already-ended', value: '2026-12-31' }),
    ]);
  });

  it('accepts a term that ends today', () => {
    expect(check(sampleProposal(), { today: '2026-12-31' })).toEqual([]);
  });
});

describe('service catalogue and negative list', () => {
  it('refuses an item of another service area and lists the codes allowed for this one', () => {
    const [error, ...rest] = check(sampleProposal({ serviceItem: 'MP-STATION' }));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ field: 'serviceItem', rule: 'service-catalogue', value: 'MP-STATION' });
    expect(error?.message).toBe(
      'MP-STATION (未成年人保护工作站运营) belongs to MINOR_PROTECTION, not ELDERLY_CARE; allowed: EC-HOME-CARE, EC-DAY-CARE, EC-MEAL-AID, EC-LONELY-VISITS, EC-ASSESSMENT, EC-CAREGIVER-TRAINING',
    );
  });

  it('refuses a code that is not in the catalogue at all', () => {
    expect(check(sampleProposal({ serviceItem: 'EC-SPA' }))).toEqual([
      expect.objectContaining({
        field: 'serviceItem',
        rule: 'service-catalogue',
        message: expect.stringContaining(
          'EC-SPA is not in the purchasable-service catalogue for ELDERLY_CARE',
        ),
      }),
    ]);
  });

  it('refuses a negative-list item with the reason it cannot be bought', () => {
    expect(check(sampleProposal({ serviceItem: 'NL-LABOUR-DISPATCH' }))).toEqual([
      expect.objectContaining({
        field: 'serviceItem',
        rule: 'negative-list',
        message: expect.stringMatching(
          /^NL-LABOUR-DISPATCH \(劳务派遣, Labour dispatch\) is on the negative list.*labour/,
        ),
      }),
    ]);
  });

  it('accepts an item of the proposal’s own area', () => {
    const p = sampleProposal({ serviceArea: 'RURAL_REVITALISATION', serviceItem: 'RR-SOCIAL-WORK-STATION' });
    expect(check(p)).toEqual([]);
  });
});

describe('NGO credit code', () => {
  const first17 = '52350203MJ0427315';
  const expected = expectedCheckCharacter(first17) ?? '';
  const wrong = expected === '0' ? '1' : '0';

  it('refuses a wrong check character and names the expected one', () => {
    const p = sampleProposal();
    p.ngo.creditCode = `${first17}${wrong}`;
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'ngo.creditCode',
        rule: 'credit-code-check-digit',
        value: `${first17}${wrong}`,
        message: expect.stringContaining(
          `the 18th character is '${wrong}' but the first 17 call for '${expected}'`,
        ),
        allowed: `check character '${expected}' after ${first17}`,
      }),
    ]);
  });

  it('refuses a code whose structure is wrong, apart from its check character', () => {
    const p = sampleProposal();
    p.ngo.creditCode = creditCodeFrom('54350203MJ0427315');
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'ngo.creditCode',
        rule: 'credit-code-structure',
        message: expect.stringContaining(
          "character 2 '4' is not an organisation type of registration authority 5",
        ),
      }),
    ]);
  });

  it('accepts a code whose check character matches', () => {
    const p = sampleProposal();
    p.ngo.creditCode = `${first17}${expected}`;
    expect(check(p)).toEqual([]);
  });
});

describe('salary benchmark', () => {
  it('refuses a staff line below the benchmark of the year before the term, in a full sentence', () => {
    const p = sampleInYear(2022, {
      staffPlan: [staff('项目主管', 950_000, 240_000), staff('社工', 700_000, 150_000)],
    });
    expect(check(p)).toEqual([
      {
        field: 'staffPlan[1].monthlySalaryFen',
        rule: 'salary-benchmark',
        value: 700_000,
        message:
          'staff line 2 (社工): salary ¥7,000.00 + social welfare ¥1,500.00 per month = ¥102,000.00 a year, below the 2021 benchmark of ¥115,538.00 (sample data)',
        allowed:
          'salary and social welfare together of at least ¥9,628.17 a month (¥115,538.00 a year) per full-time worker',
      },
    ]);
  });

  it('says so when the year is not configured and the newest earlier year stands in', () => {
    const p = sampleProposal({ staffPlan: [staff('护理员', 720_000, 200_000)] });
    expect(check(p).map((e) => e.message)).toEqual([
      'staff line 1 (护理员): salary ¥7,200.00 + social welfare ¥2,000.00 per month = ¥110,400.00 a year, below the 2021 benchmark of ¥115,538.00 (sample data; no benchmark is configured for 2025, so 2021, the newest configured year before it, applies)',
    ]);
  });

  it('accepts pay exactly at the benchmark and refuses one fen a month below it', () => {
    // ¥115,538.00 / 12 = ¥9,628.1667 a month: ¥9,628.17 reaches it, ¥9,628.16 does not.
    const at = sampleInYear(2022, { staffPlan: [staff('社工', 800_000, 162_817)] });
    const below = sampleInYear(2022, { staffPlan: [staff('社工', 800_000, 162_816)] });
    expect(check(at)).toEqual([]);
    expect(check(below)).toEqual([
      expect.objectContaining({ field: 'staffPlan[0].monthlySalaryFen', rule: 'salary-benchmark' }),
    ]);
  });

  it('takes the benchmark from settings, uses the exact year when configured and omits the sample note for official data', () => {
    const settings: PolicySettings = {
      ...policy,
      salaryBenchmarks: [
        ...policy.salaryBenchmarks,
        { year: 2024, annualWageFen: 13_000_000, source: 'official table', sample: false },
        { year: 2023, annualWageFen: 12_500_000, source: 'official table', sample: false },
      ],
    };
    const p = sampleInYear(2025, { staffPlan: [staff('社工', 800_000, 200_000)] });
    expect(check(p, {}, settings).map((e) => e.message)).toEqual([
      'staff line 1 (社工): salary ¥8,000.00 + social welfare ¥2,000.00 per month = ¥120,000.00 a year, below the 2024 benchmark of ¥130,000.00',
    ]);
    expect(check(p)).toEqual([]);
  });

  it('reports a missing benchmark when no year at or before the one needed is configured', () => {
    const p = sampleInYear(2021);
    expect(check(p)).toEqual([
      expect.objectContaining({ field: 'term.start', rule: 'salary-benchmark-missing', value: '2021-01-01' }),
    ]);
  });

  it('has nothing to check for a proposal without staff', () => {
    expect(check(sampleInYear(2021, { staffPlan: [] }))).toEqual([]);
  });
});

describe('deliverables', () => {
  it('refuses a deliverable due after the term ends', () => {
    const p = sampleProposal();
    p.deliverables[2] = { kind: 'FINAL_REPORT', dueDate: '2027-01-15', description: '终期报告' };
    expect(check(p)).toEqual([
      expect.objectContaining({
        field: 'deliverables[2].dueDate',
        rule: 'deliverable-within-term',
        value: '2027-01-15',
        message: 'deliverable 3 (FINAL_REPORT) is due on 2027-01-15, after the term ends on 2026-12-31',
      }),
    ]);
  });

  it('refuses a deliverable due before the term starts', () => {
    const p = sampleProposal();
    p.deliverables[0] = { kind: 'MIDTERM_REPORT', dueDate: '2025-12-31', description: '中期报告' };
    expect(check(p)).toEqual([
      expect.objectContaining({ field: 'deliverables[0].dueDate', rule: 'deliverable-within-term' }),
    ]);
  });

  it('accepts deliverables due on the first and the last day of the term', () => {
    const p = sampleProposal();
    p.deliverables[1] = { kind: 'EVIDENCE', dueDate: '2026-01-01', description: '服务记录' };
    p.deliverables[2] = { kind: 'FINAL_REPORT', dueDate: '2026-12-31', description: '终期报告' };
    expect(check(p)).toEqual([]);
  });

  it('requires a planned mid-term report', () => {
    const p = sampleProposal();
    p.deliverables = p.deliverables.filter((d) => d.kind !== 'MIDTERM_REPORT');
    expect(check(p)).toEqual([
      expect.objectContaining({ field: 'deliverables', rule: 'midterm-report-required' }),
    ]);
  });

  it('requires a planned final report', () => {
    const p = sampleProposal();
    p.deliverables = p.deliverables.filter((d) => d.kind !== 'FINAL_REPORT');
    expect(check(p)).toEqual([
      expect.objectContaining({ field: 'deliverables', rule: 'final-report-required' }),
    ]);
  });
});

describe('budget line year', () => {
  it('refuses a budget line of another year than the one the term starts in', () => {
    expect(check(sampleProposal({ budgetLineRef: '2025-MZ-ELDER-01' }))).toEqual([
      expect.objectContaining({
        field: 'budgetLineRef',
        rule: 'budget-line-year',
        value: '2025-MZ-ELDER-01',
        message: 'budget line 2025-MZ-ELDER-01 belongs to the 2025 budget but the term starts in 2026',
        allowed: 'a budget line of 2026, e.g. 2026-MZ-ELDER-01',
      }),
    ]);
  });

  it('accepts a budget line of the year the term starts in, even when the term runs into the next year', () => {
    const p = sampleProposal({ term: { start: '2026-07-01', end: '2027-06-30' } });
    p.deliverables = p.deliverables.map((d) => ({ ...d, dueDate: '2027-06-01' }));
    expect(check(p)).toEqual([]);
  });
});

describe('budget line known', () => {
  it('refuses a budget line the settings do not have, naming the lines that exist', () => {
    const p = sampleProposal({ budgetLineRef: '2026-MZ-UNKNOWN-09' });
    expect(checkProposalPolicy(p, policy)).toEqual([
      expect.objectContaining({
        field: 'budgetLineRef',
        rule: 'budget-line-known',
        value: '2026-MZ-UNKNOWN-09',
        allowed: expect.stringMatching(/^one of .*2026-MZ-ELDER-01, 2026-MZ-MINOR-01, 2026-MZ-RURAL-01/),
      }),
    ]);
    expect(checkProposalPolicy(sampleProposal(), policy)).toEqual([]);
  });
});
