import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import { type Proposal, TRANCHE_MILESTONES } from '../proposal.js';

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
