import { findCreditCodeProblem } from '../credit-code.js';
import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { Proposal } from '../proposal.js';

/** The NGO's unified social credit code: structure and check character. */

export function checkCreditCode(p: Proposal): FieldError[] {
  const code = p.ngo.creditCode;
  const problem = findCreditCodeProblem(code);
  if (!problem) return [];
  if (problem.kind === 'check-character') {
    return [
      fieldError(
        'credit-code-check-digit',
        'ngo.creditCode',
        code,
        `credit code ${code} fails its check: the 18th character is '${code.charAt(17)}' but the first 17 call for '${problem.expected}' (check the code for a mistyped character)`,
        `check character '${problem.expected}' after ${code.slice(0, 17)}`,
      ),
    ];
  }
  return [
    fieldError(
      'credit-code-structure',
      'ngo.creditCode',
      code,
      `credit code ${code} is not a unified social credit code: ${problem.message}`,
      problem.allowed,
    ),
  ];
}
