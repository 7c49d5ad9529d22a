import { describe, expect, it } from 'vitest';
import { officialCalendar, PACKAGE_YEARS } from '../../../shared/domain/official-calendar.js';
import {
  addWorkingDays,
  attemptTimeouts,
  type CalendarYear,
  onOrAfterWorkingDay,
  workingCalendar,
  workingDaysAfter,
} from '../../../shared/domain/working-days.js';

/**
 * A 2027 as a notice would give it (the tests' own: the package's data ends before 2027): the
 * Spring Festival from Thursday 4 to Friday 12 February, made up on Sunday 31 January and
 * Saturday 20 February.
 */
const YEAR_2027: CalendarYear = {
  holidays: ['01-01', '02-04/02-12', '10-01/10-07'],
  workdays: ['01-31', '02-20'],
  source: 'test',
  sample: true,
};
const calendar = officialCalendar({ officialCalendar: { '2027': YEAR_2027 } });
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the official calendar', () => {
  it('knows the years of the package and those the settings add', () => {
    expect(PACKAGE_YEARS).toContain(2026);
    expect(calendar.years).toEqual(expect.arrayContaining([2026, 2027]));
  });

  it('takes the Spring Festival week off and counts a make-up weekend day as working, in a year of the settings', () => {
    expect(calendar.standing('2027-02-03')).toEqual({ working: true, known: true });
    for (const day of ['04', '05', '08', '09', '10', '11', '12'])
      expect(calendar.standing(`2027-02-${day}`).working, `2027-02-${day}`).toBe(false);
    // Saturday 20 February is a make-up working day; Saturday 13 February is not.
    expect(calendar.standing('2027-02-20')).toEqual({ working: true, known: true });
    expect(calendar.standing('2027-02-13')).toEqual({ working: false, known: true });
  });

  it('takes the package’s 2026: the Spring Festival off from 15 to 23 February, Saturday 14 and 28 February worked', () => {
    expect(calendar.standing('2026-02-16')).toEqual({ working: false, known: true });
    expect(calendar.standing('2026-02-23')).toEqual({ working: false, known: true });
    expect(calendar.standing('2026-02-14')).toEqual({ working: true, known: true });
    expect(calendar.standing('2026-02-28')).toEqual({ working: true, known: true });
  });

  it('a year of the settings replaces the package’s year, not adds to it', () => {
    const corrected = officialCalendar({
      officialCalendar: { '2026': { holidays: ['01-01'], workdays: [], source: 'test', sample: true } },
    });
    expect(corrected.standing('2026-02-16')).toEqual({ working: true, known: true });
    expect(corrected.standing('2026-02-28')).toEqual({ working: false, known: true });
  });

  it('says a year it does not know is unknown, counting its weekdays only', () => {
    expect(calendar.standing('2031-02-03')).toEqual({ working: true, known: false });
    expect(calendar.standing('2031-02-01')).toEqual({ working: false, known: false });
  });
});

describe('adding working days', () => {
  it('ends a wait asked the day before the Spring Festival on the Nth working day after it, at midnight China time', () => {
    // Asked on Wednesday 3 February 2027 at 15:00 China time, 3 working days.
    const deadline = addWorkingDays(at('2027-02-03T07:00:00Z'), 3, calendar);
    // Monday 15, Tuesday 16, Wednesday 17 February.
    expect(iso(deadline.at)).toBe('2027-02-17T15:59:59.999Z');
    expect(deadline.assumed).toEqual([]);
  });

  it('counts the make-up Saturday', () => {
    // From Thursday 18 February: Friday 19, Saturday 20 (make-up), Monday 22.
    expect(iso(addWorkingDays(at('2027-02-18T02:00:00Z'), 3, calendar).at)).toBe('2027-02-22T15:59:59.999Z');
  });

  it('counts an unknown year as weekdays and names it', () => {
    const deadline = addWorkingDays(at('2030-12-30T02:00:00Z'), 3, calendar);
    // Tuesday 31 December 2030 (unknown year 2030), Wednesday 1 and Thursday 2 January 2031.
    expect(iso(deadline.at)).toBe('2031-01-02T15:59:59.999Z');
    expect(deadline.assumed).toEqual([2030, 2031]);
  });

  it('gives an escalating wait three timeouts, each from where the one before ended', () => {
    const from = at('2027-02-03T07:00:00Z');
    const timeouts = attemptTimeouts(from, { workingDays: 1 }, calendar);
    // Thursday 4 February: first ends at the end of Monday 15, the reminder Tuesday 16, the escalation Wednesday 17.
    expect(iso(from + timeouts.FIRST * 1000)).toBe('2027-02-15T16:00:00.000Z');
    expect(timeouts.REMINDER).toBe(86_400);
    expect(timeouts.ESCALATION).toBe(86_400);
    expect(iso(timeouts.endsBy)).toBe('2027-02-17T15:59:59.999Z');
    expect(timeouts.calendarAssumed).toBeUndefined();
    expect(attemptTimeouts(from, { seconds: 600 }, calendar)).toEqual({
      FIRST: 600,
      REMINDER: 600,
      ESCALATION: 600,
      endsBy: from + 1_800_000,
    });
  });

  it('gives a payment due date in working days, and moves a calendar date that falls on a holiday to the next working day', () => {
    // From Friday 29 January: Sunday 31 (make-up), Monday 1 to Wednesday 3 February, then the festival.
    expect(workingDaysAfter('2027-01-29T02:00:00Z', 4, calendar).date).toBe('2027-02-03');
    expect(workingDaysAfter('2027-01-29T02:00:00Z', 5, calendar).date).toBe('2027-02-15');
    expect(onOrAfterWorkingDay('2027-02-06', calendar)).toEqual({ date: '2027-02-15', assumed: [] });
    expect(onOrAfterWorkingDay('2027-02-20', calendar).date).toBe('2027-02-20');
  });

  it('reads a calendar of the settings’ days only, without the package', () => {
    const alone = workingCalendar({ '2027': YEAR_2027 });
    expect(alone.years).toEqual([2027]);
    expect(alone.standing('2026-02-16')).toEqual({ working: true, known: false });
  });
});
