import { describe, expect, it } from 'vitest';
import {
  CONSOLE_DEFAULTS,
  parseBenchArguments,
  USAGE,
  UsageError,
} from '../../../scripts/bench/arguments.js';

describe("npm run bench's command line", () => {
  it('runs the load bench with 200 purchases, or the number given', () => {
    expect(parseBenchArguments([])).toEqual({ kind: 'load', purchases: 200 });
    expect(parseBenchArguments(['50'])).toEqual({ kind: 'load', purchases: 50 });
  });

  it('runs the console bench with 2,000 purchases and 200 requests of each kind unless told otherwise', () => {
    expect(parseBenchArguments(['console'])).toEqual({
      kind: 'console',
      purchases: CONSOLE_DEFAULTS.purchases,
      requests: CONSOLE_DEFAULTS.requests,
      sizeOnly: false,
    });
    expect(CONSOLE_DEFAULTS).toEqual({ purchases: 2_000, requests: 200 });
    expect(parseBenchArguments(['console', '--purchases', '500', '--requests=50', '--size-only'])).toEqual({
      kind: 'console',
      purchases: 500,
      requests: 50,
      sizeOnly: true,
    });
  });

  it('answers --help with the usage, which documents both benches and the budgets', () => {
    expect(parseBenchArguments(['--help'])).toEqual({ kind: 'help', usage: USAGE });
    expect(parseBenchArguments(['console', '-h'])).toEqual({ kind: 'help', usage: USAGE });
    expect(USAGE).toContain('npm run bench -- console [--purchases <n>] [--requests <n>] [--size-only]');
    expect(USAGE).toMatch(/150 KB gzipped/);
    expect(USAGE).toMatch(/p95 200 ms/);
    expect(USAGE).toMatch(/p95 300 ms/);
  });

  it.for([
    [['0'], 'purchases must be a whole number of at least 1, not 0'],
    [['12', '13'], 'unexpected argument: 13'],
    [['consol'], 'unknown command: consol'],
    [['console', '--purchases', '2k'], '--purchases must be a whole number of at least 1, not 2k'],
    [['console', '--requests', '0'], '--requests must be a whole number of at least 1, not 0'],
    [['console', '--purchases'], "Option '--purchases <value>' argument missing"],
    [['console', '--fast'], "Unknown option '--fast'"],
    [['--purchases', '10'], '--purchases belongs to console'],
    [['40', '--size-only'], '--size-only belongs to console'],
  ] as [string[], string][])('refuses %j, naming what was wrong', ([argv, message]) => {
    expect(() => parseBenchArguments(argv)).toThrow(UsageError);
    expect(() => parseBenchArguments(argv)).toThrow(message);
  });
});
