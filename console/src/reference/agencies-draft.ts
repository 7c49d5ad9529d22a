import type { EvaluationAgency } from '../../../shared/domain/lifecycle-settings.js';
import { normalCreditCode, type Problems, typedCreditCodeProblem } from '../proposal/proposal-body.js';
import { definedOnly } from '../proposal/typed-text.js';
import { type RowDraft, type SectionDrafting, trimmedText } from './section-drafting.js';

/** An evaluation agency as typed, with the credit codes of the NGOs it has ties with, one per row. */
export interface AgencyDraft extends RowDraft {
  id: string;
  name: string;
  email: string;
  linkedNgoCreditCodes: string[];
  linkedToBureau: boolean;
  sample: boolean;
}

export const blankAgency = (): AgencyDraft => ({
  saved: false,
  id: '',
  name: '',
  email: '',
  linkedNgoCreditCodes: [],
  linkedToBureau: false,
  sample: false,
});

const FIELDS = ['id', 'name', 'email', 'linkedNgoCreditCodes', 'linkedToBureau', 'sample'] as const;

export const AGENCIES: SectionDrafting<EvaluationAgency[], AgencyDraft[]> = {
  name: 'agencies',
  draftOf: (agencies) =>
    agencies.map((a) => ({
      saved: true,
      id: a.id,
      name: a.name,
      email: a.email,
      linkedNgoCreditCodes: [...a.linkedNgoCreditCodes],
      linkedToBureau: a.linkedToBureau,
      sample: a.sample,
    })),
  valueOf: (rows) =>
    rows.map((r) =>
      definedOnly({
        id: trimmedText(r.id),
        name: trimmedText(r.name),
        email: trimmedText(r.email),
        // Every row is sent, an empty one too, so the server's `[2]` is the third row on the screen.
        linkedNgoCreditCodes: r.linkedNgoCreditCodes.map(normalCreditCode),
        linkedToBureau: r.linkedToBureau,
        sample: r.sample,
      }),
    ),
  shownPaths: (rows) =>
    new Set([
      'agencies',
      ...rows.flatMap((r, i) => [
        ...FIELDS.map((f) => `agencies[${i}].${f}`),
        ...r.linkedNgoCreditCodes.map((_, j) => `agencies[${i}].linkedNgoCreditCodes[${j}]`),
      ]),
    ]),
  typedProblems: (rows, saving) => {
    const problems: Problems = new Map();
    for (const [i, r] of rows.entries())
      for (const [j, code] of r.linkedNgoCreditCodes.entries()) {
        const problem = typedCreditCodeProblem(code, saving);
        if (problem) problems.set(`agencies[${i}].linkedNgoCreditCodes[${j}]`, problem);
      }
    return problems;
  },
};
