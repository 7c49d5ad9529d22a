import { chinaCalendarDate, DAY_MS } from './china-time.js';
import { type Fen, splitByPercent } from './money.js';
import { type Proposal, TRANCHE_MILESTONES, type TrancheMilestone } from './proposal.js';

/**
 * The tranches a purchase is paid in and what finance is told for each. A tranche falls due
 * when its milestone is accepted; payment is due within `dueDays` calendar days of that.
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
 * last tranche takes the remainder, so the amounts always add up to the total.
 */
export function tranchePlan(proposal: Pick<Proposal, 'totalFen' | 'trancheSchedule'>): PlannedTranche[] {
  const schedule = [...proposal.trancheSchedule].sort(
    (a, b) => TRANCHE_MILESTONES.indexOf(a.milestone) - TRANCHE_MILESTONES.indexOf(b.milestone),
  );
  const percentTotal = schedule.reduce((total, t) => total + t.percent, 0);
  if (percentTotal !== 100) {
    throw new TranchePlanError(`the tranche percentages sum to ${percentTotal}, not 100`);
  }
  const amounts = splitByPercent(
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

/** The China date `dueDays` calendar days after the China date of acceptance. */
export function paymentDueDate(acceptedAt: string, dueDays: number): string {
  if (!Number.isSafeInteger(dueDays) || dueDays < 0) {
    throw new RangeError(`dueDays must be a whole number of days, got ${dueDays}`);
  }
  const acceptedOn = Date.parse(`${chinaCalendarDate(acceptedAt)}T00:00:00Z`);
  return new Date(acceptedOn + dueDays * DAY_MS).toISOString().slice(0, 10);
}
