import { resolve } from 'node:path';
import { smallMinorProtectionProposal } from '../infra/local/samples/proposals.js';
import { midtermDueSoon } from '../test/support/journey.js';
import { startLocalApp } from '../test/support/local-app.js';
import { functionFigures, functionTable } from './bench/invocation-figures.js';
import { figuresBlock, playConcurrently, settingsForLoad } from './bench/load-run.js';
import { peakMemoryMb } from './bench/peak-memory.js';
import { lastRun, type SavedRun, savedRunFile, saveRun, sideBySide } from './bench/saved-runs.js';

/**
 * The local runtime's benchmark: N whole purchases played at once (default 200), with a progress
 * line while it runs; then its figures beside the last saved run's (kept in the data folder,
 * `.local/bench/`), and where the time went per function.
 *
 *   npm run bench -- [purchases]
 */

const usage = 'usage: npm run bench -- [purchases]';

async function main(): Promise<void> {
  const purchases = Number(process.argv[2] ?? 200);
  if (!Number.isInteger(purchases) || purchases < 1) throw new Error(usage);
  const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? resolve(import.meta.dirname, '..', '.local'));
  const settings = settingsForLoad(purchases, midtermDueSoon(smallMinorProtectionProposal()));
  console.log(`starting the app (${purchases} purchases to play)...`);
  const app = await startLocalApp({ settings });
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
    for (const error of run.errors.slice(0, 20)) console.log(`  error: ${error}`);
    process.exitCode = run.errors.length === 0 ? 0 : 1;
  } finally {
    clearInterval(ticker);
    await app.stop();
  }
}

await main();
