import { describe, expect, it } from 'vitest';
import { creditCodeFrom, sampleProposal } from '../../../infra/local/samples/proposals.js';
import { expectedCheckCharacter } from '../../../shared/domain/credit-code.js';
import { RULE_IDS } from '../../../shared/domain/field-errors.js';
import {
  applicableBenchmark,
  benchmarkDueBy,
  checkSalaryBenchmark,
} from '../../../shared/domain/policy/salary-benchmark-rule.js';
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
  /** Only the figures given, with the shipped window (6 months into the next year). */
  const withBenchmarks = (...years: [number, number][]): PolicySettings => ({
    ...policy,
    salaryBenchmarks: years.map(([year, annualWageFen]) => ({
      year,
      annualWageFen,
      source: `official ${year}`,
      sample: false,
    })),
  });
  /** A term from `start` to the year's end, with pay well above any figure here. */
  const startingOn = (start: string): Proposal =>
    sampleInYear(Number(start.slice(0, 4)), {
      term: { start, end: `${start.slice(0, 4)}-12-31` },
      staffPlan: [staff('社工', 1_500_000, 300_000)],
    });

  it('refuses a staff line below the benchmark of the year before the term, in both languages', () => {
    const p = sampleInYear(2022, {
      staffPlan: [staff('项目主管', 950_000, 240_000), staff('社工', 700_000, 150_000)],
    });
    expect(check(p)).toEqual([
      {
        field: 'staffPlan[1].monthlySalaryFen',
        rule: 'salary-benchmark',
        value: 700_000,
        message:
          'staff line 2 (社工): salary ¥7,000.00 + social welfare ¥1,500.00 per month = ¥102,000.00 a year, below the benchmark (2021, ¥115,538.00 a year, sample data)',
        allowed:
          'salary and social welfare together of at least ¥9,628.17 a month (¥115,538.00 a year) per full-time worker',
        zh: '第 2 行人员（社工）：月工资 ¥7,000.00 + 社会保障费 ¥1,500.00，全年 ¥102,000.00，低于工资基准（2021 年度 ¥115,538.00，样例数据）；每名全职人员每月合计至少 ¥9,628.17。',
      },
    ]);
  });

  it('lets the newest year stand in while the year wanted is not published yet, and says so', () => {
    // A term from March 2026 wants 2025; the 2025 figure is due by 30 June 2026.
    const settings = withBenchmarks([2024, 13_000_000]);
    const p = sampleInYear(2026, {
      term: { start: '2026-03-01', end: '2026-12-31' },
      staffPlan: [staff('社工', 800_000, 200_000)],
    });
    expect(check(p, { today: '2026-02-10' }, settings).map((e) => e.message)).toEqual([
      'staff line 1 (社工): salary ¥8,000.00 + social welfare ¥2,000.00 per month = ¥120,000.00 a year, below the benchmark (2024, ¥130,000.00 a year: the 2025 figure is not published yet, so 2024, the newest, stands in (the 2025 figure is due by 2026-06-30))',
    ]);
    expect(applicableBenchmark(2025, settings, '2026-06-30')).toEqual({
      year: 2024,
      wantedYear: 2025,
      annualWageFen: 13_000_000,
      source: 'official 2024',
      sample: false,
      standsInUntil: '2026-06-30',
    });
  });

  it('refuses once the figure that should stand in for it is due and missing, naming the year in both languages', () => {
    const settings = withBenchmarks([2024, 13_000_000]);
    const p = startingOn('2026-09-01');
    expect(checkSalaryBenchmark(p, settings, '2026-06-30')).toEqual([]);
    expect(checkSalaryBenchmark(p, settings, '2026-07-01')).toEqual([
      {
        field: 'term.start',
        rule: 'salary-benchmark-overdue',
        value: '2026-09-01',
        message:
          "the 2025 salary benchmark was due by 2026-06-30 but is not in the reference data, so staff costs cannot be checked against 2024's figure; configured years: 2024",
        allowed: 'the 2025 benchmark added on the Reference data page',
        zh: '2025 年度职工平均工资基准应于 2026-06-30 前公布，但基础数据中还没有，不能再以 2024 年度数据核对人员费用；请管理员在“基础数据”页面补充。已配置的年度：2024。',
      },
    ]);
  });

  it('does not let 2021 figures judge a 2026 purchase: a gap of several years is refused', () => {
    const settings = withBenchmarks([2021, 11_553_800]);
    expect(checkSalaryBenchmark(startingOn('2026-01-05'), settings, '2026-01-05')).toEqual([
      expect.objectContaining({
        rule: 'salary-benchmark-overdue',
        message: expect.stringContaining('the 2022 salary benchmark was due by 2023-06-30'),
        allowed: 'the 2022 benchmark (and later years up to 2025) added on the Reference data page',
      }),
    ]);
  });

  it('judges the window on the term start when no day is given', () => {
    const settings = withBenchmarks([2024, 13_000_000]);
    const early = startingOn('2026-06-30');
    const late = startingOn('2026-07-01');
    expect(check(early, {}, settings).filter((e) => e.rule.startsWith('salary'))).toEqual([]);
    expect(check(late, {}, settings).filter((e) => e.rule.startsWith('salary'))).toEqual([
      expect.objectContaining({ rule: 'salary-benchmark-overdue' }),
    ]);
  });

  it('takes the window from the settings: with 9 months the stand-in lasts until 30 September', () => {
    const settings = { ...withBenchmarks([2024, 13_000_000]), salaryBenchmarkGraceMonths: 9 };
    expect(benchmarkDueBy(2025, 9)).toBe('2026-09-30');
    expect(benchmarkDueBy(2025, 0)).toBe('2025-12-31');
    const p = startingOn('2026-10-01');
    expect(checkSalaryBenchmark(p, settings, '2026-09-30')).toEqual([]);
    expect(checkSalaryBenchmark(p, settings, '2026-10-01')).toEqual([
      expect.objectContaining({ rule: 'salary-benchmark-overdue' }),
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
    const settings = withBenchmarks([2023, 12_500_000], [2024, 13_000_000]);
    const p = sampleInYear(2025, { staffPlan: [staff('社工', 800_000, 200_000)] });
    expect(check(p, {}, settings).map((e) => e.message)).toEqual([
      'staff line 1 (社工): salary ¥8,000.00 + social welfare ¥2,000.00 per month = ¥120,000.00 a year, below the benchmark (2024, ¥130,000.00 a year)',
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
