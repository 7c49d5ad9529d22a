import { parseCommandLine } from '../../infra/command-line.js';

/** What `npm run bench` was asked, checked. */
export type BenchRequest =
  | { kind: 'help'; usage: string }
  | { kind: 'load'; purchases: number }
  | { kind: 'console'; purchases: number; requests: number; sizeOnly: boolean };

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Defaults of `npm run bench -- console`: the figures of issue 11 are for 2,000 stored purchases. */
export const CONSOLE_DEFAULTS = { purchases: 2_000, requests: 200 } as const;
const LOAD_DEFAULT_PURCHASES = 200;

export const USAGE = `usage: npm run bench -- [purchases]
       npm run bench -- console [--purchases <n>] [--requests <n>] [--size-only]

  (no command)       the local runtime under load: one user's link latency, then whole purchases
                     played at once, beside the last saved run
    purchases        how many whole purchases to play at once: a whole number, at least 1 (default ${LOAD_DEFAULT_PURCHASES})

  console            the staff console's figures against their budgets. Builds the console and
                     prints every JavaScript file's size, raw and gzipped (level 9), and the total
                     (budget: 150 KB gzipped, 1 KB = 1,000 bytes). Then starts the local runtime on
                     a temp data folder, seeds purchases over four budget years and times, over HTTP
                     through the console's origin with an officer's token, the first page of
                     GET /purchases (this year, default filters; budget p95 200 ms), the same list
                     narrowed by service area and a search word, and GET /purchases/{id} of a sample
                     of purchases (budget p95 300 ms): warmed up first, then sequential requests.
                     Exit code 1 when a figure is over its budget.
    --purchases <n>  purchases to seed (default ${CONSOLE_DEFAULTS.purchases}; takes about 2 minutes)
    --requests <n>   measured requests of each kind (default ${CONSOLE_DEFAULTS.requests})
    --size-only      only build the console and print its sizes

  -h, --help         this text

exit codes: 0 within budget (or done), 1 over budget or failed, 2 usage error`;

const OPTIONS = {
  purchases: { type: 'string' },
  requests: { type: 'string' },
  'size-only': { type: 'boolean' },
} as const;

/** Parses `argv` strictly: an unknown option, a bad number or an option of the other bench is a UsageError. */
export function parseBenchArguments(argv: readonly string[]): BenchRequest {
  const parsed = parseCommandLine(argv, { usage: USAGE, options: OPTIONS, maxPositionals: 1 });
  if (!parsed.ok) {
    if (parsed.exitCode === 0) return { kind: 'help', usage: USAGE };
    throw new UsageError(parsed.message ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const [first] = positionals;
  if (first === 'console') {
    return {
      kind: 'console',
      purchases: wholeNumber('--purchases', values.purchases, CONSOLE_DEFAULTS.purchases),
      requests: wholeNumber('--requests', values.requests, CONSOLE_DEFAULTS.requests),
      sizeOnly: values['size-only'] ?? false,
    };
  }
  const consoleOnly = (['purchases', 'requests', 'size-only'] as const).find((o) => values[o] !== undefined);
  if (consoleOnly !== undefined) throw new UsageError(`--${consoleOnly} belongs to console`);
  if (first !== undefined && !/^\d+$/.test(first))
    throw new UsageError(`unknown command: ${first} (the load bench takes a number of purchases)`);
  return { kind: 'load', purchases: wholeNumber('purchases', first, LOAD_DEFAULT_PURCHASES) };
}

function wholeNumber(name: string, given: string | undefined, fallback: number): number {
  if (given === undefined) return fallback;
  if (!/^[1-9]\d{0,6}$/.test(given))
    throw new UsageError(`${name} must be a whole number of at least 1, not ${given}`);
  return Number(given);
}
