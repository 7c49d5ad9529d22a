import { resolve } from 'node:path';
import { smallMinorProtectionProposal } from '../infra/local/samples/proposals.js';
import { midtermDueSoon } from '../test/support/journey.js';
import { startLocalApp } from '../test/support/local-app.js';
import { type BenchRequest, parseBenchArguments, USAGE, UsageError } from './bench/arguments.js';
import { bundleImportTable, measureBundleImports } from './bench/bundle-imports.js';
import { runConsoleBench } from './bench/console-bench.js';
import {
  dynamoDbFigures,
  dynamoDbTable,
  functionFigures,
  functionTable,
} from './bench/invocation-figures.js';
import { figuresBlock, playConcurrently, settingsForLoad } from './bench/load-run.js';
import { oneUserBlock, playOneUser } from './bench/one-user.js';
import { peakMemoryMb } from './bench/peak-memory.js';
import { lastRun, type SavedRun, savedRunFile, saveRun, sideBySide } from './bench/saved-runs.js';

/**
 * The benchmarks (`npm run bench -- --help`).
 *
 * The local runtime's, by default: first one user on the idle runtime (link GET and POST latency
 * over a few purchases played one after another), then N whole purchases played at once (default
 * 200) with a progress line while it runs; then its figures beside the last saved run's (kept in
 * the data folder, `.local/bench/`), where the time went per function, and what importing each
 * function's bundle costs beside its AWS clients alone.
 *
 * The staff console's (`console`): its JavaScript's size, and the purchases list and a purchase's
 * page timed over HTTP with 2,000 purchases stored, each against its budget (scripts/bench/console-bench.ts).
 *
 *   npm run bench -- [purchases]
 *   npm run bench -- console [--purchases <n>] [--requests <n>] [--size-only]
 */

/** Enough link requests for a p99 of one user's GETs and POSTs (about 20 of each per purchase). */
const ONE_USER_PURCHASES = 5;

function requestOrExit(argv: readonly string[]): Exclude<BenchRequest, { kind: 'help' }> {
  try {
    const request = parseBenchArguments(argv);
    if (request.kind !== 'help') return request;
    console.log(request.usage);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  // Lambda runs a newer Node.js than this machine; the SDK's warning about Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const request = requestOrExit(process.argv.slice(2));
  if (request.kind === 'console') {
    const withinBudget = await runConsoleBench(request, (line) => console.log(line));
    process.exitCode = withinBudget ? 0 : 1;
    return;
  }
  const { purchases } = request;
  const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? resolve(import.meta.dirname, '..', '.local'));
  // The one user's purchases (and the one that warms up) come out of the same budget line.
  const settings = settingsForLoad(
    purchases + ONE_USER_PURCHASES + 1,
    midtermDueSoon(smallMinorProtectionProposal()),
  );
  console.log(`starting the app (${purchases} purchases to play)...`);
  const app = await startLocalApp({ settings });
  console.log(`one user: ${ONE_USER_PURCHASES} purchases one after another...`);
  const oneUser = await playOneUser(app, settings, ONE_USER_PURCHASES);
  console.log(oneUserBlock(oneUser));
  console.log(`${purchases} purchases at once...`);
  const started = performance.now();
  let progress = { closed: 0, failed: 0 };
  const showProgress = () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const line = `  ${progress.closed} of ${purchases} closed, ${progress.failed} failed, ${seconds} s`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}\u001b[K`);
    else console.log(line);
  };
  const ticker = setInterval(showProgress, process.stdout.isTTY ? 1_000 : 15_000);
  let javaPeakMb: number | undefined;
  try {
    const run = await playConcurrently(app, settings, purchases, {
      onProgress: (p) => {
        progress = p;
      },
    });
    clearInterval(ticker);
    showProgress();
    if (process.stdout.isTTY) process.stdout.write('\n');
    javaPeakMb = app.runtime.dynamoDbPid === undefined ? undefined : peakMemoryMb(app.runtime.dynamoDbPid);
    console.log(figuresBlock(run));
    const f = run.figures;
    const now: SavedRun = {
      at: new Date().toISOString(),
      figures: {
        closed: run.closed.filter((v) => v?.stage === 'CLOSED').length,
        errors: run.errors.length,
        'wall s': f.wallSeconds,
        'closed per minute': f.closedPerMinute,
        'link requests per s': f.linkRequestsPerSecond,
        'link p50 ms': f.p50Ms,
        'link p99 ms': f.p99Ms,
        'one user: GET p50 ms': oneUser.get.p50Ms,
        'one user: GET p99 ms': oneUser.get.p99Ms,
        'one user: POST p50 ms': oneUser.post.p50Ms,
        'one user: POST p99 ms': oneUser.post.p99Ms,
        'peak memory MB (node)': peakMemoryMb() ?? Number.NaN,
        'peak memory MB (DynamoDB Local)': javaPeakMb ?? Number.NaN,
      },
    };
    const file = savedRunFile(dataDir, `load-${purchases}`);
    console.log('');
    console.log(sideBySide(now, lastRun(file), (name) => (/closed|per/.test(name) ? 'higher' : 'lower')));
    saveRun(file, now);
    console.log('');
    console.log(functionTable(functionFigures(app.runtime.calls.all)));
    console.log('');
    console.log(dynamoDbTable(dynamoDbFigures(app.runtime.calls.all)));
    for (const error of run.errors.slice(0, 20)) console.log(`  error: ${error}`);
    console.log('');
    console.log(
      bundleImportTable(measureBundleImports(app.runtime.app, (fn) => app.runtime.lambdas.environmentOf(fn))),
    );
    process.exitCode = run.errors.length === 0 ? 0 : 1;
  } finally {
    clearInterval(ticker);
    await app.stop();
  }
}

await main();
