import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import { type Fen, formatYuan, sumFen } from '../money.js';
import type { Proposal } from '../proposal.js';

/** The money rules: integer fen everywhere, budget lines summing to the total. */

export const isFen = (v: unknown): v is Fen => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Yuan for people; an amount that is not whole fen is shown as it came (it is reported elsewhere). */
export const yuan = (fen: number): string => (Number.isSafeInteger(fen) ? formatYuan(fen) : `${fen} fen`);

function moneyFields(p: Proposal): [string, number][] {
  return [
    ['totalFen', p.totalFen],
    ...p.budgetLines.map((l, i): [string, number] => [`budgetLines[${i}].amountFen`, l.amountFen]),
    ...p.staffPlan.flatMap((s, i): [string, number][] => [
      [`staffPlan[${i}].monthlySalaryFen`, s.monthlySalaryFen],
      [`staffPlan[${i}].monthlySocialWelfareFen`, s.monthlySocialWelfareFen],
    ]),
  ];
}

export function checkMoney(p: Proposal): FieldError[] {
  // The schema already insists on whole fen; this guards proposals built in code.
  const errors = moneyFields(p)
    .filter(([, v]) => !isFen(v))
    .map(([field, v]) =>
      fieldError(
        'money-integer-fen',
        field,
        v,
        `${v} is not a whole, non-negative number of fen (1 yuan = 100 fen)`,
        'a whole number of fen, e.g. 12345 for ¥123.45',
      ),
    );
  if (errors.length > 0) return errors;
  const lines = sumFen(p.budgetLines.map((l) => l.amountFen));
  if (lines !== p.totalFen) {
    errors.push(
      fieldError(
        'budget-lines-sum',
        'budgetLines',
        lines,
        `budget lines add up to ${yuan(lines)} but the total is ${yuan(p.totalFen)}`,
        `budget lines adding up to exactly ${yuan(p.totalFen)}`,
      ),
    );
  }
  return errors;
}
