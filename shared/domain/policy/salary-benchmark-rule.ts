import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import { formatYuan } from '../money.js';
import type { PolicySettings, SalaryBenchmark } from '../policy-settings.js';
import type { Proposal } from '../proposal.js';
import { isFen } from './money-rules.js';

/** Staff pay per full-time worker not below the previous year's public-sector average wage. */

export interface ApplicableBenchmark {
  benchmark: SalaryBenchmark;
  /** The year the rule asks for (the year before the term starts). */
  wantedYear: number;
  /** False when that year is not configured and an earlier one stands in. */
  exact: boolean;
}

/** The benchmark for `wantedYear`, or else the newest configured year before it. */
export function applicableBenchmark(
  wantedYear: number,
  settings: PolicySettings,
): ApplicableBenchmark | undefined {
  const candidates = settings.salaryBenchmarks.filter((b) => b.year <= wantedYear);
  const newest = candidates.reduce<SalaryBenchmark | undefined>(
    (best, b) => (best === undefined || b.year > best.year ? b : best),
    undefined,
  );
  return newest && { benchmark: newest, wantedYear, exact: newest.year === wantedYear };
}

export function checkSalaryBenchmark(p: Proposal, settings: PolicySettings): FieldError[] {
  if (p.staffPlan.length === 0) return [];
  const startYear = Number(p.term.start.slice(0, 4));
  const wantedYear = startYear - 1;
  const applicable = applicableBenchmark(wantedYear, settings);
  if (!applicable) {
    const configured = settings.salaryBenchmarks.map((b) => b.year).sort((a, b) => a - b);
    return [
      fieldError(
        'salary-benchmark-missing',
        'term.start',
        p.term.start,
        `no salary benchmark is configured for ${wantedYear} or any earlier year, so staff costs cannot be checked; configured years: ${configured.join(', ')}`,
        `a term starting in ${configured.map((y) => y + 1).join(', ')} or later, or a benchmark for ${wantedYear} in the settings`,
      ),
    ];
  }
  const { benchmark, exact } = applicable;
  const notes: string[] = [];
  if (benchmark.sample) notes.push('sample data');
  if (!exact) {
    notes.push(
      `no benchmark is configured for ${wantedYear}, so ${benchmark.year}, the newest configured year before it, applies`,
    );
  }
  const note = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const monthlyMinimum = Math.ceil(benchmark.annualWageFen / 12);
  const errors: FieldError[] = [];
  p.staffPlan.forEach((line, i) => {
    const { monthlySalaryFen: salary, monthlySocialWelfareFen: welfare } = line;
    if (!isFen(salary) || !isFen(welfare)) return; // reported by money-integer-fen
    const annual = (salary + welfare) * 12;
    if (annual >= benchmark.annualWageFen) return;
    // People count lines from 1; the field path keeps the zero-based index.
    errors.push(
      fieldError(
        'salary-benchmark',
        `staffPlan[${i}].monthlySalaryFen`,
        salary,
        `staff line ${i + 1} (${line.role}): salary ${formatYuan(salary)} + social welfare ${formatYuan(welfare)} per month = ${formatYuan(annual)} a year, below the ${benchmark.year} benchmark of ${formatYuan(benchmark.annualWageFen)}${note}`,
        `salary and social welfare together of at least ${formatYuan(monthlyMinimum)} a month (${formatYuan(benchmark.annualWageFen)} a year) per full-time worker`,
      ),
    );
  });
  return errors;
}
