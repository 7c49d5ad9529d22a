import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONSOLE_SCRIPT_BUDGET_BYTES,
  consoleSizeReport,
  GZIP_LEVEL,
  measureConsoleScripts,
  type ScriptSize,
  scriptsNamedBy,
} from '../../../scripts/bench/console-size.js';

const INDEX_HTML = `<!doctype html>
<html><head>
  <script type="module" crossorigin src="/assets/index-AAAA.js"></script>
  <link rel="modulepreload" crossorigin href="/assets/vendor-BBBB.js">
  <link rel="stylesheet" crossorigin href="/assets/index-CCCC.css">
  <script src="https://example.org/analytics.js"></script>
</head><body><div id="app"></div></body></html>`;

describe("the console's JavaScript sizes", () => {
  let build: string;
  beforeEach(() => {
    build = mkdtempSync(join(tmpdir(), 'console-size-test-'));
  });
  afterEach(() => rmSync(build, { recursive: true, force: true }));

  it('measures every script of the build, raw and gzipped at level 9, and says which the page loads at once', () => {
    const entry = 'export const a = 1;\n'.repeat(400);
    const vendor = Array.from({ length: 3000 }, (_, i) => `v${(i * 7919) % 10007}`).join(',');
    const lazy = 'export default () => 42;';
    mkdirSync(join(build, 'assets'));
    writeFileSync(join(build, 'index.html'), INDEX_HTML);
    writeFileSync(join(build, 'assets', 'index-AAAA.js'), entry);
    writeFileSync(join(build, 'assets', 'vendor-BBBB.js'), vendor);
    writeFileSync(join(build, 'assets', 'page-DDDD.mjs'), lazy);
    writeFileSync(join(build, 'assets', 'index-CCCC.css'), 'body { margin: 0 }');

    const scripts = measureConsoleScripts(build);

    const gzip = (text: string) => gzipSync(text, { level: 9 }).length;
    expect(GZIP_LEVEL).toBe(9);
    expect(scripts).toEqual([
      { file: 'assets/vendor-BBBB.js', bytes: vendor.length, gzipBytes: gzip(vendor), atStart: true },
      { file: 'assets/index-AAAA.js', bytes: entry.length, gzipBytes: gzip(entry), atStart: true },
      { file: 'assets/page-DDDD.mjs', bytes: lazy.length, gzipBytes: gzip(lazy), atStart: false },
    ]);
  });

  it("takes the page's module scripts and preloads from index.html, not its styles or other sites' scripts", () => {
    expect([...scriptsNamedBy(INDEX_HTML)].sort()).toEqual(['assets/index-AAAA.js', 'assets/vendor-BBBB.js']);
  });

  const script = (file: string, bytes: number, gzipBytes: number, atStart = true): ScriptSize => ({
    file,
    bytes,
    gzipBytes,
    atStart,
  });

  it('prints each script and the total against the 150 KB budget (1 KB = 1,000 bytes)', () => {
    const report = consoleSizeReport([
      script('assets/index-AAAA.js', 123_456, 36_789),
      script('assets/page-DDDD.js', 2_000, 900, false),
    ]);

    expect(CONSOLE_SCRIPT_BUDGET_BYTES).toBe(150_000);
    expect(report.overBudget).toBe(false);
    expect(report.totalGzipBytes).toBe(37_689);
    expect(report.text.split('\n')).toEqual([
      'script                     raw  gzip -9  loaded',
      'assets/index-AAAA.js  123.5 KB  36.8 KB  at start',
      'assets/page-DDDD.js     2.0 KB   0.9 KB  later',
      'total (2 files)       125.5 KB  37.7 KB',
      "budget: the console's JavaScript ≤ 150.0 KB gzipped (1 KB = 1,000 bytes). within budget: 37.7 KB gzipped of 150.0 KB (25 % of it)",
    ]);
  });

  it('says clearly when the total is over the budget, and by how much', () => {
    const atBudget = consoleSizeReport([script('a.js', 500_000, 150_000)]);
    const over = consoleSizeReport([script('a.js', 500_000, 140_000), script('b.js', 40_000, 12_345)]);

    expect(atBudget.overBudget).toBe(false);
    expect(over.overBudget).toBe(true);
    expect(over.text).toContain('OVER BUDGET: 152.3 KB gzipped is more than the 150.0 KB allowed, by 2.3 KB');
  });
});
