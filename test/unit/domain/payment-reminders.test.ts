import { describe, expect, it } from 'vitest';
import { chasesDue, workingDaysOverdue } from '../../../shared/domain/payment-reminders.js';
import { workingCalendar } from '../../../shared/domain/working-days.js';

const SETTINGS = { reminderWorkingDays: 5, escalationWorkingDays: 15 };
// Due on Wednesday 1 April 2026.
const DUE = '2026-04-01';
const due = { status: 'NOTIFIED' as const, dueDate: DUE };
/** Weekdays only: a calendar that knows no year's holidays. */
const weekdays = workingCalendar({});

describe('workingDaysOverdue', () => {
  it('counts the working days after the due day up to today, skipping the weekend', () => {
    expect(workingDaysOverdue(DUE, DUE, weekdays)).toBe(0);
    expect(workingDaysOverdue(DUE, '2026-03-20', weekdays)).toBe(0);
    // Thu 2, Fri 3, (Sat 4, Sun 5), Mon 6, Tue 7, Wed 8.
    expect(workingDaysOverdue(DUE, '2026-04-08', weekdays)).toBe(5);
    expect(workingDaysOverdue(DUE, '2026-04-05', weekdays)).toBe(2);
  });

  it('counts on the official calendar: a holiday is not a working day, a make-up weekend day is', () => {
    // As if Qingming 2026 took Monday 6 April off and Sunday 12 April were worked instead.
    const calendar = workingCalendar({
      '2026': { holidays: ['04-06'], workdays: ['04-12'] },
    });
    // Thu 2, Fri 3, Tue 7 to Fri 10, Sun 12.
    expect(workingDaysOverdue(DUE, '2026-04-12', calendar)).toBe(7);
  });
});

describe('chasesDue', () => {
  it('reminds finance once the tranche is the configured working days overdue', () => {
    expect(chasesDue(due, '2026-04-07', SETTINGS, weekdays)).toEqual([]);
    expect(chasesDue(due, '2026-04-08', SETTINGS, weekdays)).toEqual(['REMINDER']);
  });

  it('escalates later; both are due at once when the reminder was never sent', () => {
    // Wed 22 April: 15 working days after 1 April.
    expect(
      chasesDue({ ...due, remindedAt: '2026-04-08T01:00:00.000Z' }, '2026-04-21', SETTINGS, weekdays),
    ).toEqual([]);
    expect(
      chasesDue({ ...due, remindedAt: '2026-04-08T01:00:00.000Z' }, '2026-04-22', SETTINGS, weekdays),
    ).toEqual(['ESCALATION']);
    expect(chasesDue(due, '2026-04-22', SETTINGS, weekdays)).toEqual(['REMINDER', 'ESCALATION']);
  });

  it('sends nothing twice, nothing for a settled tranche and nothing on a day off', () => {
    const chased = { ...due, remindedAt: 'x', escalatedAt: 'y' };
    expect(chasesDue(chased, '2026-05-20', SETTINGS, weekdays)).toEqual([]);
    for (const status of ['CONFIRMED', 'WAIVED', 'WITHHELD', 'CANCELLED'] as const)
      expect(chasesDue({ ...due, status }, '2026-05-20', SETTINGS, weekdays)).toEqual([]);
    // Saturday 9 May: well overdue, but nobody reads a Saturday reminder; nor one on a holiday.
    expect(chasesDue(due, '2026-05-09', SETTINGS, weekdays)).toEqual([]);
    const mayDay = workingCalendar({
      '2026': { holidays: ['05-01/05-05'], workdays: [] },
    });
    expect(chasesDue(due, '2026-05-05', SETTINGS, mayDay)).toEqual([]);
    expect(chasesDue(due, '2026-05-06', SETTINGS, mayDay)).toEqual(['REMINDER', 'ESCALATION']);
  });
});
