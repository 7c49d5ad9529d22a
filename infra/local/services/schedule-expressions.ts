/**
 * EventBridge schedule expressions, as AWS reads them (all times UTC): `rate(value unit)` and the
 * six-field `cron(minutes hours day-of-month month day-of-week year)`. No npm cron library reads
 * AWS's dialect (a year field, day-of-week 1 = Sunday, `?` required in one day field), so this small
 * parser does; what it does not support is refused, never scheduled differently from AWS.
 */

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

/** A day-of-month field: `?`/`*`, values, `L` (last day), `nW` (weekday nearest day n), `LW`. */
type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'values'; readonly values: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  | { readonly kind: 'lastWeekday' };

/** A day-of-week field (1 = Sunday): `?`/`*`, values, `nL` (last weekday n of the month), `n#k` (k-th). */
type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'values'; readonly values: ReadonlySet<number> }
  | { readonly kind: 'lastOfMonth'; readonly weekday: number }
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number };

export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly expression: string; readonly periodSeconds: number }
  | {
      readonly kind: 'cron';
      readonly expression: string;
      readonly minutes: readonly number[];
      readonly hours: readonly number[];
      readonly dayOfMonth: DayOfMonthRule;
      readonly months: ReadonlySet<number>;
      readonly dayOfWeek: DayOfWeekRule;
      readonly years: ReadonlySet<number>;
    };

const RATE_UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for the values from `min` on (JAN = 1, SUN = 1). */
  readonly names?: readonly string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  year: { name: 'year', min: FIRST_YEAR, max: LAST_YEAR },
} satisfies Record<string, FieldSpec>;

/** Reads a rule's ScheduleExpression; throws ScheduleExpressionError saying what is wrong and what is allowed. */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return parseRate(expression, rate[1] ?? '');
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron(expression, cron[1] ?? '');
  throw new ScheduleExpressionError(
    `schedule expression ${expression} is neither rate(value unit) nor cron(minutes hours day-of-month month day-of-week year)`,
  );
}

function parseRate(expression: string, body: string): ScheduleExpression {
  const match = /^(\d+) (minute|hour|day)(s?)$/.exec(body);
  const value = Number(match?.[1]);
  if (!match || value < 1)
    throw new ScheduleExpressionError(
      `${expression}: a rate is a positive whole number and a unit: minute(s), hour(s) or day(s)`,
    );
  // AWS refuses rate(1 hours) and rate(2 hour).
  if ((value === 1) !== (match[3] === ''))
    throw new ScheduleExpressionError(
      `${expression}: the unit is singular for 1 and plural otherwise, as in rate(1 hour) or rate(2 hours)`,
    );
  return { kind: 'rate', expression, periodSeconds: value * (RATE_UNITS[match[2] ?? ''] ?? 0) };
}

function parseCron(expression: string, body: string): ScheduleExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(
      `${expression}: a cron expression has six fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  const fail = (message: string) => new ScheduleExpressionError(`${expression}: ${message}`);
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw fail(
      'exactly one of day-of-month and day-of-week must be ?, as AWS requires (e.g. cron(0 1 * * ? *))',
    );
  return {
    kind: 'cron',
    expression,
    minutes: [...parseValues(minutes, FIELDS.minutes, fail)].sort((a, b) => a - b),
    hours: [...parseValues(hours, FIELDS.hours, fail)].sort((a, b) => a - b),
    dayOfMonth: parseDayOfMonth(dayOfMonth, fail),
    months: parseValues(month, FIELDS.month, fail),
    dayOfWeek: parseDayOfWeek(dayOfWeek, fail),
    years: parseValues(year, FIELDS.year, fail),
  };
}

type Fail = (message: string) => ScheduleExpressionError;

function parseDayOfMonth(field: string, fail: Fail): DayOfMonthRule {
  if (field === '?' || field === '*') return { kind: 'any' };
  if (field === 'L') return { kind: 'last' };
  if (field === 'LW') return { kind: 'lastWeekday' };
  const weekday = /^(\d+)W$/.exec(field);
  if (weekday) return { kind: 'nearestWeekday', day: parseValue(weekday[1] ?? '', FIELDS.dayOfMonth, fail) };
  if (/[LW#]/.test(field))
    throw fail(
      `day-of-month ${field}: L, LW and nW (e.g. 15W) stand alone in the field; other forms are not supported`,
    );
  return { kind: 'values', values: parseValues(field, FIELDS.dayOfMonth, fail) };
}

function parseDayOfWeek(field: string, fail: Fail): DayOfWeekRule {
  if (field === '?' || field === '*') return { kind: 'any' };
  // L alone is the last day of the week, Saturday.
  if (field === 'L') return { kind: 'values', values: new Set([7]) };
  const last = /^(\w+)L$/.exec(field);
  if (last) return { kind: 'lastOfMonth', weekday: parseValue(last[1] ?? '', FIELDS.dayOfWeek, fail) };
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) throw fail(`day-of-week ${field}: the n of weekday#n is 1 to 5`);
    return { kind: 'nth', weekday: parseValue(nth[1] ?? '', FIELDS.dayOfWeek, fail), nth: k };
  }
  if (/[LW#]/.test(field))
    throw fail(
      `day-of-week ${field}: nL (e.g. 6L) and n#k (e.g. 2#1) stand alone in the field; other forms are not supported`,
    );
  return { kind: 'values', values: parseValues(field, FIELDS.dayOfWeek, fail) };
}

/** A list of `*`, `a`, `a-b`, each optionally `/step`: the values it names. */
function parseValues(field: string, spec: FieldSpec, fail: Fail): ReadonlySet<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match)
      throw fail(
        `${spec.name} ${item || '(empty)'}: allowed are *, a value, a range a-b, each with an optional /step, separated by commas`,
      );
    const [range = '', step] = [match[1], match[2]];
    const [from, to] =
      range === '*'
        ? [spec.min, spec.max]
        : range.includes('-')
          ? range.split('-').map((v) => parseValue(v, spec, fail))
          : [parseValue(range, spec, fail), step === undefined ? parseValue(range, spec, fail) : spec.max];
    const increment = step === undefined ? 1 : Number(step);
    if (increment < 1) throw fail(`${spec.name} ${item}: a step is at least 1`);
    if (from === undefined || to === undefined || from > to)
      throw fail(`${spec.name} ${item}: a range goes from the lower value to the higher one`);
    for (let value = from; value <= to; value += increment) values.add(value);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec, fail: Fail): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? spec.min + named : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= spec.min && value <= spec.max))
    throw fail(
      `${spec.name} ${text}: allowed are ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''}`,
    );
  return value;
}

const MINUTE_MS = 60_000;

/**
 * The first time the cron expression names strictly after `afterMs` (UTC, to the minute), or
 * undefined when none is left (its years are past).
 */
export function nextCronTime(
  schedule: Extract<ScheduleExpression, { kind: 'cron' }>,
  afterMs: number,
): number | undefined {
  const earliest = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const start = new Date(earliest);
  const startDay = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (let year = start.getUTCFullYear(); year <= LAST_YEAR; year++) {
    if (!schedule.years.has(year)) continue;
    for (let month = 1; month <= 12; month++) {
      if (!schedule.months.has(month) || Date.UTC(year, month, 0) < startDay) continue;
      const days = daysInMonth(year, month);
      for (let day = 1; day <= days; day++) {
        const midnight = Date.UTC(year, month - 1, day);
        if (midnight < startDay || !dayMatches(schedule, year, month, day)) continue;
        for (const hour of schedule.hours) {
          for (const minute of schedule.minutes) {
            const candidate = midnight + (hour * 60 + minute) * MINUTE_MS;
            if (candidate >= earliest) return candidate;
          }
        }
      }
    }
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday ... 7 = Saturday, as AWS counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function dayMatches(
  schedule: Extract<ScheduleExpression, { kind: 'cron' }>,
  year: number,
  month: number,
  day: number,
): boolean {
  const days = daysInMonth(year, month);
  const dom = schedule.dayOfMonth;
  switch (dom.kind) {
    case 'values':
      return dom.values.has(day);
    case 'last':
      return day === days;
    case 'nearestWeekday':
      // Like Quartz, 31W does nothing in a month of 30 days.
      return dom.day <= days && day === nearestWeekday(year, month, dom.day);
    case 'lastWeekday':
      return day === nearestWeekday(year, month, days);
    case 'any':
      break;
  }
  const dow = schedule.dayOfWeek;
  const weekday = weekdayOf(year, month, day);
  switch (dow.kind) {
    case 'values':
      return dow.values.has(weekday);
    case 'lastOfMonth':
      return weekday === dow.weekday && day + 7 > days;
    case 'nth':
      return weekday === dow.weekday && Math.ceil(day / 7) === dow.nth;
    case 'any':
      return true;
  }
}

/** The Monday-to-Friday day nearest `day`, not leaving the month (1W on a Saturday is Monday the 3rd). */
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === daysInMonth(year, month) ? day - 2 : day + 1;
  return day;
}
