import { percentile } from './percentile.js';
import { textTable } from './text-table.js';

/** How long a kind of request took: count, nearest-rank percentiles and the slowest, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function summarizeLatency(ms: readonly number[]): LatencySummary {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

export interface LatencyRow {
  /** What was asked, e.g. `GET /purchases (first page)`. */
  readonly request: string;
  readonly summary: LatencySummary;
  /** The p95 it must stay within; none for a figure printed for comparison only. */
  readonly budgetP95Ms?: number;
}

/** Over its budget: a p95 above it, or no requests measured at all. */
export function overBudget(row: LatencyRow): boolean {
  if (row.budgetP95Ms === undefined) return false;
  return !(row.summary.p95Ms <= row.budgetP95Ms);
}

/** The rows as a table, each with its budget and verdict. */
export function latencyTable(rows: readonly LatencyRow[]): string {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  return textTable(
    ['request', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'budget'],
    rows.map((row) => [
      row.request,
      String(row.summary.count),
      ms(row.summary.p50Ms),
      ms(row.summary.p95Ms),
      ms(row.summary.p99Ms),
      ms(row.summary.maxMs),
      row.budgetP95Ms === undefined
        ? '(no budget)'
        : `p95 ≤ ${row.budgetP95Ms} ms: ${overBudget(row) ? 'OVER BUDGET' : 'within'}`,
    ]),
    1,
  );
}
