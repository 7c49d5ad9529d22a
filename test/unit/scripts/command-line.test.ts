import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../infra/command-line.js';

const spec = {
  usage: 'usage: npm run bench -- [purchases]',
  options: { fast: { type: 'boolean' as const } },
  maxPositionals: 1,
};

describe("the scripts' command lines", () => {
  it('reads the options and arguments a script takes', () => {
    expect(parseCommandLine(['12', '--fast'], spec)).toEqual({
      ok: true,
      values: { fast: true },
      positionals: ['12'],
    });
    expect(parseCommandLine([], spec)).toEqual({ ok: true, values: {}, positionals: [] });
  });

  it('prints the usage for --help (exit code 0)', () => {
    expect(parseCommandLine(['--help'], spec)).toEqual({ ok: false, exitCode: 0, output: spec.usage });
    expect(parseCommandLine(['-h'], spec)).toEqual({ ok: false, exitCode: 0, output: spec.usage });
  });

  it.for([
    [['12', 'abc'], 'unexpected argument: abc'],
    [['--slow'], "Unknown option '--slow'"],
    [['--fast=yes'], "Option '--fast' does not take an argument"],
  ] as [string[], string][])(
    'refuses %j with what was wrong and the usage (exit code 2)',
    ([argv, message]) => {
      const parsed = parseCommandLine(argv, spec);
      expect(parsed).toMatchObject({ ok: false, exitCode: 2 });
      expect(parsed.ok ? '' : parsed.output).toContain(message);
      expect(parsed.ok ? '' : parsed.output).toContain(spec.usage);
    },
  );
});
