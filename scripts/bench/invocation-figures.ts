import type { AwsCall } from '../../infra/local/services/aws-calls.js';
import { percentile } from './percentile.js';

/**
 * Where a load run's time went, per function, from the runtime's call log: invocations, cold
 * sandboxes and their INIT time, time waiting for a free sandbox, duration, and what failed. The
 * evidence a collapse leaves behind (timeouts feeding cold starts, a queue in front of one function).
 */
export interface FunctionFigures {
  readonly functionId: string;
  readonly invocations: number;
  readonly coldStarts: number;
  readonly initP50Ms: number;
  readonly queuedP99Ms: number;
  readonly durationP50Ms: number;
  readonly durationP99Ms: number;
  /** Error type → count. */
  readonly errors: Readonly<Record<string, number>>;
}

/** The figures of every function invoked among `calls`, the busiest first. */
export function functionFigures(calls: readonly AwsCall[]): FunctionFigures[] {
  const byFunction = new Map<string, AwsCall[]>();
  for (const call of calls) {
    if (call.service !== 'lambda' || !call.target) continue;
    const list = byFunction.get(call.target) ?? [];
    list.push(call);
    byFunction.set(call.target, list);
  }
  return [...byFunction]
    .map(([functionId, list]) => figuresOf(functionId, list))
    .sort((a, b) => b.invocations - a.invocations);
}

function figuresOf(functionId: string, calls: readonly AwsCall[]): FunctionFigures {
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const call of calls) {
    if (call.outcome !== 'ok')
      errors[call.errorCode ?? 'Error'] = (errors[call.errorCode ?? 'Error'] ?? 0) + 1;
  }
  const cold = calls.filter((c) => c.coldStart);
  return {
    functionId,
    invocations: calls.length,
    coldStarts: cold.length,
    initP50Ms: percentile(sorted(cold.map((c) => c.initMs ?? 0)), 0.5),
    queuedP99Ms: percentile(sorted(calls.map((c) => c.queuedMs ?? 0)), 0.99),
    durationP50Ms: percentile(sorted(calls.map((c) => c.ms)), 0.5),
    durationP99Ms: percentile(sorted(calls.map((c) => c.ms)), 0.99),
    errors,
  };
}

/** The figures as a table for the console. */
export function functionTable(figures: readonly FunctionFigures[]): string {
  const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(0));
  const rows = figures.map((f) => [
    shortName(f.functionId),
    String(f.invocations),
    String(f.coldStarts),
    ms(f.initP50Ms),
    ms(f.queuedP99Ms),
    ms(f.durationP50Ms),
    ms(f.durationP99Ms),
    Object.entries(f.errors)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ') || '-',
  ]);
  const header = ['function', 'calls', 'cold', 'init p50', 'queued p99', 'p50 ms', 'p99 ms', 'errors'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1
          ? cell.padEnd(widths[i] as number)
          : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A logical id without CloudFormation's hash suffix: `ReserveBudget1A2B3C4D` → `ReserveBudget`. */
function shortName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}
