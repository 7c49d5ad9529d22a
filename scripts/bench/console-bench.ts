import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { buildConsole } from '../../infra/console-build.js';
import { createRepositories } from '../../shared/adapters/dynamodb/index.js';
import { GSI2, listingPartition } from '../../shared/adapters/dynamodb/table-design.js';
import type { Stage } from '../../shared/domain/lifecycle.js';
import { type LocalAppUnderTest, localDocumentClient, startLocalApp } from '../../test/support/local-app.js';
import { consoleSizeReport, measureConsoleScripts } from './console-size.js';
import { dynamoDbFigures, dynamoDbTable, functionFigures, functionTable } from './invocation-figures.js';
import { type LatencyRow, latencyTable, overBudget, summarizeLatency } from './latency.js';
import { percentile } from './percentile.js';
import { spreadSample } from './sample.js';
import { seedPurchases } from './seed-purchases.js';

/**
 * `npm run bench -- console`: the staff console's figures of issue 11 against their budgets. The
 * console's JavaScript from a fresh build (≤ 150 KB gzipped); then, on the local runtime with
 * purchases seeded through the repositories, the first page of the purchases list (≤ 200 ms p95)
 * and a purchase's page (≤ 300 ms p95), timed from outside over HTTP as the console asks them:
 * through the console's origin, with an officer's bearer token.
 */

export interface ConsoleBenchOptions {
  /** Purchases to seed. */
  readonly purchases: number;
  /** Measured requests of each kind. */
  readonly requests: number;
  /** Build and measure the console's scripts only. */
  readonly sizeOnly: boolean;
}

/** Budgets of issue 11: p95 of the first list page and of opening a purchase, in ms. */
export const LATENCY_BUDGETS = { listFirstPage: 200, purchasePage: 300 } as const;

/** Rounds of requests before the measured ones: sandboxes started, DynamoDB Local's JIT warm. */
const WARM_UP_ROUNDS = 20;
/** The staff member the requests are made as: sees every purchase (`viewAllPurchases`). */
const OFFICER = { sub: 'officer-li', roles: 'officer', email: 'li.officer@civil-affairs.example.gov.cn' };
/** The narrowed list: one service area and a word of 13 NGOs' names (the seed's NGO_WORDS). */
const FILTERED_QUERY = { serviceArea: 'ELDERLY_CARE', q: '阳光' } as const;

/** Runs the bench, printing as it goes; true when every figure is within its budget. */
export async function runConsoleBench(options: ConsoleBenchOptions, print: (line: string) => void) {
  print("── the console's JavaScript (a fresh production build) ──");
  const buildDir = mkdtempSync(join(tmpdir(), 'ngo-console-build-'));
  let sizeOverBudget: boolean;
  try {
    buildConsole(buildDir);
    const report = consoleSizeReport(measureConsoleScripts(buildDir));
    print(report.text);
    sizeOverBudget = report.overBudget;
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  if (options.sizeOnly) return !sizeOverBudget;

  print('');
  print('starting the local runtime on a temp data folder...');
  const app = await startLocalApp();
  const stopOnInterrupt = () => {
    void app.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnInterrupt);
  try {
    const latencyOverBudget = await measureLatency(app, options, print);
    return !sizeOverBudget && !latencyOverBudget;
  } finally {
    process.off('SIGINT', stopOnInterrupt);
    await app.stop();
  }
}

interface ListAnswer {
  readonly year: number;
  readonly items: readonly unknown[];
  readonly total: number;
  readonly countsByStage: Readonly<Record<Stage, number>>;
}

interface PurchaseAnswer {
  readonly stage: Stage;
  readonly audit: readonly unknown[];
  readonly tasks: readonly unknown[];
  readonly executions: readonly unknown[];
}

async function measureLatency(
  app: LocalAppUnderTest,
  options: ConsoleBenchOptions,
  print: (line: string) => void,
): Promise<boolean> {
  const { urls } = app.runtime;
  if (!urls.console) throw new Error('the app has no console distribution to measure through');
  const consoleOrigin = urls.console;
  const table = listingTable(app);
  const db = localDocumentClient(urls.dynamodb);

  print(`seeding ${options.purchases} purchases through the repositories (data folder ${app.dataDir})...`);
  const seedStarted = performance.now();
  const seeded = await seedPurchases(createRepositories({ client: db, tableName: table }), {
    count: options.purchases,
  });
  const byYear = Object.entries(seeded.byYear)
    .map(([year, count]) => `${year}: ${count}`)
    .join(', ');
  print(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s, by budget year: ${byYear}`);

  const token = await officerToken(urls.api);
  const get = async <T>(path: string) => timedGet<T>(consoleOrigin, path, token);
  const listPath = '/purchases';
  const filteredPath = `/purchases?${new URLSearchParams(FILTERED_QUERY)}`;
  const sample = spreadSample(seeded.purchaseIds, options.requests);
  const warmUp = spreadSample(seeded.purchaseIds, WARM_UP_ROUNDS, 0.5);

  const first = await get<ListAnswer>(listPath);
  const filtered = await get<ListAnswer>(filteredPath);
  const inPartition = await countPartition(db, table, first.body.year);
  print('');
  print(
    `GET /purchases lists one budget year: ${first.body.year} (this year in China). Its GSI2 partition ` +
      `${listingPartition(first.body.year)} holds ${inPartition} purchases (of ${seeded.purchaseIds.length} stored); ` +
      `the API counts ${first.body.total} for the officer and answers the first ${first.body.items.length}, newest first.`,
  );
  print(`  by stage: ${stageCounts(first.body.countsByStage)}`);
  print(
    `  narrowed (${decodeURIComponent(filteredPath)}): ${filtered.body.total} of them match, ` +
      `${filtered.body.items.length} on the first page.`,
  );

  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    await get(listPath);
    await get(filteredPath);
    await get(`/purchases/${warmUp[round]}`);
  }
  const loadBefore = loadavg()[0] as number;
  // The three kinds interleaved, one request at a time, so drift over the run touches each alike.
  const ms = { list: [] as number[], filtered: [] as number[], purchase: [] as number[] };
  const opened: PurchaseAnswer[] = [];
  const purchaseBytes: number[] = [];
  for (let round = 0; round < options.requests; round++) {
    ms.list.push((await get(listPath)).ms);
    ms.filtered.push((await get(filteredPath)).ms);
    const purchase = await get<PurchaseAnswer>(`/purchases/${sample[round]}`);
    ms.purchase.push(purchase.ms);
    opened.push(purchase.body);
    purchaseBytes.push(purchase.bytes);
  }

  const rows: LatencyRow[] = [
    {
      request: 'GET /purchases (first page)',
      summary: summarizeLatency(ms.list),
      budgetP95Ms: LATENCY_BUDGETS.listFirstPage,
    },
    {
      request: 'GET /purchases?serviceArea&q (first page)',
      summary: summarizeLatency(ms.filtered),
      budgetP95Ms: LATENCY_BUDGETS.listFirstPage,
    },
    {
      request: 'GET /purchases/{id}',
      summary: summarizeLatency(ms.purchase),
      budgetP95Ms: LATENCY_BUDGETS.purchasePage,
    },
  ];
  const distinct = new Set(sample).size;
  const auditSizes = opened.map((p) => p.audit.length).sort((a, b) => a - b);
  const answerBytes = [...purchaseBytes].sort((a, b) => a - b);
  const withExecutions = opened.filter((p) => p.executions.length > 0).length;
  print('');
  print(
    `── from outside over HTTP through the console's origin (${consoleOrigin}), as an officer: ` +
      `${WARM_UP_ROUNDS} rounds to warm up, then ${options.requests} rounds of the three requests, ` +
      `one at a time, interleaved ──`,
  );
  print(latencyTable(rows));
  // Other work on the machine shows in every figure here: say how busy it was.
  print(
    `machine load (1-minute average, ${availableParallelism()} cores): ${loadBefore.toFixed(1)} when the ` +
      `measured requests began, ${(loadavg()[0] as number).toFixed(1)} when they ended.`,
  );
  print(
    `purchases opened: ${distinct} distinct, evenly spread over the seeded ones, at ${new Set(opened.map((p) => p.stage)).size} stages; audit entries ` +
      `${percentile(auditSizes, 0.5)} median (${auditSizes[0]}–${auditSizes.at(-1)}); answer ` +
      `${(percentile(answerBytes, 0.5) / 1000).toFixed(1)} KB median. Seeded through the repositories, ` +
      `not the workflow: ${withExecutions} of them have workflow executions, so opening them made ` +
      `${withExecutions === 0 ? 'no' : 'some'} Step Functions calls.`,
  );
  print('');
  print('inside the runtime (warm-up included): the functions and their DynamoDB calls');
  const calls = app.runtime.calls.all.filter(
    (c) =>
      (c.service === 'lambda' && /ListPurchases|GetPurchase/.test(c.target ?? '')) ||
      /ListPurchases|GetPurchase/.test(c.caller ?? ''),
  );
  print(functionTable(functionFigures(calls)));
  print(dynamoDbTable(dynamoDbFigures(calls)));
  return rows.some(overBudget);
}

/** The table the app lists purchases from (the one with GSI2). */
function listingTable(app: LocalAppUnderTest): string {
  const table = app.runtime.app.tables.find((t) =>
    t.createTable.GlobalSecondaryIndexes?.some((index) => index.IndexName === GSI2.indexName),
  );
  if (!table) throw new Error(`the app has no table with the ${GSI2.indexName} index`);
  return table.tableName;
}

/** Purchases in a budget year's GSI2 partition, counted in the table (not by the code measured). */
async function countPartition(
  db: ReturnType<typeof localDocumentClient>,
  tableName: string,
  year: number,
): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI2.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI2.partitionKey },
        ExpressionAttributeValues: { ':pk': listingPartition(year) },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

async function officerToken(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/dev/token?${new URLSearchParams(OFFICER)}`);
  if (!response.ok) throw new Error(`dev token: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** One GET as the console makes it; `ms` runs from the request to the last byte of the answer. */
async function timedGet<T>(origin: string, path: string, token: string) {
  const started = performance.now();
  const response = await fetch(`${origin}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(text), body: JSON.parse(text) as T };
}

function stageCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([stage, count]) => `${stage} ${count}`)
    .join(', ');
}
