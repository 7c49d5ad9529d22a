import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { textTable } from './text-table.js';

/**
 * What the staff console's JavaScript weighs: every script of a console build, raw and gzipped,
 * and whether the page loads it at once (index.html's module scripts and preloads) or later.
 */

/** The gzip level the sizes are measured at: the highest, as a CDN or a build step would compress ahead. */
export const GZIP_LEVEL = constants.Z_BEST_COMPRESSION;

/** Issue 11's budget: the console's JavaScript ≤ 150 KB gzipped, a KB being 1,000 bytes (as Vite counts). */
export const CONSOLE_SCRIPT_BUDGET_BYTES = 150_000;

export interface ScriptSize {
  /** Path inside the build, with `/`. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Named by index.html (a module script or a module preload): fetched before the page runs. */
  readonly atStart: boolean;
}

/** Every `.js` / `.mjs` file under `buildDir`, measured, largest gzipped first. */
export function measureConsoleScripts(buildDir: string): ScriptSize[] {
  const indexHtml = readFileSync(join(buildDir, 'index.html'), 'utf8');
  const atStart = scriptsNamedBy(indexHtml);
  return filesUnder(buildDir)
    .filter((path) => /\.m?js$/.test(path))
    .map((path) => {
      const bytes = readFileSync(path);
      const file = relative(buildDir, path).split(sep).join('/');
      return {
        file,
        bytes: bytes.length,
        gzipBytes: gzipSync(bytes, { level: GZIP_LEVEL }).length,
        atStart: atStart.has(file),
      };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes || a.file.localeCompare(b.file));
}

/** The build's paths (no leading `/`) of the scripts index.html loads or preloads. */
export function scriptsNamedBy(indexHtml: string): Set<string> {
  const named = new Set<string>();
  for (const [tag] of indexHtml.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const isScript = /^<script/i.test(tag);
    if (!isScript && !/\brel=["']?modulepreload/i.test(tag)) continue;
    const url = /\b(?:src|href)=["']?([^"'\s>]+)/i.exec(tag)?.[1];
    if (url && !/^[a-z]+:|^\/\//i.test(url)) named.add(url.replace(/^\.?\//, ''));
  }
  return named;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

export interface ScriptSizeReport {
  readonly text: string;
  readonly totalGzipBytes: number;
  readonly overBudget: boolean;
}

/** The scripts as a table, their total, and the total against the budget. */
export function consoleSizeReport(
  scripts: readonly ScriptSize[],
  budgetBytes = CONSOLE_SCRIPT_BUDGET_BYTES,
): ScriptSizeReport {
  const total = {
    bytes: scripts.reduce((sum, s) => sum + s.bytes, 0),
    gzipBytes: scripts.reduce((sum, s) => sum + s.gzipBytes, 0),
  };
  const overBudget = total.gzipBytes > budgetBytes;
  const rows = [
    ...scripts.map((s) => [s.file, kb(s.bytes), kb(s.gzipBytes), s.atStart ? 'at start' : 'later']),
    [
      `total (${scripts.length} file${scripts.length === 1 ? '' : 's'})`,
      kb(total.bytes),
      kb(total.gzipBytes),
      '',
    ],
  ];
  const share = budgetBytes > 0 ? ` (${((total.gzipBytes / budgetBytes) * 100).toFixed(0)} % of it)` : '';
  const verdict = overBudget
    ? `OVER BUDGET: ${kb(total.gzipBytes)} gzipped is more than the ${kb(budgetBytes)} allowed, by ${kb(total.gzipBytes - budgetBytes)}`
    : `within budget: ${kb(total.gzipBytes)} gzipped of ${kb(budgetBytes)}${share}`;
  return {
    text: [
      textTable(['script', 'raw', `gzip -${GZIP_LEVEL}`, 'loaded'], rows, 1),
      `budget: the console's JavaScript ≤ ${kb(budgetBytes)} gzipped (1 KB = 1,000 bytes). ${verdict}`,
    ].join('\n'),
    totalGzipBytes: total.gzipBytes,
    overBudget,
  };
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}
