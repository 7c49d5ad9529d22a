import type { ComponentChildren } from 'preact';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import type { ProposalDraft } from './draft.js';
import { type ErrorsByPath, fieldId } from './field-errors.js';

/**
 * The pieces every input of the console's forms (the proposal, the reference data) is made of: a
 * label bound to the input, an optional hint, and the field's errors in Chinese and English, both
 * linked to the input with aria-describedby so a screen reader reads them with it.
 */

/** Changes a form's draft; `path` names what changed, so errors about it can be dropped. */
export type Edit<Draft> = (path: string, change: (draft: Draft) => void) => void;

export interface SectionProps {
  draft: ProposalDraft;
  edit: Edit<ProposalDraft>;
  errors: ErrorsByPath;
}

/** What an input needs to be tied to its label, hint and errors. */
export interface InputWiring {
  id: string;
  name: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
  'data-invalid'?: 'true';
}

export function ErrorList({ id, errors }: { id: string; errors: readonly BilingualText[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="field-error" id={id}>
      {errors.map((e) => (
        <p key={`${e.zh}${e.en}`}>
          {e.zh}
          <span class="en" lang="en">
            {e.en}
          </span>
        </p>
      ))}
    </div>
  );
}

export function Field({
  path,
  label,
  hint,
  errors,
  size,
  children,
}: {
  path: string;
  label: BilingualText;
  hint?: ComponentChildren;
  errors: ErrorsByPath;
  /** `wide` spans the whole row of the grid, `double` two columns where there are two. */
  size?: 'wide' | 'double';
  children: (wiring: InputWiring) => ComponentChildren;
}) {
  const id = fieldId(path);
  const shown = errors.get(path) ?? [];
  const describedBy = [hint ? `${id}-hint` : '', shown.length > 0 ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${size ? ` ${size}` : ''}${shown.length > 0 ? ' invalid' : ''}`}>
      <label for={id}>
        {label.zh} <span lang="en">{label.en}</span>
      </label>
      {children({
        id,
        name: path,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(shown.length > 0 ? { 'aria-invalid': 'true', 'data-invalid': 'true' } : {}),
      })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <ErrorList id={`${id}-error`} errors={shown} />
    </div>
  );
}

/** A list's own errors (e.g. cost lines that do not add up to the total), shown above its rows. */
export function ListErrors({ path, errors }: { path: string; errors: ErrorsByPath }) {
  return <ErrorList id={`${fieldId(path)}-error`} errors={errors.get(path) ?? []} />;
}

/** The value of the element an input event came from. */
const inputValue = (e: Event): string => (e.currentTarget as HTMLInputElement).value;

export function Bi({ zh, en }: BilingualText) {
  return (
    <>
      {zh} <span lang="en">{en}</span>
    </>
  );
}

/** An input or select handler that puts the element's value into the draft at `path`. */
export const onText =
  <Draft,>(edit: Edit<Draft>, path: string, set: (draft: Draft, value: string) => void) =>
  (e: Event) => {
    const value = inputValue(e);
    edit(path, (draft) => set(draft, value));
  };
