import type { FieldError } from '../errors.js';
import { fieldError } from '../field-errors.js';
import type { Proposal } from '../proposal.js';

/** The deliverable rules: within the term, with a mid-term and a final report. */

export function checkDeliverables(p: Proposal): FieldError[] {
  const errors: FieldError[] = [];
  const { start, end } = p.term;
  if (start < end) {
    p.deliverables.forEach((d, i) => {
      if (d.dueDate >= start && d.dueDate <= end) return;
      const side = d.dueDate < start ? `before the term starts on ${start}` : `after the term ends on ${end}`;
      errors.push(
        fieldError(
          'deliverable-within-term',
          `deliverables[${i}].dueDate`,
          d.dueDate,
          `deliverable ${i + 1} (${d.kind}) is due on ${d.dueDate}, ${side}`,
          `a date from ${start} to ${end}`,
        ),
      );
    });
  }
  const kinds = new Set(p.deliverables.map((d) => d.kind));
  if (!kinds.has('MIDTERM_REPORT')) {
    errors.push(
      fieldError(
        'midterm-report-required',
        'deliverables',
        undefined,
        'no MIDTERM_REPORT is planned; the mid-term review needs one',
        'a deliverable of kind MIDTERM_REPORT with a due date within the term',
      ),
    );
  }
  if (!kinds.has('FINAL_REPORT')) {
    errors.push(
      fieldError(
        'final-report-required',
        'deliverables',
        undefined,
        'no FINAL_REPORT is planned; the third-party evaluation needs one',
        'a deliverable of kind FINAL_REPORT with a due date within the term',
      ),
    );
  }
  return errors;
}
