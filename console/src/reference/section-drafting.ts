import type { ReferenceSection } from '../../../shared/domain/reference-data.js';
import type { Problems } from '../proposal/proposal-body.js';
import { typedAmountProblem } from '../proposal/typed-text.js';

/**
 * How one section of the reference data is edited: its value as the text the administrator
 * types (amounts in yuan), and that text back as the value PUT /reference-data/{section} sends.
 * Inputs are named by the server's path of their field with the section's name in place of
 * `value` (`budgetLines[1].totalFen` for the body's `value[1].totalFen`), so a 400's field
 * errors land next to them and the four sections' inputs never share an id.
 */
export interface SectionDrafting<Value, Draft> {
  readonly name: ReferenceSection;
  draftOf(value: Value): Draft;
  /** The `value` of the PUT body. What cannot be read is left out or sent as typed, for the server to name. */
  valueOf(draft: Draft): unknown;
  /** Every path the editor shows: its inputs and its lists. */
  shownPaths(draft: Draft): Set<string>;
  /** What is wrong as typed; an empty amount only once the administrator asked to save. */
  typedProblems(draft: Draft, saving: boolean): Problems;
}

/** A row of a list section: `saved` when it came from the server, not when it was added in this edit. */
export interface RowDraft {
  saved: boolean;
}

/** The body of PUT /reference-data/{section}: the whole value, and the version it was edited from. */
export function sectionPutBody<Value, Draft>(
  drafting: SectionDrafting<Value, Draft>,
  draft: Draft,
  version: number,
): { value: unknown; version: number } {
  return { value: drafting.valueOf(draft), version };
}

/** The editor's path of a field the server names relative to the body: `value[1].totalFen` -> `budgetLines[1].totalFen`. */
export function editorPath(section: ReferenceSection, field: string): string {
  return field.replace(/^value(?=$|[.[])/, section);
}

/** Text as sent: trimmed, and left out (so the server says it is required) when nothing is left. */
export function trimmedText(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The typed problems of amounts typed in yuan, each under its field's path. */
export function amountProblems(fields: readonly (readonly [string, string])[], saving: boolean): Problems {
  const problems: Problems = new Map();
  for (const [path, text] of fields) {
    const problem = typedAmountProblem(text, saving);
    if (problem) problems.set(path, problem);
  }
  return problems;
}
