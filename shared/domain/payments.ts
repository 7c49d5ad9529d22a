import { chinaCalendarDate, DAY_MS } from './china-time.js';
import { type Fen, splitByPercent } from './money.js';
import { type Proposal, TRANCHE_MILESTONES, type TrancheMilestone } from './proposal.js';
import { onOrAfterWorkingDay, type WorkingCalendar, workingDaysAfter } from './working-days.js';

/**
 * The tranches a purchase is paid in and what finance is told for each. A tranche falls due
 * when its milestone is accepted; payment is due within the configured days of that, on the
 * official calendar (paymentDueDate).
 */

export interface PlannedTranche {
  /** 1, 2, 3 in milestone order. */
  tranche: number;
  milestone: TrancheMilestone;
  percent: number;
  amountFen: Fen;
}

export class TranchePlanError extends Error {
  override name = 'TranchePlanError';
}

/**
 * The proposal's schedule in milestone order with amounts in fen. Shares round down and the
 * last tranche takes the remainder, so the amounts always add up to the total; a schedule an
 * amendment gave in amounts pays those.
 */
export function tranchePlan(proposal: Pick<Proposal, 'totalFen' | 'trancheSchedule'>): PlannedTranche[] {
  const schedule = [...proposal.trancheSchedule].sort(
    (a, b) => TRANCHE_MILESTONES.indexOf(a.milestone) - TRANCHE_MILESTONES.indexOf(b.milestone),
  );
  const percentTotal = schedule.reduce((total, t) => total + t.percent, 0);
  if (percentTotal !== 100) {
    throw new TranchePlanError(`the tranche percentages sum to ${percentTotal}, not 100`);
  }
  // An amended plan fixes every tranche's amount (amendments.ts); the policy checks they add up.
  const amounts = schedule.every((t) => t.amountFen !== undefined)
    ? schedule.map((t) => t.amountFen as Fen)
    : splitByPercent(
        proposal.totalFen,
        schedule.map((t) => t.percent),
      );
  return schedule.map((t, i) => ({
    tranche: i + 1,
    milestone: t.milestone,
    percent: t.percent,
    amountFen: amounts[i] ?? 0,
  }));
}

/** How the settings give the payment term: calendar days, or working days when those are given. */
export interface PaymentTerm {
  dueDays: number;
  dueWorkingDays?: number | undefined;
}

/**
 * The China date payment is due: `dueWorkingDays` working days after the China date of acceptance
 * when given; otherwise `dueDays` calendar days after it, moved to the next working day when that
 * is a rest day (a holiday, or a weekend that is not a make-up working day).
 */
export function paymentDueDate(acceptedAt: string, term: PaymentTerm, calendar: WorkingCalendar): string {
  const days = term.dueWorkingDays ?? term.dueDays;
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new RangeError(`the payment term must be a whole number of days, got ${days}`);
  }
  const acceptedOn = chinaCalendarDate(acceptedAt);
  if (term.dueWorkingDays !== undefined) return workingDaysAfter(acceptedAt, days, calendar).date;
  const calendarDue = new Date(Date.parse(`${acceptedOn}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return onOrAfterWorkingDay(calendarDue, calendar).date;
}
