import { type Edit, onText } from '../proposal/fields.js';

/**
 * Input handlers of a list section's rows: each puts what was typed (or ticked) into one field
 * of row `index`, named by its path (`agencies[2].email`) so errors about it can be dropped.
 */

export function onRowText<Row>(
  edit: Edit<Row[]>,
  path: string,
  index: number,
  set: (row: Row, value: string) => void,
) {
  return onText(edit, path, (rows: Row[], value) => {
    const row = rows[index];
    if (row) set(row, value);
  });
}

export function onRowCheck<Row>(
  edit: Edit<Row[]>,
  path: string,
  index: number,
  set: (row: Row, checked: boolean) => void,
) {
  return (e: Event) => {
    const checked = (e.currentTarget as HTMLInputElement).checked;
    edit(path, (rows) => {
      const row = rows[index];
      if (row) set(row, checked);
    });
  };
}
