import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { PolicySettings } from '../policy-settings.js';
import type { Proposal } from '../proposal.js';

/** The budget-line rules: a line of the term's year that the settings know. */

export function checkBudgetLineYear(p: Proposal): FieldError[] {
  const lineYear = p.budgetLineRef.slice(0, 4);
  const startYear = p.term.start.slice(0, 4);
  if (lineYear === startYear) return [];
  return [
    fieldError(
      'budget-line-year',
      'budgetLineRef',
      p.budgetLineRef,
      `budget line ${p.budgetLineRef} belongs to the ${lineYear} budget but the term starts in ${startYear}`,
      `a budget line of ${startYear}, e.g. ${startYear}-${p.budgetLineRef.slice(5)}`,
    ),
  ];
}

export function checkBudgetLineKnown(p: Proposal, settings: PolicySettings): FieldError[] {
  const known = settings.budgetLines.map((l) => l.lineId);
  if (known.includes(p.budgetLineRef)) return [];
  return [
    fieldError(
      'budget-line-known',
      'budgetLineRef',
      p.budgetLineRef,
      `there is no budget line ${p.budgetLineRef}; a purchase needs a budget line to reserve against`,
      known.length > 0 ? `one of ${known.join(', ')}` : 'a budget line configured in the settings',
    ),
  ];
}
