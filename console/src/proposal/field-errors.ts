import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { fieldErrorText } from '../../../shared/presentation/field-error-messages.js';
import type { FieldError } from '../api.js';
import type { ProposalDraft } from './draft.js';
import { termNeedsJustification } from './proposal-body.js';

/**
 * Where each error is shown. Every input of the form is named by the server's path of its field
 * (`staffPlan[1].monthlySalaryFen`), so a 400's field errors land next to the input they name;
 * an error on a whole list (`budgetLines`, the sum of the cost lines) lands on that list, and one
 * on something the form has no input for climbs to the nearest part it has, or the form itself.
 */

/** Errors not about any one field: shown at the top of the form. */
export const WHOLE_FORM = '(form)';

export type ErrorsByPath = ReadonlyMap<string, readonly BilingualText[]>;

/** The element id of a field path: `staffPlan[1].monthlySalaryFen` -> `p-staffPlan-1-monthlySalaryFen`. */
export function fieldId(path: string): string {
  return `p-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;
}

/** Every path the form shows for this draft: its inputs and its lists. */
export function formPaths(draft: ProposalDraft): Set<string> {
  const paths = [
    'title',
    'serviceArea',
    'serviceItem',
    'district',
    'purchasingUnit',
    'procurementMethod',
    'term.start',
    'term.end',
    ...(termNeedsJustification(draft.term) ? ['justification'] : []),
    'ngo.creditCode',
    'ngo.name',
    'ngo.contactEmail',
    'ngo.bankAccount.bankName',
    'ngo.bankAccount.accountName',
    'ngo.bankAccount.accountNumber',
    'budgetLineRef',
    'totalFen',
    'budgetLines',
    ...draft.budgetLines.flatMap((_, i) => [`budgetLines[${i}].item`, `budgetLines[${i}].amountFen`]),
    'staffPlan',
    ...draft.staffPlan.flatMap((_, i) =>
      ['role', 'headcount', 'monthlySalaryFen', 'monthlySocialWelfareFen'].map((f) => `staffPlan[${i}].${f}`),
    ),
    'trancheSchedule',
    ...draft.trancheSchedule.flatMap((_, i) => [
      `trancheSchedule[${i}].milestone`,
      `trancheSchedule[${i}].percent`,
    ]),
    'deliverables',
    ...draft.deliverables.flatMap((_, i) =>
      ['kind', 'dueDate', 'description'].map((f) => `deliverables[${i}].${f}`),
    ),
  ];
  return new Set(paths);
}

/** The shown path nearest to `path`: itself, else its parents (`term.start` for `term`), else the form. */
export function placeOf(path: string, shown: ReadonlySet<string>): string {
  const aliases: Record<string, string> = {
    term: 'term.start',
    ngo: 'ngo.name',
    'ngo.bankAccount': 'ngo.bankAccount.bankName',
  };
  let current = path;
  while (current !== '') {
    if (shown.has(current)) return current;
    const alias = aliases[current];
    if (alias && shown.has(alias)) return alias;
    current = current.replace(/(\[\d+\]|\.[^.[\]]+|^[^.[\]]+)$/, '');
  }
  return WHOLE_FORM;
}

/** The server's field errors by where the form shows them, each in Chinese and English. */
export function placeServerErrors(errors: readonly FieldError[], shown: ReadonlySet<string>): ErrorsByPath {
  const placed = new Map<string, BilingualText[]>();
  for (const error of errors) {
    const at = placeOf(error.field, shown);
    const text = fieldErrorText(error);
    // An error placed away from its own field says which field it was about.
    const about = at === error.field || error.field === '(body)' ? '' : ` (${error.field})`;
    placed.set(at, [...(placed.get(at) ?? []), { zh: text.zh, en: `${text.en}${about}` }]);
  }
  return placed;
}

/** Errors at the paths the edit touched are no longer about what is on the screen. */
export function withoutPaths(errors: ErrorsByPath, changed: (path: string) => boolean): ErrorsByPath {
  return new Map([...errors].filter(([path]) => !changed(path)));
}
