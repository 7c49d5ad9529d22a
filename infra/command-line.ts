import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The command lines of the project's scripts (`npm run demo`, `sample`, `bench`), parsed strictly:
 * an unknown option, an option without its value or an argument too many is refused with what was
 * wrong and the usage (exit code 2); `--help` prints the usage (exit code 0).
 */

type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandLine<O extends Options> =
  | {
      ok: true;
      values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
      positionals: string[];
    }
  | { ok: false; exitCode: 0 | 2; output: string /** What was wrong (exit code 2). */; message?: string };

export function parseCommandLine<O extends Options>(
  argv: readonly string[],
  spec: { usage: string; options: O; maxPositionals: number },
): CommandLine<O> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if ((values as { help?: boolean }).help) return { ok: false, exitCode: 0, output: spec.usage };
    if (positionals.length > spec.maxPositionals)
      throw new Error(`unexpected argument: ${positionals.slice(spec.maxPositionals).join(' ')}`);
    return { ok: true, values: values as never, positionals };
  } catch (error) {
    const { message } = error as Error;
    return { ok: false, exitCode: 2, message, output: `${message}\n\n${spec.usage}` };
  }
}

/** For a script's `main`: the parsed command line, or the usage printed and the process ended. */
export function commandLineOrExit<O extends Options>(
  spec: { usage: string; options: O; maxPositionals: number },
  argv: readonly string[] = process.argv.slice(2),
): Extract<CommandLine<O>, { ok: true }> {
  const parsed = parseCommandLine(argv, spec);
  if (parsed.ok) return parsed;
  (parsed.exitCode === 0 ? console.log : console.error)(parsed.output);
  process.exit(parsed.exitCode);
}

/** A refusal of one argument's value, with the usage (for checks beyond what parseArgs does). */
export function refuseArgument(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}
