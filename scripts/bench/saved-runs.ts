import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The figures of the last `npm run bench`, kept in the data folder so the next run prints its own
 * beside them and a regression shows at once. One file per kind of run (say, 200 purchases).
 */
export interface SavedRun {
  /** When the run ended (ISO 8601). */
  readonly at: string;
  /** Figure name → value, in the order they are printed. */
  readonly figures: Readonly<Record<string, number>>;
}

export function savedRunFile(dataDir: string, kind: string): string {
  return join(dataDir, 'bench', `${kind}.json`);
}

export function lastRun(file: string): SavedRun | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedRun;
  } catch {
    return undefined;
  }
}

export function saveRun(file: string, run: SavedRun): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
}

/** Where a smaller value is the better one (latencies, memory); otherwise larger is better. */
export type Better = 'lower' | 'higher';

/** This run's figures beside the last run's, with the change and whether it is for the worse. */
export function sideBySide(
  now: SavedRun,
  before: SavedRun | undefined,
  better: (figure: string) => Better,
): string {
  const rows = Object.entries(now.figures).map(([name, value]) => {
    const old = before?.figures[name];
    const change =
      old === undefined || old === 0 || !Number.isFinite(old) || !Number.isFinite(value)
        ? ''
        : `${value >= old ? '+' : ''}${(((value - old) / old) * 100).toFixed(0)} %`;
    const worse =
      old !== undefined && (better(name) === 'lower' ? value > old * 1.1 : value < old * 0.9)
        ? '  ← worse'
        : '';
    return [name, format(value), old === undefined ? '-' : format(old), change + worse];
  });
  const header = ['', 'this run', before ? `last run (${before.at.slice(0, 16)})` : 'last run', 'change'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
