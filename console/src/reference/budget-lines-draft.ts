import { yuanText } from '../../../shared/domain/money.js';
import type { BudgetLineSetting } from '../../../shared/domain/policy-settings.js';
import { definedOnly, fenOfText, wholeNumberOrText } from '../proposal/typed-text.js';
import { amountProblems, type RowDraft, type SectionDrafting, trimmedText } from './section-drafting.js';

/** A budget line as typed: its total in yuan. A saved line keeps its id and year (purchases refer to it). */
export interface BudgetLineDraft extends RowDraft {
  lineId: string;
  year: string;
  description: string;
  totalYuan: string;
}

export const blankBudgetLine = (): BudgetLineDraft => ({
  saved: false,
  lineId: '',
  year: '',
  description: '',
  totalYuan: '',
});

const FIELDS = ['lineId', 'year', 'description', 'totalFen'] as const;

export const BUDGET_LINES: SectionDrafting<BudgetLineSetting[], BudgetLineDraft[]> = {
  name: 'budgetLines',
  draftOf: (lines) =>
    lines.map((l) => ({
      saved: true,
      lineId: l.lineId,
      year: String(l.year),
      description: l.description,
      totalYuan: yuanText(l.totalFen),
    })),
  valueOf: (rows) =>
    rows.map((r) =>
      definedOnly({
        // Line ids are upper case (2026-MZ-ELDER-01); the input shows them so as they are typed.
        lineId: trimmedText(r.lineId.toUpperCase()),
        year: wholeNumberOrText(r.year),
        description: trimmedText(r.description),
        totalFen: fenOfText(r.totalYuan),
      }),
    ),
  shownPaths: (rows) =>
    new Set(['budgetLines', ...rows.flatMap((_, i) => FIELDS.map((f) => `budgetLines[${i}].${f}`))]),
  typedProblems: (rows, saving) =>
    amountProblems(
      rows.map((r, i) => [`budgetLines[${i}].totalFen`, r.totalYuan] as const),
      saving,
    ),
};
