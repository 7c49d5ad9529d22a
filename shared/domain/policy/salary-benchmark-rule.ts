import type { BilingualText } from '../bilingual.js';
import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import { formatYuan } from '../money.js';
import type { PolicySettings, SalaryBenchmark } from '../policy-settings.js';
import type { Proposal } from '../proposal.js';
import { isFen } from './money-rules.js';

/**
 * Staff pay per full-time worker not below the previous year's public-sector average wage.
 *
 * A year's figure is published some months into the next year (the statistics bureau's yearbook,
 * usually mid-year), so a purchase starting early in year Y cannot have the Y-1 figure yet. Until
 * that figure is due (`salaryBenchmarkGraceMonths` into year Y) the newest published year stands
 * in, and the approval page names it; once it is due and still not in the reference data, the
 * rule refuses rather than judge 2026 pay by a 2021 wage.
 */

/** The benchmark a proposal's staff pay is held to, as the approval page names it. */
export interface AppliedBenchmark {
  /** The year of the figure applied. */
  year: number;
  /** The year the rule asks for: the year before the term starts. */
  wantedYear: number;
  annualWageFen: number;
  source: string;
  sample: boolean;
  /** Only when an earlier year stands in: the last China day before the next year's figure is due. */
  standsInUntil?: string;
}

/** Why no benchmark can be applied: none configured at all up to the year, or a newer one overdue. */
export type BenchmarkGap =
  | { gap: 'NONE_CONFIGURED'; wantedYear: number }
  | { gap: 'OVERDUE'; wantedYear: number; newest: SalaryBenchmark; overdueYear: number; dueBy: string };

/**
 * The China date by which the figure of `year` is due: the last day of the `graceMonths`-th month
 * of the year after (grace 6: 30 June). Before it a missing figure is "not published yet".
 */
export function benchmarkDueBy(year: number, graceMonths: number): string {
  // Day 0 of the month after the window is the window's last day.
  const last = new Date(Date.UTC(year + 1, graceMonths, 0));
  return last.toISOString().slice(0, 10);
}

/**
 * The benchmark for `wantedYear` as of the China date `today`: that year's figure, or the newest
 * configured year before it as long as the figure after that one is not due yet.
 */
export function applicableBenchmark(
  wantedYear: number,
  settings: Pick<PolicySettings, 'salaryBenchmarks' | 'salaryBenchmarkGraceMonths'>,
  today: string,
): AppliedBenchmark | BenchmarkGap {
  const newest = settings.salaryBenchmarks
    .filter((b) => b.year <= wantedYear)
    .reduce<SalaryBenchmark | undefined>(
      (best, b) => (best === undefined || b.year > best.year ? b : best),
      undefined,
    );
  if (!newest) return { gap: 'NONE_CONFIGURED', wantedYear };
  const applied = {
    year: newest.year,
    wantedYear,
    annualWageFen: newest.annualWageFen,
    source: newest.source,
    sample: newest.sample,
  };
  if (newest.year === wantedYear) return applied;
  const nextYear = newest.year + 1;
  const dueBy = benchmarkDueBy(nextYear, settings.salaryBenchmarkGraceMonths);
  if (today > dueBy) return { gap: 'OVERDUE', wantedYear, newest, overdueYear: nextYear, dueBy };
  return { ...applied, standsInUntil: dueBy };
}

export function isBenchmarkGap(b: AppliedBenchmark | BenchmarkGap): b is BenchmarkGap {
  return 'gap' in b;
}

/** What the approval page and the refusals say of the applied figure, in both languages. */
export function benchmarkNote(b: AppliedBenchmark): BilingualText {
  const sample = { zh: b.sample ? '，样例数据' : '', en: b.sample ? ', sample data' : '' };
  const figure = formatYuan(b.annualWageFen);
  if (b.standsInUntil === undefined)
    return {
      zh: `${b.year} 年度 ${figure}${sample.zh}`,
      en: `${b.year}, ${figure} a year${sample.en}`,
    };
  return {
    zh: `${b.year} 年度 ${figure}${sample.zh}：${b.wantedYear} 年度数据尚未公布，暂以最新的 ${b.year} 年度代替（${b.year + 1} 年度数据应于 ${b.standsInUntil} 前公布）`,
    en: `${b.year}, ${figure} a year${sample.en}: the ${b.wantedYear} figure is not published yet, so ${b.year}, the newest, stands in (the ${b.year + 1} figure is due by ${b.standsInUntil})`,
  };
}

/** The rule's field errors (empty when the pay meets it), judged on `today`'s window. */
export function checkSalaryBenchmark(p: Proposal, settings: PolicySettings, today: string): FieldError[] {
  if (p.staffPlan.length === 0) return [];
  const startYear = Number(p.term.start.slice(0, 4));
  const applied = applicableBenchmark(startYear - 1, settings, today);
  if (isBenchmarkGap(applied)) return [gapError(p, applied, settings)];
  const note = benchmarkNote(applied);
  const monthlyMinimum = Math.ceil(applied.annualWageFen / 12);
  const errors: FieldError[] = [];
  p.staffPlan.forEach((line, i) => {
    const { monthlySalaryFen: salary, monthlySocialWelfareFen: welfare } = line;
    if (!isFen(salary) || !isFen(welfare)) return; // reported by money-integer-fen
    const annual = (salary + welfare) * 12;
    if (annual >= applied.annualWageFen) return;
    // People count lines from 1; the field path keeps the zero-based index.
    errors.push(
      fieldError(
        'salary-benchmark',
        `staffPlan[${i}].monthlySalaryFen`,
        salary,
        `staff line ${i + 1} (${line.role}): salary ${formatYuan(salary)} + social welfare ${formatYuan(welfare)} per month = ${formatYuan(annual)} a year, below the benchmark (${note.en})`,
        `salary and social welfare together of at least ${formatYuan(monthlyMinimum)} a month (${formatYuan(applied.annualWageFen)} a year) per full-time worker`,
        `第 ${i + 1} 行人员（${line.role}）：月工资 ${formatYuan(salary)} + 社会保障费 ${formatYuan(welfare)}，全年 ${formatYuan(annual)}，低于工资基准（${note.zh}）；每名全职人员每月合计至少 ${formatYuan(monthlyMinimum)}。`,
      ),
    );
  });
  return errors;
}

function gapError(p: Proposal, gap: BenchmarkGap, settings: PolicySettings): FieldError {
  const configured = settings.salaryBenchmarks.map((b) => b.year).sort((a, b) => a - b);
  if (gap.gap === 'NONE_CONFIGURED')
    return fieldError(
      'salary-benchmark-missing',
      'term.start',
      p.term.start,
      `no salary benchmark is configured for ${gap.wantedYear} or any earlier year, so staff costs cannot be checked; configured years: ${configured.join(', ')}`,
      `a term starting in ${configured.map((y) => y + 1).join(', ')} or later, or a benchmark for ${gap.wantedYear} in the reference data`,
      `没有配置 ${gap.wantedYear} 年度或更早年度的职工平均工资基准，无法核对人员费用；已配置的年度：${configured.join('、')}。`,
    );
  return fieldError(
    'salary-benchmark-overdue',
    'term.start',
    p.term.start,
    `the ${gap.overdueYear} salary benchmark was due by ${gap.dueBy} but is not in the reference data, so staff costs cannot be checked against ${gap.newest.year}'s figure; configured years: ${configured.join(', ')}`,
    `the ${gap.overdueYear} benchmark${gap.overdueYear < gap.wantedYear ? ` (and later years up to ${gap.wantedYear})` : ''} added on the Reference data page`,
    `${gap.overdueYear} 年度职工平均工资基准应于 ${gap.dueBy} 前公布，但基础数据中还没有，不能再以 ${gap.newest.year} 年度数据核对人员费用；请管理员在“基础数据”页面补充。已配置的年度：${configured.join('、')}。`,
  );
}
