/**
 * A table of text for the bench's output: the first `leftColumns` columns and the last are
 * left-aligned (names, notes), the columns between them right-aligned (numbers).
 */
export function textTable(header: readonly string[], rows: readonly string[][], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i < leftColumns || i === cells.length - 1
          ? cell.padEnd(widths[i] as number)
          : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
