import { DAY_MS } from '../china-time.js';
import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { Proposal } from '../proposal.js';

export interface PolicyOptions {
  /**
   * Today's China date (`YYYY-MM-DD`); when given, a term that is already over is refused, and the
   * salary benchmark's publication window is judged on it.
   */
  today?: string;
}

/** Months a term may run without, and with, a recorded justification. */
export const MAX_TERM_MONTHS = 12;
export const MAX_JUSTIFIED_TERM_MONTHS = 36;

/** The contract-term rules: at most 12 months, up to 36 only with a justification, not already over. */

export function parseDate(iso: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === iso ? date : undefined;
}

export const isoOf = (d: Date): string => d.toISOString().slice(0, 10);

/** Same day `months` later; a day the target month lacks becomes its last day (01-31 + 1 = 02-28). */
function addMonths(d: Date, months: number): Date {
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target;
}

/** The last day a term starting on `start` may run to when it lasts at most `months`. */
export function lastTermDay(start: string, months: number): string | undefined {
  const s = parseDate(start);
  return s ? isoOf(new Date(addMonths(s, months).getTime() - DAY_MS)) : undefined;
}

/** "18 months", "12 months and 1 day": how long a term runs, both ends included. */
function describeTermLength(start: Date, end: Date): string {
  const endExclusive = new Date(end.getTime() + DAY_MS);
  let months = 0;
  while (addMonths(start, months + 1) <= endExclusive) months++;
  const days = Math.round((endExclusive.getTime() - addMonths(start, months).getTime()) / DAY_MS);
  const parts = [];
  if (months > 0) parts.push(`${months} month${months === 1 ? '' : 's'}`);
  if (days > 0 || months === 0) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  return parts.join(' and ');
}

export function checkTerm(p: Proposal, opts: PolicyOptions): FieldError[] {
  const { start, end } = p.term;
  const s = parseDate(start);
  const e = parseDate(end);
  if (!s || !e) return []; // the schema reports malformed dates
  const errors: FieldError[] = [];
  if (e <= s) {
    errors.push(
      fieldError(
        'term-end-after-start',
        'term.end',
        end,
        `the term ends on ${end}, which is not after it starts on ${start}`,
        `a date after ${start}`,
      ),
    );
    return errors;
  }
  const plainLast = lastTermDay(start, MAX_TERM_MONTHS) ?? start;
  const justifiedLast = lastTermDay(start, MAX_JUSTIFIED_TERM_MONTHS) ?? start;
  const length = describeTermLength(s, e);
  if (end > justifiedLast) {
    errors.push(
      fieldError(
        'term-max-36-months',
        'term.end',
        end,
        `the term ${start} to ${end} runs ${length}; no contract term may exceed ${MAX_JUSTIFIED_TERM_MONTHS} months`,
        `an end date on or before ${justifiedLast} (${MAX_JUSTIFIED_TERM_MONTHS} months, with a justification)`,
      ),
    );
  } else if (end > plainLast && p.justification === undefined) {
    errors.push(
      fieldError(
        'term-justification-required',
        'justification',
        undefined,
        `the term ${start} to ${end} runs ${length}; a term over ${MAX_TERM_MONTHS} months needs a recorded justification (stable, continuous service with guaranteed budget)`,
        `an end date on or before ${plainLast}, or a justification for a term of up to ${MAX_JUSTIFIED_TERM_MONTHS} months (ending on or before ${justifiedLast})`,
      ),
    );
  }
  if (opts.today !== undefined && end < opts.today) {
    errors.push(
      fieldError(
        'term-already-ended',
        'term.end',
        end,
        `the term ended on ${end}, before today (${opts.today}); a service cannot be purchased after it was delivered`,
        `an end date on or after ${opts.today}`,
      ),
    );
  }
  return errors;
}
