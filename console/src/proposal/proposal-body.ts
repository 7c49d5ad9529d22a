import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { CREDIT_CODE_CHARSET, findCreditCodeProblem } from '../../../shared/domain/credit-code.js';
import { lastTermDay, MAX_TERM_MONTHS } from '../../../shared/domain/policy/term-rules.js';
import { creditCodeProblemText } from '../../../shared/presentation/field-error-messages.js';
import type { ProposalDraft } from './draft.js';
import { definedOnly, fenOfText, typedAmountProblem, wholeNumberOrText } from './typed-text.js';

/**
 * The draft turned into the body of POST /purchases. Amounts typed in yuan become whole fen by
 * the exact parser. An amount that is not one, or a credit code that fails its check, is a
 * problem the form shows as it is typed (under the server's own field path, e.g.
 * `staffPlan[1].monthlySalaryFen`). Such an amount is left out of the body: every amount is
 * required, so the server refuses the proposal, stores nothing, and names every other problem in
 * the same answer (a wrong credit code it refuses by its own rule). Empty fields are left out too
 * (the server says they are required) and counts that are not whole numbers are sent as typed
 * (the server says what it wanted).
 */

export type Problems = Map<string, BilingualText>;

/** The credit code as the server reads it. */
export const normalCreditCode = (typed: string) => typed.trim().toUpperCase();

/**
 * The first problem of a credit code being typed: a full code is checked whole (its check
 * character included); a shorter one only in the characters typed so far, so a wrong
 * character is named as soon as it is typed and an unfinished code is not yet wrong. Once the
 * form is being sent (`submitting`), an unfinished code is checked whole too; an empty one is
 * left to the server, which says whether it is required.
 */
export function typedCreditCodeProblem(typed: string, submitting = false): BilingualText | undefined {
  const code = normalCreditCode(typed);
  if (code.length === 0) return undefined;
  if (code.length >= 18 || submitting) {
    const problem = findCreditCodeProblem(code);
    return problem && creditCodeProblemText(problem);
  }
  // Padded with a character of the charset, the code's own characters are judged as typed; a
  // problem past what was typed (or the division before all six digits are in) is not one yet.
  const problem = findCreditCodeProblem(code.padEnd(18, CREDIT_CODE_CHARSET.charAt(0)));
  if (!problem || problem.position === undefined || problem.kind === 'check-character') return undefined;
  if (problem.kind === 'administrative-division' ? code.length < 8 : problem.position > code.length)
    return undefined;
  return creditCodeProblemText(problem);
}

/** Whether the term runs over 12 months, so that it needs a justification (term-rules.ts). */
export function termNeedsJustification(term: { start: string; end: string }): boolean {
  const plainLast = lastTermDay(term.start, MAX_TERM_MONTHS);
  return plainLast !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(term.end) && term.end > plainLast;
}

/** The budget year the form offers lines of: the term's first year, else this year. */
export function budgetYearOf(draft: ProposalDraft, thisYear: number): number {
  const year = /^(\d{4})-\d{2}-\d{2}$/.exec(draft.term.start)?.[1];
  return year ? Number(year) : thisYear;
}

/** Every amount field of the draft: the server's path, and the text typed in yuan. */
export function amountFields(draft: ProposalDraft): [string, string][] {
  return [
    ['totalFen', draft.totalYuan],
    ...draft.budgetLines.map((l, i): [string, string] => [`budgetLines[${i}].amountFen`, l.amountYuan]),
    ...draft.staffPlan.flatMap((s, i): [string, string][] => [
      [`staffPlan[${i}].monthlySalaryFen`, s.monthlySalaryYuan],
      [`staffPlan[${i}].monthlySocialWelfareFen`, s.monthlySocialWelfareYuan],
    ]),
  ];
}

/**
 * What is wrong with the draft as typed. Empty amounts count only once the officer asked to
 * submit (`submitting`): before that an empty field is merely not filled in yet.
 */
export function typedProblems(draft: ProposalDraft, submitting: boolean): Problems {
  const problems: Problems = new Map();
  for (const [path, text] of amountFields(draft)) {
    const problem = typedAmountProblem(text, submitting);
    if (problem) problems.set(path, problem);
  }
  const problem = typedCreditCodeProblem(draft.ngo.creditCode, submitting);
  if (problem) problems.set('ngo.creditCode', problem);
  return problems;
}

const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

/** The account as typed (the server takes spaces out of the number), or nothing when none of it was typed. */
function bankAccountBody(account: ProposalDraft['ngo']['bankAccount']): Record<string, unknown> | undefined {
  const typed = definedOnly({
    bankName: text(account.bankName),
    accountName: text(account.accountName),
    accountNumber: text(account.accountNumber),
  });
  return Object.keys(typed).length === 0 ? undefined : typed;
}

/** The body of POST /purchases for a draft with no typed problem (see typedProblems). */
export function proposalBody(draft: ProposalDraft): Record<string, unknown> {
  return definedOnly({
    title: text(draft.title),
    serviceArea: text(draft.serviceArea),
    serviceItem: text(draft.serviceItem),
    district: text(draft.district),
    purchasingUnit: text(draft.purchasingUnit),
    ngo: definedOnly({
      name: text(draft.ngo.name),
      creditCode: text(normalCreditCode(draft.ngo.creditCode)),
      contactEmail: text(draft.ngo.contactEmail.trim()),
      bankAccount: bankAccountBody(draft.ngo.bankAccount),
    }),
    term: definedOnly({ start: text(draft.term.start), end: text(draft.term.end) }),
    procurementMethod: text(draft.procurementMethod),
    totalFen: fenOfText(draft.totalYuan),
    budgetLines: draft.budgetLines.map((l) =>
      definedOnly({ item: text(l.item), amountFen: fenOfText(l.amountYuan) }),
    ),
    staffPlan: draft.staffPlan.map((s) =>
      definedOnly({
        role: text(s.role),
        headcount: wholeNumberOrText(s.headcount),
        monthlySalaryFen: fenOfText(s.monthlySalaryYuan),
        monthlySocialWelfareFen: fenOfText(s.monthlySocialWelfareYuan),
      }),
    ),
    trancheSchedule: draft.trancheSchedule.map((t) =>
      definedOnly({ milestone: text(t.milestone), percent: wholeNumberOrText(t.percent) }),
    ),
    deliverables: draft.deliverables.map((d) =>
      definedOnly({ kind: text(d.kind), dueDate: text(d.dueDate), description: text(d.description) }),
    ),
    budgetLineRef: text(draft.budgetLineRef),
    // Only a term over 12 months carries one; a hidden field's old text is not sent.
    justification: termNeedsJustification(draft.term) ? text(draft.justification) : undefined,
  });
}
