import type { AwsCall } from '../../infra/local/services/aws-calls.js';
import { percentile } from './percentile.js';
import { textTable } from './text-table.js';

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
  const errors = errorCounts(calls);
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

/**
 * A function's DynamoDB calls of one operation: how many, how many per invocation, how long they
 * took and what DynamoDB refused (conditional checks, cancelled transactions, throttling). The
 * evidence of contention: a hot item shows as long waits and refusals on its writes.
 */
export interface DynamoDbFigures {
  readonly functionId: string;
  readonly operation: string;
  readonly calls: number;
  readonly perInvocation: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly totalMs: number;
  readonly errors: Readonly<Record<string, number>>;
}

/** Per function and operation, the most time first. */
export function dynamoDbFigures(calls: readonly AwsCall[]): DynamoDbFigures[] {
  const invocations = new Map<string, number>();
  const byKey = new Map<string, AwsCall[]>();
  for (const call of calls) {
    if (call.service === 'lambda' && call.target) {
      invocations.set(call.target, (invocations.get(call.target) ?? 0) + 1);
    } else if (call.service === 'dynamodb') {
      const key = `${call.caller} ${call.operation}`;
      byKey.set(key, [...(byKey.get(key) ?? []), call]);
    }
  }
  return [...byKey.values()]
    .map((list) => {
      const { caller: functionId, operation } = list[0] as AwsCall;
      const sorted = list.map((c) => c.ms).sort((a, b) => a - b);
      return {
        functionId,
        operation,
        calls: list.length,
        perInvocation: list.length / (invocations.get(functionId) ?? list.length),
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        totalMs: sorted.reduce((sum, ms) => sum + ms, 0),
        errors: errorCounts(list),
      };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

function errorCounts(calls: readonly AwsCall[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const call of calls) {
    if (call.outcome !== 'ok')
      errors[call.errorCode ?? 'Error'] = (errors[call.errorCode ?? 'Error'] ?? 0) + 1;
  }
  return errors;
}

/** The DynamoDB figures as a table (the `limit` with the most time). */
export function dynamoDbTable(figures: readonly DynamoDbFigures[], limit = 25): string {
  const rows = figures
    .slice(0, limit)
    .map((f) => [
      shortName(f.functionId),
      f.operation,
      String(f.calls),
      f.perInvocation.toFixed(1),
      f.p50Ms.toFixed(0),
      f.p99Ms.toFixed(0),
      (f.totalMs / 1000).toFixed(1),
      errorsCell(f.errors),
    ]);
  return textTable(
    ['function', 'DynamoDB call', 'calls', 'per call', 'p50 ms', 'p99 ms', 'total s', 'refused'],
    rows,
    2,
  );
}

function errorsCell(errors: Readonly<Record<string, number>>): string {
  return (
    Object.entries(errors)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ') || '-'
  );
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
    errorsCell(f.errors),
  ]);
  return textTable(
    ['function', 'calls', 'cold', 'init p50', 'queued p99', 'p50 ms', 'p99 ms', 'errors'],
    rows,
    1,
  );
}

/** A logical id without CloudFormation's hash suffix: `ReserveBudget1A2B3C4D` → `ReserveBudget`. */
function shortName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}
