import * as z from 'zod/mini';
import { DAY_MS } from './china-time.js';

/**
 * Working days on the official calendar of the People's Republic of China: Monday to Friday,
 * less the public holidays, plus the make-up working days (调休上班) the State Council's yearly
 * notice moves onto weekends. So the Spring Festival week does not count towards a deadline, and
 * a make-up Saturday does.
 *
 * The years come from two places: the `chinese-days` package (the notices up to its release) and
 * the deployment's settings (`policy.officialCalendar`), which an operator extends with a year the
 * package does not know (the notice comes out in November) and which win over the package. A year
 * known to neither is counted as weekdays only, and every answer names such years (`assumed`),
 * so a plan step's output and the deploy's warnings show it rather than hiding it.
 */

/** `MM-DD`, or an inclusive range `MM-DD/MM-DD` within the year, as the notice lists them. */
const DAYS = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(\/(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$/;
const dayList = z.array(
  z.string().check(z.regex(DAYS, 'a day is MM-DD, or a range MM-DD/MM-DD within the year')),
);

export const CalendarYearSchema = z.strictObject({
  /** Days off: the public holidays and the weekdays given off with them. */
  holidays: dayList,
  /** Weekend days that are working days (make-up days). */
  workdays: dayList,
  /** Where the year comes from, e.g. 国办发明电〔2026〕N号. */
  source: z.string().check(z.minLength(1)),
  /** True when the year is an illustrative estimate, not the published notice. */
  sample: z.boolean(),
});
export type CalendarYear = z.infer<typeof CalendarYearSchema>;

/** The years an operator adds or corrects, by year: `{ "2027": { holidays, workdays, source, sample } }`. */
export const OfficialCalendarSchema = z.record(
  z.string().check(z.regex(/^20\d\d$/, 'a calendar year is four digits, e.g. 2027')),
  CalendarYearSchema,
);
export type OfficialCalendar = z.infer<typeof OfficialCalendarSchema>;

/** How long a wait lasts: working days on the official calendar, or (tests, the fast demo) seconds. */
export const WaitTimeoutSchema = z.union([
  z.strictObject({ workingDays: z.int().check(z.positive(), z.lte(60)) }),
  z.strictObject({ seconds: z.int().check(z.gte(60), z.lte(30 * 24 * 3600)) }),
]);
export type WaitTimeout = z.infer<typeof WaitTimeoutSchema>;

/** A China calendar date's standing, and whether its year's calendar is known. */
export interface DayStanding {
  working: boolean;
  /** False when no calendar of the year is known and only the weekday decided. */
  known: boolean;
}

/** The official calendar, as the domain asks it. */
export interface WorkingCalendar {
  standing(date: string): DayStanding;
  /** The years the calendar knows. */
  readonly years: readonly number[];
}

function expand(year: string, entries: readonly string[]): string[] {
  const dates: string[] = [];
  for (const entry of entries) {
    const [from, to = from] = entry.split('/') as [string, string?];
    const end = Date.parse(`${year}-${to}T00:00:00Z`);
    for (let day = Date.parse(`${year}-${from}T00:00:00Z`); day <= end; day += DAY_MS)
      dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * The calendar of the given years: `base` (the package's days, by date) for the years `years`
 * does not name, and each year of `years` in place of the package's.
 */
export function workingCalendar(
  years: Readonly<Record<string, Pick<CalendarYear, 'holidays' | 'workdays'> & Partial<CalendarYear>>>,
  base: { holidays: readonly string[]; workdays: readonly string[] } = { holidays: [], workdays: [] },
): WorkingCalendar {
  const overridden = new Set(Object.keys(years));
  const kept = (date: string) => !overridden.has(date.slice(0, 4));
  const holidays = new Set(base.holidays.filter(kept));
  const workdays = new Set(base.workdays.filter(kept));
  for (const [year, days] of Object.entries(years)) {
    for (const date of expand(year, days.holidays)) holidays.add(date);
    for (const date of expand(year, days.workdays)) workdays.add(date);
  }
  const known = new Set([...holidays, ...workdays].map((d) => Number(d.slice(0, 4))));
  return {
    years: [...known].sort((a, b) => a - b),
    standing(date) {
      if (workdays.has(date)) return { working: true, known: true };
      if (holidays.has(date)) return { working: false, known: true };
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      return { working: weekday !== 0 && weekday !== 6, known: known.has(Number(date.slice(0, 4))) };
    },
  };
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The China date of an instant. */
function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a China date, as an instant. */
function endOfChinaDay(date: string): number {
  return Date.parse(`${date}T23:59:59.999+08:00`);
}

/** A deadline, and the years it was counted on without their calendar (weekdays only). */
export interface Deadline {
  at: number;
  assumed: number[];
}

/**
 * The end (23:59:59.999 China time) of the `days`-th working day after the China date of `from`:
 * asked on a Friday before the Spring Festival, 1 working day ends on the first working day after it.
 */
export function addWorkingDays(from: number, days: number, calendar: WorkingCalendar): Deadline {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`not a number of working days: ${days}`);
  const assumed = new Set<number>();
  let date = chinaDate(from);
  let left = days;
  while (left > 0) {
    date = chinaDate(Date.parse(`${date}T00:00:00+08:00`) + DAY_MS);
    const standing = calendar.standing(date);
    if (!standing.known) assumed.add(Number(date.slice(0, 4)));
    if (standing.working) left -= 1;
  }
  return { at: days === 0 ? from : endOfChinaDay(date), assumed: [...assumed] };
}

/** When a wait of `timeout` that starts at `from` times out. */
export function waitDeadline(from: number, timeout: WaitTimeout, calendar: WorkingCalendar): Deadline {
  if ('seconds' in timeout) return { at: from + timeout.seconds * 1000, assumed: [] };
  return addWorkingDays(from, timeout.workingDays, calendar);
}

/** Seconds from `now` to `deadline`, rounded up, and at least one minute (Step Functions' timeouts are whole seconds). */
export function secondsUntil(deadline: number, now: number): number {
  return Math.max(60, Math.ceil((deadline - now) / 1000));
}

/** The timeouts of an escalating wait's three attempts, each starting when the one before timed out. */
export interface AttemptTimeouts {
  FIRST: number;
  REMINDER: number;
  ESCALATION: number;
  /** When the escalation times out: the latest the wait can end (for the execution's budget). */
  endsBy: number;
  /** Years counted as weekdays only, for want of their calendar; absent when none. */
  calendarAssumed?: number[];
}

/**
 * The seconds each attempt of an escalating wait (ask, remind, escalate) waits when the first
 * starts at `from`: each runs its own `timeout`, from where the one before ended.
 */
export function attemptTimeouts(
  from: number,
  timeout: WaitTimeout,
  calendar: WorkingCalendar,
): AttemptTimeouts {
  const first = waitDeadline(from, timeout, calendar);
  const reminder = waitDeadline(first.at, timeout, calendar);
  const escalation = waitDeadline(reminder.at, timeout, calendar);
  const assumed = [...new Set([...first.assumed, ...reminder.assumed, ...escalation.assumed])].sort();
  return {
    FIRST: secondsUntil(first.at, from),
    REMINDER: secondsUntil(reminder.at, first.at),
    ESCALATION: secondsUntil(escalation.at, reminder.at),
    endsBy: escalation.at,
    ...(assumed.length > 0 ? { calendarAssumed: assumed } : {}),
  };
}

/** The China date `days` working days after the China date of `from` (a payment's due date). */
export function workingDaysAfter(
  from: string,
  days: number,
  calendar: WorkingCalendar,
): Deadline & { date: string } {
  const deadline = addWorkingDays(Date.parse(from), days, calendar);
  return { ...deadline, date: chinaDate(deadline.at) };
}

/** The date itself when it is a working day, else the next working day (a due date on a holiday moves on). */
export function onOrAfterWorkingDay(
  date: string,
  calendar: WorkingCalendar,
): { date: string; assumed: number[] } {
  const assumed = new Set<number>();
  let day = date;
  for (;;) {
    const standing = calendar.standing(day);
    if (!standing.known) assumed.add(Number(day.slice(0, 4)));
    if (standing.working) return { date: day, assumed: [...assumed] };
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  }
}

/** A wait as the settings give it: in working days when they are given, else in seconds. */
export function waitTimeoutOf(seconds: number, workingDays: number | undefined): WaitTimeout {
  return workingDays === undefined ? { seconds } : { workingDays };
}
