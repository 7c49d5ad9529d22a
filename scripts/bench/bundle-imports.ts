import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type { LocalApp, LocalFunction } from '../../infra/local/assembly/model.js';

/**
 * What a cold start pays for the code: the whole-process time of a plain `node` importing each
 * function's bundle (its INIT, as Lambda runs it), beside a bundle of only the AWS SDK clients the
 * function uses, built the way the functions are (esbuild, ESM, minified). A ratio near 1 means
 * the function's own code costs little next to its clients. A link function (the pages people
 * open from their mail) is also compared with the DynamoDB and Secrets Manager clients alone,
 * which is all its GET needs.
 */

/** The client class each SDK package is known by. */
const CLIENT_CLASS: Readonly<Record<string, string>> = {
  'client-dynamodb': 'DynamoDBClient',
  'client-secrets-manager': 'SecretsManagerClient',
  'client-sfn': 'SFNClient',
  'client-sesv2': 'SESv2Client',
  'client-s3': 'S3Client',
  'client-sns': 'SNSClient',
};
const LINK_GET_CLIENTS = ['client-dynamodb', 'client-secrets-manager'];

export interface BundleImport {
  readonly fn: string;
  readonly clients: readonly string[];
  /** The entry file's size; the chunks it imports dynamically are not read at cold start. */
  readonly bundleKb: number;
  readonly importMs: number;
  readonly clientsOnlyMs: number;
  /** For link functions: the import of the DynamoDB and Secrets Manager clients alone. */
  readonly linkGetBaselineMs?: number;
}

/** Medians of `runs` imports per bundle, the bundles taken in turns so a busy moment hits all alike. */
export function measureBundleImports(
  app: LocalApp,
  environmentOf: (fn: LocalFunction) => Record<string, string>,
  runs = 5,
): BundleImport[] {
  const linkFunctions = new Set(
    app.routes.filter((r) => r.authorizer.kind === 'none' && r.method === 'GET').map((r) => r.functionName),
  );
  const work = mkdtempSync(join(tmpdir(), 'bundle-imports-'));
  try {
    const baselines = new Map<string, string>();
    const baselineOf = (clients: readonly string[]) => {
      const key = [...clients].sort().join('+');
      let file = baselines.get(key);
      if (!file) {
        file = clientsOnlyBundle(work, key, clients);
        baselines.set(key, file);
      }
      return file;
    };
    const plans = app.functions.map((fn) => {
      const bundle = join(fn.bundleDir, `${fn.handlerModule}.mjs`);
      const clients = clientsIn(fn.bundleDir);
      const isLink = linkFunctions.has(fn.name) || linkFunctions.has(fn.logicalId);
      return {
        fn,
        bundle,
        clients,
        baseline: baselineOf(clients),
        ...(isLink ? { linkBaseline: baselineOf(LINK_GET_CLIENTS) } : {}),
      };
    });
    const timings = new Map<string, number[]>();
    const time = (file: string, env: Record<string, string>) => {
      const list = timings.get(file) ?? [];
      list.push(importMs(file, env));
      timings.set(file, list);
    };
    for (let run = 0; run < runs; run++) {
      for (const plan of plans) {
        const env = environmentOf(plan.fn);
        time(plan.bundle, env);
        time(plan.baseline, env);
        if (plan.linkBaseline) time(plan.linkBaseline, env);
      }
    }
    const median = (file: string) => {
      const sorted = [...(timings.get(file) ?? [])].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    };
    return plans.map((plan) => ({
      fn: plan.fn.logicalId,
      clients: plan.clients,
      bundleKb: readFileSync(plan.bundle).length / 1024,
      importMs: median(plan.bundle),
      clientsOnlyMs: median(plan.baseline),
      ...(plan.linkBaseline ? { linkGetBaselineMs: median(plan.linkBaseline) } : {}),
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The SDK client packages a bundle contains (its entry and its chunks), from their source maps. */
function clientsIn(bundleDir: string): string[] {
  const maps = readdirSync(bundleDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.map'),
  );
  const sources = maps.flatMap(
    (map) => (JSON.parse(readFileSync(join(bundleDir, map), 'utf8')) as { sources: string[] }).sources,
  );
  const found = new Set<string>();
  for (const source of sources) {
    const pkg = /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(source)?.[1];
    if (pkg && pkg in CLIENT_CLASS) found.add(pkg);
  }
  return [...found].sort();
}

function clientsOnlyBundle(dir: string, name: string, clients: readonly string[]): string {
  const entry = join(dir, `${name || 'none'}.entry.mjs`);
  const lines = clients.map((c, i) => `import { ${CLIENT_CLASS[c]} as C${i} } from '@aws-sdk/${c}';`);
  lines.push(`export const clients = [${clients.map((_, i) => `C${i}`).join(', ')}];`);
  writeFileSync(entry, `${lines.join('\n')}\n`);
  const outfile = join(dir, `${name || 'none'}.mjs`);
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    nodePaths: [join(import.meta.dirname, '..', '..', 'node_modules')],
    logLevel: 'error',
  });
  return outfile;
}

function importMs(file: string, env: Record<string, string>): number {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)});`],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const ms = performance.now() - started;
  if (child.status !== 0)
    throw new Error(`importing ${file} failed: ${child.stderr.toString().slice(0, 500)}`);
  return ms;
}

export function bundleImportTable(rows: readonly BundleImport[]): string {
  const lines = [
    '── import of each function bundle (whole process, median) beside its AWS clients alone ──',
    `${'function'.padEnd(28)}${'KB'.padStart(6)}${'import ms'.padStart(11)}${'clients ms'.padStart(12)}${'ratio'.padStart(7)}  clients`,
  ];
  for (const row of [...rows].sort((a, b) => a.fn.localeCompare(b.fn))) {
    lines.push(
      `${row.fn.slice(0, 27).padEnd(28)}${row.bundleKb.toFixed(0).padStart(6)}${row.importMs.toFixed(0).padStart(11)}` +
        `${row.clientsOnlyMs.toFixed(0).padStart(12)}${(row.importMs / row.clientsOnlyMs).toFixed(2).padStart(7)}  ` +
        row.clients.map((c) => c.replace('client-', '')).join(', '),
    );
  }
  for (const row of rows.filter((r) => r.linkGetBaselineMs !== undefined)) {
    const base = row.linkGetBaselineMs as number;
    lines.push(
      `link ${row.fn}: ${row.importMs.toFixed(0)} ms = ${(row.importMs / base).toFixed(2)}× the DynamoDB and Secrets Manager clients alone (${base.toFixed(0)} ms; goal ≤ 1.15×)`,
    );
  }
  return lines.join('\n');
}
