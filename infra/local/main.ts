/**
 * `npm start`: synthesizes the app and runs the same cloud assembly on this machine. An assembly of
 * the same sources and settings is reused (node_modules/.cache/local-assemblies), so a second start
 * with nothing changed skips synthesis and bundling.
 *
 *   --data <dir>        data folder (env LOCAL_DATA_DIR; default .local in the repository)
 *   --clock <ms>        real milliseconds per state-machine second (env LOCAL_CLOCK; default 1000 = real time)
 *   --assembly <dir>    run an existing cloud assembly instead of synthesizing
 *   --port-<service> n  console 8080, api 3000, mailbox 8005, dynamodb 8000, stepfunctions 8083, secrets 8084,
 *                       sns 8085, s3 8086, lambda 8087, signin 8088
 *                       (env LOCAL_PORT_<SERVICE>, e.g. LOCAL_PORT_API; 0 = any free port)
 */
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedAssembly } from '../assembly-cache.js';
import { repoRoot } from '../paths.js';
import { synthesizeApp } from '../synth.js';
import { type LocalPorts, startLocalRuntime } from './runtime.js';

const DEFAULT_PORTS = {
  console: 8080,
  api: 3000,
  mailbox: 8005,
  dynamodb: 8000,
  stepfunctions: 8083,
  secrets: 8084,
  sns: 8085,
  s3: 8086,
  lambda: 8087,
  signin: 8088,
};
type Service = keyof typeof DEFAULT_PORTS;
const SERVICES = Object.keys(DEFAULT_PORTS) as Service[];

class UsageError extends Error {
  override name = 'UsageError';
}

function portOption(service: Service, flag: string | undefined): number {
  const raw = flag ?? process.env[`LOCAL_PORT_${service.toUpperCase()}`];
  if (raw === undefined) return DEFAULT_PORTS[service];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`invalid port for ${service}: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  // Lambda runs a newer Node.js than this machine; the SDK's warning about Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      clock: { type: 'string' },
      assembly: { type: 'string' },
      ...Object.fromEntries(SERVICES.map((s) => [`port-${s}`, { type: 'string' as const }])),
    },
  });
  const flags = values as Record<string, string | undefined>;
  const dataDir = resolve(flags.data ?? process.env.LOCAL_DATA_DIR ?? resolve(repoRoot, '.local'));
  const msPerSecond = Number(flags.clock ?? process.env.LOCAL_CLOCK ?? 1000);
  if (!(msPerSecond > 0)) throw new UsageError(`--clock must be a positive number of ms, got ${flags.clock}`);
  const ports = Object.fromEntries(SERVICES.map((s) => [s, portOption(s, flags[`port-${s}`])])) as LocalPorts;

  const started = performance.now();
  let assemblyDir = flags.assembly;
  let assemblyNote = 'the given assembly';
  if (!assemblyDir) {
    const assembly = cachedAssembly({
      cacheDir: join(repoRoot, 'node_modules', '.cache', 'local-assemblies'),
      variant: 'npm start',
      synthesize: (outdir) => {
        console.log('Synthesizing the app (sources or settings changed since the last start)…');
        synthesizeApp(outdir);
      },
    });
    assemblyDir = assembly.dir;
    assemblyNote = assembly.reused ? 'assembly reused: nothing changed' : 'app synthesized';
  }
  const assemblyReadyMs = performance.now() - started;

  const runtime = await startLocalRuntime({
    assemblyDir,
    dataDir,
    ports,
    clock: { msPerSecond },
    log: (line) => console.log(line),
  });

  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const readyMs = performance.now() - started;
  const fromHere = relative(process.cwd(), runtime.endpointsFile);
  const here = fromHere.startsWith('..') ? runtime.endpointsFile : fromHere;
  console.log(
    [
      '',
      `Local runtime is running: ready in ${seconds(readyMs)} (${assemblyNote}, ${seconds(assemblyReadyMs)}; services ${seconds(readyMs - assemblyReadyMs)}).`,
      ...(runtime.urls.console
        ? [`  Console:    ${runtime.urls.console}   (sign in as any development account below)`]
        : []),
      `  Mailbox:    ${runtime.urls.mailbox}`,
      `  App API:    ${runtime.urls.api}`,
      `  Sign-in:    ${runtime.urls.signin}   (the local OpenID provider, in place of Cognito)`,
      ...(runtime.urls.s3 ? [`  S3:         ${runtime.urls.s3}`] : []),
      `  Dev token:  curl -s '${runtime.urls.api}/dev/token?sub=officer&roles=officer'`,
      `  Endpoints:  ${here}`,
      `  Clock:      ${msPerSecond} ms per state-machine second${msPerSecond === 1000 ? ' (real time)' : ''}`,
      '',
      'Development accounts (no password on this machine):',
      ...runtime.accounts.map(
        (a) => `  ${a.id.padEnd(17)} ${a.roles.join(', ').padEnd(9)} ${a.email}  ${a.title.en}`,
      ),
      '',
      'Try it: open the console and sign in as officer-li; or run `npm run sample` and click the approval link in the mailbox.',
      'Operate it: `npm run ops -- list`, `npm run ops -- show <purchase-id>` (`npm run ops -- --help`).',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping the local runtime…`);
    runtime.stop().then(
      () => {
        console.log('Local runtime stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(1);
});
