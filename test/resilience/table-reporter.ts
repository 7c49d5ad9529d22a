import type { Reporter, TestModule } from 'vitest/node';
import type { ResilienceRow } from './case.js';

/**
 * Ends a run that includes the resilience suite with its table: case, attempts, expected
 * outcome, observed outcome. A test that failed shows FAILED and its first error in place of
 * what it observed, so the table never reads better than the run was.
 */
export default class ResilienceTableReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: (ResilienceRow & { passed: boolean })[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const recorded = test.meta().resilience;
        const result = test.result();
        if (recorded && result.state === 'passed') rows.push({ ...recorded, passed: true });
        else if (result.state === 'failed' && test.module.moduleId.includes('/test/resilience/')) {
          const error = result.errors?.[0]?.message?.split('\n')[0] ?? 'failed';
          rows.push({
            case: recorded?.case ?? test.name,
            attempts: recorded?.attempts ?? 0,
            expected: recorded?.expected ?? '',
            observed: `FAILED: ${error}`,
            passed: false,
          });
        }
      }
    }
    if (rows.length === 0) return;
    rows.sort((a, b) => caseNumber(a.case) - caseNumber(b.case) || a.case.localeCompare(b.case));
    process.stdout.write(`\n${renderTable(rows)}\n`);
  }
}

function caseNumber(name: string): number {
  const n = Number.parseInt(name, 10);
  return Number.isNaN(n) ? Number.MAX_SAFE_INTEGER : n;
}

/** A Markdown table, so the printed result can go into a note as it is. */
export function renderTable(rows: readonly ResilienceRow[]): string {
  const header = ['Case', 'Attempts', 'Expected', 'Observed'];
  const cells = rows.map((r) => [r.case, String(r.attempts), r.expected, r.observed].map(oneLine));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 1 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 1 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return ['Resilience and security suite', '', line(header), rule, ...cells.map(line)].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}
