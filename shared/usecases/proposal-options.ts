import {
  type CatalogueItem,
  NEGATIVE_LIST,
  type NegativeListEntry,
  SERVICE_CATALOGUE,
} from '../domain/catalogue.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { ValidationError } from '../domain/errors.js';
import { fieldError } from '../domain/field-errors.js';
import { formatYuan } from '../domain/money.js';
import {
  type AppliedBenchmark,
  applicableBenchmark,
  isBenchmarkGap,
} from '../domain/policy/salary-benchmark-rule.js';
import { MAX_JUSTIFIED_TERM_MONTHS, MAX_TERM_MONTHS } from '../domain/policy/term-rules.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import { SERVICE_AREAS, type ServiceArea } from '../domain/proposal.js';
import type { Now } from '../ports/clock.js';
import type { BudgetRepository } from '../ports/repositories.js';

export interface ProposalOptionsDeps {
  budgets: Pick<BudgetRepository, 'getBudgetLine'>;
  settings: PolicySettings;
  now: Now;
}

/** A budget line of the year and what is left on it for new proposals. */
export interface BudgetLineOption {
  lineId: string;
  description: string;
  totalFen: number;
  availableFen: number;
  totalYuan: string;
  availableYuan: string;
  /** False while nothing was ever reserved on it: the whole total is left. */
  inUse: boolean;
}

/** The salary benchmark a proposal of the year is checked against (the year before the term starts). */
export interface BenchmarkOption {
  /** The year whose figure applies; `wantedYear` unless that one is not published yet. */
  year: number;
  wantedYear: number;
  exact: boolean;
  /** When an earlier year stands in: the last day it may (the next year's figure is due after it). */
  standsInUntil?: string;
  annualWageFen: number;
  /** Salary and social welfare per full-time worker per month, at the least (the annual figure / 12, rounded up). */
  monthlyMinimumFen: number;
  annualWageYuan: string;
  monthlyMinimumYuan: string;
  source: string;
  sample: boolean;
}

/** What the new-proposal form offers for one budget year. */
export interface ProposalOptions {
  year: number;
  /** Today in China: the form's earliest sensible dates. */
  today: string;
  budgetLines: BudgetLineOption[];
  catalogue: { serviceArea: ServiceArea; items: readonly CatalogueItem[] }[];
  negativeList: readonly NegativeListEntry[];
  /**
   * Absent when none can be applied: none configured for the year before or any earlier one, or a
   * newer figure is overdue (the proposal would be refused until an administrator adds it).
   */
  salaryBenchmark?: BenchmarkOption;
  termMonths: { plain: number; justified: number };
}

const YEAR_ALLOWED = 'a budget year of four digits, e.g. 2026';

/** The query of GET /proposal-options: `year` or nothing; a typo must not quietly answer another year. */
function yearOf(query: Record<string, string | undefined>, today: string): number {
  const unknown = Object.keys(query).filter((key) => key !== 'year');
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((key) =>
        fieldError('schema-unknown-field', key, query[key], `unknown field '${key}' is not allowed`, 'year'),
      ),
    );
  }
  const text = query.year?.trim();
  if (text === undefined || text === '') return Number(today.slice(0, 4));
  const year = /^\d{4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(year >= 2000 && year <= 2100)) {
    throw new ValidationError([
      fieldError('schema-invalid-format', 'year', text, `must be ${YEAR_ALLOWED}`, YEAR_ALLOWED),
    ]);
  }
  return year;
}

/**
 * GET /proposal-options: what the officer chooses from on the new-proposal form. The year's budget
 * lines with what is left on each (a line is created in the table at its first reservation, so a
 * line not found there still has its whole total), the catalogue by service area with the negative
 * list and why each entry is refused, and the salary benchmark the year's proposals are held to.
 */
export async function proposalOptions(
  deps: ProposalOptionsDeps,
  query: Record<string, string | undefined>,
): Promise<ProposalOptions> {
  const today = chinaCalendarDate(deps.now());
  const year = yearOf(query, today);
  const configured = deps.settings.budgetLines.filter((line) => line.year === year);
  const budgetLines = await Promise.all(
    configured.map(async (line): Promise<BudgetLineOption> => {
      const stored = await deps.budgets.getBudgetLine(line.lineId);
      // A stored line keeps the total it was created with; the settings' later edits do not change it.
      const totalFen = stored?.totalFen ?? line.totalFen;
      const availableFen = stored?.availableFen ?? line.totalFen;
      return {
        lineId: line.lineId,
        description: line.description,
        totalFen,
        availableFen,
        totalYuan: formatYuan(totalFen),
        availableYuan: formatYuan(availableFen),
        inUse: stored !== undefined,
      };
    }),
  );
  const applicable = applicableBenchmark(year - 1, deps.settings, today);
  return {
    year,
    today,
    budgetLines,
    catalogue: SERVICE_AREAS.map((serviceArea) => ({ serviceArea, items: SERVICE_CATALOGUE[serviceArea] })),
    negativeList: NEGATIVE_LIST,
    ...(isBenchmarkGap(applicable) ? {} : { salaryBenchmark: benchmarkOption(applicable) }),
    termMonths: { plain: MAX_TERM_MONTHS, justified: MAX_JUSTIFIED_TERM_MONTHS },
  };
}

function benchmarkOption(applied: AppliedBenchmark): BenchmarkOption {
  // The rule's own minimum: (salary + welfare) × 12 ≥ the annual figure.
  const monthlyMinimumFen = Math.ceil(applied.annualWageFen / 12);
  return {
    year: applied.year,
    wantedYear: applied.wantedYear,
    exact: applied.standsInUntil === undefined,
    ...(applied.standsInUntil === undefined ? {} : { standsInUntil: applied.standsInUntil }),
    annualWageFen: applied.annualWageFen,
    monthlyMinimumFen,
    annualWageYuan: formatYuan(applied.annualWageFen),
    monthlyMinimumYuan: formatYuan(monthlyMinimumFen),
    source: applied.source,
    sample: applied.sample,
  };
}
