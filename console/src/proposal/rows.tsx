import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { BilingualText } from '../../../shared/domain/bilingual.js';
import { type ErrorsByPath, fieldId } from './field-errors.js';
import { ListErrors } from './fields.js';

/**
 * An editable list of rows (cost lines, staff, tranches, deliverables, budget lines, agencies):
 * each row its own group with a numbered legend and a remove button, an add button below. Adding
 * a row puts the focus in its first input; removing one puts it on the add button, so the
 * keyboard never loses its place.
 */
export function RowList({
  path,
  legend,
  rowLegend,
  count,
  max,
  min = 1,
  removable = () => true,
  firstField,
  errors,
  onAdd,
  onRemove,
  summary,
  children,
}: {
  /** The list's field path, e.g. `staffPlan`. */
  path: string;
  legend: BilingualText;
  /** What one row is called, e.g. 人员 / staff line. */
  rowLegend: BilingualText;
  count: number;
  max: number;
  min?: number;
  /** Whether the row at `index` may be removed (beyond keeping `min` rows), e.g. only rows not yet saved. */
  removable?: (index: number) => boolean;
  /** The field the focus goes to in a new row; none when a row is a single value (`path[3]`). */
  firstField?: string;
  errors: ErrorsByPath;
  onAdd: () => void;
  onRemove: (index: number) => void;
  /** A line under the rows (a sum, a minimum). */
  summary?: ComponentChildren;
  children: (index: number) => ComponentChildren;
}) {
  const addButton = useRef<HTMLButtonElement>(null);
  const id = fieldId(path);
  const invalid = (errors.get(path)?.length ?? 0) > 0;
  const add = () => {
    onAdd();
    // After the new row is drawn.
    const first = firstField === undefined ? '' : `.${firstField}`;
    setTimeout(() => document.getElementById(fieldId(`${path}[${count}]${first}`))?.focus());
  };
  const remove = (index: number) => {
    onRemove(index);
    setTimeout(() => addButton.current?.focus());
  };
  return (
    <fieldset
      class="rows"
      id={id}
      tabIndex={-1}
      {...(invalid ? { 'data-invalid': 'true', 'aria-describedby': `${id}-error` } : {})}
    >
      <legend>
        {legend.zh} <span lang="en">{legend.en}</span>
      </legend>
      <ListErrors path={path} errors={errors} />
      {Array.from({ length: count }, (_, index) => (
        // Rows are positions in the list: their inputs are named by index, as the server names them.
        <fieldset class="row" key={index}>
          <legend>
            {rowLegend.zh} {index + 1} <span lang="en">{`${rowLegend.en} ${index + 1}`}</span>
          </legend>
          <div class="row-fields">{children(index)}</div>
          {count > min && removable(index) && (
            <button type="button" class="remove" onClick={() => remove(index)}>
              删除 <span lang="en">Remove</span>
              <span class="visually-hidden">
                {' '}
                {rowLegend.zh} {index + 1} · {rowLegend.en} {index + 1}
              </span>
            </button>
          )}
        </fieldset>
      ))}
      {summary && <p class="rows-summary">{summary}</p>}
      {count < max && (
        <button type="button" ref={addButton} onClick={add}>
          + 添加{rowLegend.zh} <span lang="en">Add {rowLegend.en}</span>
        </button>
      )}
    </fieldset>
  );
}
