import { yuanText } from '../../../shared/domain/money.js';
import type { SalaryBenchmark } from '../../../shared/domain/policy-settings.js';
import { definedOnly, fenOfText, wholeNumberOrText } from '../proposal/typed-text.js';
import { amountProblems, type RowDraft, type SectionDrafting, trimmedText } from './section-drafting.js';

/** A year's average public-sector wage as typed, in yuan a year. */
export interface SalaryBenchmarkDraft extends RowDraft {
  year: string;
  annualWageYuan: string;
  source: string;
  sample: boolean;
}

export const blankSalaryBenchmark = (): SalaryBenchmarkDraft => ({
  saved: false,
  year: '',
  annualWageYuan: '',
  source: '',
  sample: false,
});

const FIELDS = ['year', 'annualWageFen', 'source', 'sample'] as const;

export const SALARY_BENCHMARKS: SectionDrafting<SalaryBenchmark[], SalaryBenchmarkDraft[]> = {
  name: 'salaryBenchmarks',
  draftOf: (benchmarks) =>
    benchmarks.map((b) => ({
      saved: true,
      year: String(b.year),
      annualWageYuan: yuanText(b.annualWageFen),
      source: b.source,
      sample: b.sample,
    })),
  valueOf: (rows) =>
    rows.map((r) =>
      definedOnly({
        year: wholeNumberOrText(r.year),
        annualWageFen: fenOfText(r.annualWageYuan),
        source: trimmedText(r.source),
        sample: r.sample,
      }),
    ),
  shownPaths: (rows) =>
    new Set([
      'salaryBenchmarks',
      ...rows.flatMap((_, i) => FIELDS.map((f) => `salaryBenchmarks[${i}].${f}`)),
    ]),
  typedProblems: (rows, saving) =>
    amountProblems(
      rows.map((r, i) => [`salaryBenchmarks[${i}].annualWageFen`, r.annualWageYuan] as const),
      saving,
    ),
};
