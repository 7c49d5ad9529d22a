import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import { type Fen, sumFen } from '../money.js';
import { type Proposal, TRANCHE_MILESTONES } from '../proposal.js';
import { yuan } from './money-rules.js';

/** The tranche rules: percentages summing to 100, each milestone once and in lifecycle order. */

export function checkTranches(p: Proposal): FieldError[] {
  const errors: FieldError[] = [];
  const percent = p.trancheSchedule.reduce((total, t) => total + t.percent, 0);
  if (percent !== 100) {
    errors.push(
      fieldError(
        'tranche-percent-sum',
        'trancheSchedule',
        percent,
        `tranche percentages add up to ${percent}%; they must add up to 100%`,
        'percentages adding up to exactly 100',
      ),
    );
  }
  errors.push(...checkTrancheAmounts(p));
  const seen = new Set<string>();
  let previous = -1;
  p.trancheSchedule.forEach((t, i) => {
    const field = `trancheSchedule[${i}].milestone`;
    if (seen.has(t.milestone)) {
      errors.push(
        fieldError(
          'tranche-milestone-once',
          field,
          t.milestone,
          `milestone ${t.milestone} already has a tranche; each milestone pays at most once`,
          TRANCHE_MILESTONES.filter((m) => !seen.has(m)).join(', ') || 'no further milestone',
        ),
      );
      return;
    }
    seen.add(t.milestone);
    const order = TRANCHE_MILESTONES.indexOf(t.milestone);
    if (order < previous) {
      errors.push(
        fieldError(
          'tranche-order',
          field,
          t.milestone,
          `tranche ${i + 1} (${t.milestone}) comes after a later milestone; tranches follow the lifecycle order ${TRANCHE_MILESTONES.join(' → ')}`,
          TRANCHE_MILESTONES.join(' → '),
        ),
      );
    }
    previous = Math.max(previous, order);
  });
  return errors;
}

/** A plan given in amounts (after an amendment): every tranche has one, and they add up to the value. */
function checkTrancheAmounts(p: Proposal): FieldError[] {
  const fixed = p.trancheSchedule.filter((t) => t.amountFen !== undefined);
  if (fixed.length === 0) return [];
  const sum = sumFen(fixed.map((t) => t.amountFen as Fen));
  if (fixed.length === p.trancheSchedule.length && sum === p.totalFen) return [];
  return [
    fieldError(
      'tranche-amounts-sum',
      'trancheSchedule',
      sum,
      fixed.length === p.trancheSchedule.length
        ? `the tranche amounts add up to ${yuan(sum)} but the value is ${yuan(p.totalFen)}`
        : 'some tranches have an amount and some do not; a plan in amounts gives every tranche one',
      `an amount for every tranche, adding up to exactly ${yuan(p.totalFen)}`,
      `各期金额合计 ${yuan(sum)}，须逐期填写且合计等于合同金额 ${yuan(p.totalFen)}。`,
    ),
  ];
}
