import type { PaymentRecord } from './payment-records.js';
import type { WorkingCalendar } from './working-days.js';

/**
 * A tranche finance was told to pay and has not confirmed is chased: a reminder to finance some
 * working days after its due date, and later an escalation to the head of the finance section and
 * the bureau director (the director answers for the bureau paying what it owes the NGO on time;
 * the section head for the clerks' work). Each is sent once per tranche, and only on a working
 * day of the official calendar (working-days.ts): nobody reads a reminder on a Saturday or in the
 * Spring Festival week, and those days do not count towards it either.
 */

/** What is sent about an unconfirmed tranche, in the order they fall due. */
export const PAYMENT_CHASES = ['REMINDER', 'ESCALATION'] as const;
export type PaymentChase = (typeof PAYMENT_CHASES)[number];

/** When each chase falls due: working days after the due date (lifecycle.payments). */
export interface ChaseSettings {
  reminderWorkingDays: number;
  escalationWorkingDays: number;
}

const DAY_MS = 86_400_000;

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Working days after `dueDate` up to and including `today` (both China dates): 0 on or before the due day. */
export function workingDaysOverdue(dueDate: string, today: string, calendar: WorkingCalendar): number {
  let count = 0;
  for (let day = nextDate(dueDate); day <= today; day = nextDate(day))
    if (calendar.standing(day).working) count++;
  return count;
}

/** The chase each kind of message marks on the payment step once it is sent. */
export const CHASE_MARKS = { REMINDER: 'remindedAt', ESCALATION: 'escalatedAt' } as const satisfies Record<
  PaymentChase,
  keyof PaymentRecord
>;

/**
 * The chases due for a tranche on `today` and not sent yet, in order: none for a tranche settled,
 * not yet overdue enough, or on a day that is not a working day.
 */
export function chasesDue(
  payment: Pick<PaymentRecord, 'status' | 'dueDate' | 'remindedAt' | 'escalatedAt'>,
  today: string,
  settings: ChaseSettings,
  calendar: WorkingCalendar,
): PaymentChase[] {
  if (payment.status !== 'NOTIFIED' || payment.dueDate === undefined || !calendar.standing(today).working)
    return [];
  const overdue = workingDaysOverdue(payment.dueDate, today, calendar);
  const threshold: Record<PaymentChase, number> = {
    REMINDER: settings.reminderWorkingDays,
    ESCALATION: settings.escalationWorkingDays,
  };
  return PAYMENT_CHASES.filter(
    (chase) => overdue >= threshold[chase] && payment[CHASE_MARKS[chase]] === undefined,
  );
}
