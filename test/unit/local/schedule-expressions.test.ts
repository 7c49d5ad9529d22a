import { describe, expect, it } from 'vitest';
import {
  nextCronTime,
  parseScheduleExpression,
  type ScheduleExpression,
  ScheduleExpressionError,
} from '../../../infra/local/services/schedule-expressions.js';

function cron(expression: string): Extract<ScheduleExpression, { kind: 'cron' }> {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind !== 'cron') throw new Error(`${expression} is not a cron expression`);
  return parsed;
}

/** The next time as ISO 8601, or undefined. */
function next(expression: string, after: string): string | undefined {
  const at = nextCronTime(cron(expression), Date.parse(after));
  return at === undefined ? undefined : new Date(at).toISOString();
}

describe('rate expressions', () => {
  it('reads minutes, hours and days as a period in seconds', () => {
    expect(parseScheduleExpression('rate(1 hour)')).toEqual({
      kind: 'rate',
      expression: 'rate(1 hour)',
      periodSeconds: 3600,
    });
    expect(parseScheduleExpression('rate(5 minutes)')).toMatchObject({ periodSeconds: 300 });
    expect(parseScheduleExpression('rate(2 days)')).toMatchObject({ periodSeconds: 172_800 });
  });

  it('refuses what AWS refuses: a singular unit for more than one, a plural for one, zero, other units', () => {
    expect(() => parseScheduleExpression('rate(5 minute)')).toThrow(/singular for 1 and plural otherwise/);
    expect(() => parseScheduleExpression('rate(1 hours)')).toThrow(ScheduleExpressionError);
    expect(() => parseScheduleExpression('rate(0 minutes)')).toThrow(/positive whole number/);
    expect(() => parseScheduleExpression('rate(1 week)')).toThrow(/minute\(s\), hour\(s\) or day\(s\)/);
    expect(() => parseScheduleExpression('at(2027-01-01T00:00:00)')).toThrow(/neither rate/);
  });
});

describe('cron expressions: the next time, UTC', () => {
  it('fires the daily chase at 01:00 UTC (09:00 China time), strictly after the given instant', () => {
    expect(next('cron(0 1 * * ? *)', '2026-12-06T21:19:00Z')).toBe('2026-12-07T01:00:00.000Z');
    expect(next('cron(0 1 * * ? *)', '2026-12-07T01:00:00Z')).toBe('2026-12-08T01:00:00.000Z');
  });

  it('crosses a month end and a year end', () => {
    expect(next('cron(0 1 * * ? *)', '2026-12-31T02:00:00Z')).toBe('2027-01-01T01:00:00.000Z');
    expect(next('cron(0 0 31 * ? *)', '2027-02-01T00:00:00Z')).toBe('2027-03-31T00:00:00.000Z');
  });

  it('reads L as the last day of the month, leap years included', () => {
    expect(next('cron(30 0 L * ? *)', '2028-02-10T00:00:00Z')).toBe('2028-02-29T00:30:00.000Z');
    expect(next('cron(30 0 L * ? *)', '2027-02-28T01:00:00Z')).toBe('2027-03-31T00:30:00.000Z');
  });

  it('counts day-of-week from 1 = Sunday, with names and ranges: a weekday rule skips the weekend', () => {
    expect(next('cron(0 9 ? * MON-FRI *)', '2027-01-08T10:00:00Z')).toBe('2027-01-11T09:00:00.000Z');
    expect(next('cron(0 9 ? * 2-6 *)', '2027-01-08T10:00:00Z')).toBe('2027-01-11T09:00:00.000Z');
    expect(next('cron(0 9 ? * 1 *)', '2027-01-08T10:00:00Z')).toBe('2027-01-10T09:00:00.000Z');
    // L alone in day-of-week is its last day, Saturday.
    expect(next('cron(0 0 ? * L *)', '2027-01-04T00:00:00Z')).toBe('2027-01-09T00:00:00.000Z');
  });

  it('reads nL as the last such weekday of the month and n#k as the k-th', () => {
    expect(next('cron(0 12 ? * 6L *)', '2027-01-01T00:00:00Z')).toBe('2027-01-29T12:00:00.000Z');
    expect(next('cron(0 8 ? * 2#1 *)', '2027-01-01T00:00:00Z')).toBe('2027-01-04T08:00:00.000Z');
    expect(next('cron(0 8 ? * MON#1 *)', '2027-01-05T00:00:00Z')).toBe('2027-02-01T08:00:00.000Z');
  });

  it('reads nW as the weekday nearest day n, within the month, and LW as the last weekday', () => {
    // 15 November 2026 is a Sunday: Monday the 16th.
    expect(next('cron(0 0 15W * ? *)', '2026-11-01T00:00:00Z')).toBe('2026-11-16T00:00:00.000Z');
    // 1 August 2026 is a Saturday: not back into July, Monday the 3rd.
    expect(next('cron(0 0 1W * ? *)', '2026-07-31T12:00:00Z')).toBe('2026-08-03T00:00:00.000Z');
    // 31 July 2027 is a Saturday: Friday the 30th.
    expect(next('cron(0 0 LW * ? *)', '2027-07-01T00:00:00Z')).toBe('2027-07-30T00:00:00.000Z');
  });

  it('reads steps, lists, month names and the year field, and says when no time is left', () => {
    expect(next('cron(0/15 * * * ? *)', '2027-01-01T10:07:30Z')).toBe('2027-01-01T10:15:00.000Z');
    expect(next('cron(0 6,18 * * ? *)', '2027-01-01T07:00:00Z')).toBe('2027-01-01T18:00:00.000Z');
    expect(next('cron(0 0 1 JAN ? 2027)', '2026-05-05T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 JAN ? 2027)', '2027-01-01T00:00:00Z')).toBeUndefined();
  });

  it('refuses at parse time, saying what is allowed, what it does not support', () => {
    expect(() => parseScheduleExpression('cron(0 1 * * ?)')).toThrow(/six fields .* got 5/);
    expect(() => parseScheduleExpression('cron(0 1 * * * *)')).toThrow(
      /exactly one of day-of-month and day-of-week must be \?/,
    );
    expect(() => parseScheduleExpression('cron(0 1 ? * ? *)')).toThrow(/exactly one/);
    expect(() => parseScheduleExpression('cron(60 1 * * ? *)')).toThrow(/minutes 60: allowed are 0-59/);
    expect(() => parseScheduleExpression('cron(0 1 ? * FUN *)')).toThrow(
      /day-of-week FUN: allowed are 1-7 or SUN-SAT/,
    );
    expect(() => parseScheduleExpression('cron(0 22-2 * * ? *)')).toThrow(
      /from the lower value to the higher/,
    );
    expect(() => parseScheduleExpression('cron(0 1 L-3 * ? *)')).toThrow(/day-of-month L-3/);
    expect(() => parseScheduleExpression('cron(0 1 ? * 2#6 *)')).toThrow(/1 to 5/);
    expect(() => parseScheduleExpression('cron(0 1 * * ? 2300)')).toThrow(/year 2300: allowed are 1970-2199/);
  });
});
