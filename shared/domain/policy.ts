import { type FieldError, ValidationError } from './errors.js';
import { checkBudgetLineKnown, checkBudgetLineYear } from './policy/budget-line-rules.js';
import { checkCreditCode } from './policy/credit-code-rule.js';
import { checkDeliverables } from './policy/deliverable-rules.js';
import { checkMoney } from './policy/money-rules.js';
import { checkPayeeAccount } from './policy/payee-account-rule.js';
import { checkSalaryBenchmark } from './policy/salary-benchmark-rule.js';
import { checkServiceItem } from './policy/service-item-rule.js';
import { checkTerm, type PolicyOptions } from './policy/term-rules.js';
import { checkTranches } from './policy/tranche-rules.js';
import type { PolicySettings } from './policy-settings.js';
import { type Proposal, ProposalSchema } from './proposal.js';
import { zodIssuesToFieldErrors } from './zod-field-errors.js';

/**
 * The policy rules of a proposal (DESIGN section 2). `parseProposal` is the one entry point
 * for untrusted input: schema first, then every rule, and all problems reported at once so
 * the officer can fix the whole form in one go.
 */

/** Parses untrusted input into a Proposal, or throws ValidationError with every problem found. */
export function parseProposal(raw: unknown, settings: PolicySettings, opts: PolicyOptions = {}): Proposal {
  const result = ProposalSchema.safeParse(raw);
  if (!result.success) {
    throw new ValidationError(zodIssuesToFieldErrors(result.error.issues, raw, ProposalSchema));
  }
  const errors = checkProposalPolicy(result.data, settings, opts);
  if (errors.length > 0) throw new ValidationError(errors);
  return result.data;
}

/** Every policy rule over a proposal whose shape is already known to be right. */
export function checkProposalPolicy(
  p: Proposal,
  settings: PolicySettings,
  opts: PolicyOptions = {},
): FieldError[] {
  return [
    ...checkMoney(p),
    ...checkTranches(p),
    ...checkTerm(p, opts),
    ...checkServiceItem(p),
    ...checkCreditCode(p),
    ...checkPayeeAccount(p),
    // The benchmark's publication window is judged on the day of the check; without one, on the
    // term's first day (the latest day its figure could matter to the staff plan).
    ...checkSalaryBenchmark(p, settings, opts.today ?? p.term.start),
    ...checkDeliverables(p),
    ...checkBudgetLineYear(p),
    ...checkBudgetLineKnown(p, settings),
  ];
}
