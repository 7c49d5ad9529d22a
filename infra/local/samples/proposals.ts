import { DAY_MS } from '../../../shared/domain/china-time.js';
import { expectedCheckCharacter } from '../../../shared/domain/credit-code.js';
import type { Proposal } from '../../../shared/domain/proposal.js';

/**
 * Realistic proposals for the demo, the local runtime and tests. Every one passes every
 * policy rule with the settings in config/settings.json; callers override what they test.
 * Each call builds fresh objects, so a caller may change what it gets.
 */

/** A credit code with the right check character, from its first 17 characters. */
export function creditCodeFrom(first17: string): string {
  const check = expectedCheckCharacter(first17);
  if (check === undefined) throw new Error(`not 17 credit-code characters: ${first17}`);
  return `${first17}${check}`;
}

/** Home-based elderly care in 思明区, ¥480,000 over calendar 2026: above the full-chain threshold. */
function elderlyCareBase(): Proposal {
  return {
    title: '2026年思明区居家养老上门服务项目',
    serviceArea: 'ELDERLY_CARE',
    serviceItem: 'EC-HOME-CARE',
    district: '思明区',
    purchasingUnit: '厦门市民政局',
    ngo: {
      name: '厦门市思明区乐龄社会工作服务中心',
      // 5 民政, 2 民办非企业单位, 350203 思明区.
      creditCode: creditCodeFrom('52350203MJ0427315'),
      contactEmail: 'projects@leling-sw.example.org',
      bankAccount: {
        bankName: '中国建设银行厦门思明支行（示例）',
        accountName: '厦门市思明区乐龄社会工作服务中心',
        accountNumber: '35150198010100004215',
      },
    },
    term: { start: '2026-01-01', end: '2026-12-31' },
    procurementMethod: 'COMPETITIVE_CONSULTATION',
    totalFen: 48_000_000,
    budgetLines: [
      { item: '人员经费（项目主管1名、社工2名）', amountFen: 38_280_000 },
      { item: '上门服务与社区活动经费', amountFen: 6_200_000 },
      { item: '专业督导与培训', amountFen: 2_000_000 },
      { item: '项目管理费', amountFen: 1_520_000 },
    ],
    staffPlan: [
      { role: '项目主管', headcount: 1, monthlySalaryFen: 950_000, monthlySocialWelfareFen: 240_000 },
      { role: '社工', headcount: 2, monthlySalaryFen: 800_000, monthlySocialWelfareFen: 200_000 },
    ],
    trancheSchedule: [
      { milestone: 'CONTRACT_SIGNED', percent: 30 },
      { milestone: 'MIDTERM_PASSED', percent: 40 },
      { milestone: 'EVALUATION_PASSED', percent: 30 },
    ],
    deliverables: [
      {
        kind: 'MIDTERM_REPORT',
        dueDate: '2026-06-30',
        description: '中期报告：服务人次、个案进展与经费使用情况',
      },
      { kind: 'EVIDENCE', dueDate: '2026-09-30', description: '上门服务记录与服务对象满意度回访表' },
      { kind: 'FINAL_REPORT', dueDate: '2026-12-15', description: '终期报告：服务成效、财务决算与自评' },
    ],
    budgetLineRef: '2026-MZ-ELDER-01',
  };
}

/** A valid elderly-care proposal; `overrides` replace whole top-level fields. */
export function sampleProposal(overrides: Partial<Proposal> = {}): Proposal {
  return { ...elderlyCareBase(), ...overrides };
}

/** ¥480,000 of home-based elderly care: needs section chief, finance section and bureau director. */
export function largeElderlyCareProposal(): Proposal {
  return sampleProposal();
}

/** ¥120,000 of left-behind children care in 同安区: the section chief alone approves it. */
export function smallMinorProtectionProposal(): Proposal {
  return sampleProposal({
    title: '2026年同安区农村留守儿童关爱服务项目',
    serviceArea: 'MINOR_PROTECTION',
    serviceItem: 'MP-LEFT-BEHIND',
    district: '同安区',
    ngo: {
      name: '厦门市同安区护苗儿童关爱服务中心',
      // 5 民政, 2 民办非企业单位, 350212 同安区.
      creditCode: creditCodeFrom('52350212MJ0581942'),
      contactEmail: 'office@humiao-children.example.org',
      bankAccount: {
        bankName: '厦门农村商业银行同安支行（示例）',
        accountName: '厦门市同安区护苗儿童关爱服务中心',
        accountNumber: '9070212010010000583',
      },
    },
    procurementMethod: 'INQUIRY',
    totalFen: 12_000_000,
    budgetLines: [
      { item: '人员经费（驻村社工1名，8个月）', amountFen: 7_760_000 },
      { item: '课业辅导与亲情陪伴活动', amountFen: 2_840_000 },
      { item: '儿童主任培训与督导', amountFen: 800_000 },
      { item: '项目管理费', amountFen: 600_000 },
    ],
    staffPlan: [
      { role: '驻村社工', headcount: 1, monthlySalaryFen: 780_000, monthlySocialWelfareFen: 190_000 },
    ],
    deliverables: [
      {
        kind: 'MIDTERM_REPORT',
        dueDate: '2026-07-15',
        description: '中期报告：留守儿童建档、走访与活动开展情况',
      },
      { kind: 'FINAL_REPORT', dueDate: '2026-12-20', description: '终期报告：关爱服务成效与经费决算' },
    ],
    budgetLineRef: '2026-MZ-MINOR-01',
  });
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/**
 * A sample moved in time for anything that runs on the real clock (the demo, `npm run sample`,
 * the tests that drive the local runtime): its twelve-month term ends `daysLeft` days after
 * `today`, so the mid-term report is already due and the final report soon. Every date keeps
 * its place in the term, the budget line moves to the term's first year, and the title's year
 * follows. The fixed samples above stay as they are for deterministic unit tests.
 */
export function liveSample(proposal: Proposal, today: string, daysLeft = 40): Proposal {
  const end = addDays(today, daysLeft);
  const start = addDays(end, -daysBetween(proposal.term.start, proposal.term.end));
  const shift = daysBetween(proposal.term.start, start);
  const oldYear = proposal.term.start.slice(0, 4);
  const newYear = start.slice(0, 4);
  return {
    ...proposal,
    title: proposal.title.replace(oldYear, newYear),
    term: { start, end },
    deliverables: proposal.deliverables.map((d) => ({ ...d, dueDate: addDays(d.dueDate, shift) })),
    budgetLineRef: `${newYear}${proposal.budgetLineRef.slice(4)}`,
  };
}
