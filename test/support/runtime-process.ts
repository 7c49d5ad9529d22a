import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../infra/local/users.js';
import { repoRoot } from '../../infra/paths.js';
import { portOf } from './local-app.js';

/**
 * The local runtime as a real child process, started exactly as a user starts it
 * (`tsx infra/local/main.ts --assembly ... --data ... --port-<service> ...`), for tests that
 * kill it like a machine losing power and start it again on the same data folder.
 *
 * The first start takes free ports; every later one serves on the same ones, so links already
 * mailed, the mailbox and the presigned uploads all work again after a restart. The process is
 * its own process group: a kill takes DynamoDB Local's Java with it.
 */

export const RUNTIME_SERVICES = [
  'api',
  'mailbox',
  'dynamodb',
  'stepfunctions',
  'secrets',
  'sns',
  's3',
  'lambda',
  'signin',
  'console',
] as const;
export type RuntimeService = (typeof RUNTIME_SERVICES)[number];
export type RuntimePorts = Record<RuntimeService, number>;

/** Every service on any free port: what a first start asks for. */
const ANY_PORTS = Object.fromEntries(RUNTIME_SERVICES.map((s) => [s, 0])) as RuntimePorts;

/**
 * The ports a started runtime serves on, from the endpoints.json it writes once everything
 * serves (a service the app does not have keeps 0).
 */
function servedPorts(dataDir: string): RuntimePorts {
  const endpoints = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const served = (url: unknown) => (typeof url === 'string' ? portOf(url) : 0);
  return Object.fromEntries(RUNTIME_SERVICES.map((s) => [s, served(endpoints[s])])) as RuntimePorts;
}

export interface RuntimeProcessOptions {
  readonly assemblyDir: string;
  readonly dataDir: string;
  /**
   * The ports of an earlier start, to serve on again (links already mailed carry the API's, tokens
   * name the sign-in's). Without them every service takes a free port: picking ports beforehand and
   * binding them later lets another process take one in between.
   */
  readonly ports?: RuntimePorts;
  /** Real milliseconds per state-machine second; 1000 (real time) by default. */
  readonly msPerSecond?: number;
  /** Every line the runtime prints is appended here (kept across restarts), for a failed run's post-mortem. */
  readonly logFile?: string;
  /** How long a start may take before it counts as failed. Default 120 s (a loaded machine). */
  readonly startTimeoutMs?: number;
}

export class RuntimeStartError extends Error {
  override name = 'RuntimeStartError';
}

/** What main.ts prints once everything serves. */
export const READY_LINE = 'Local runtime is running:';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

export interface RuntimeProcess {
  readonly pid: number;
  /** Where each service serves: give them to the next start on the same data folder. */
  readonly ports: RuntimePorts;
  readonly urls: { readonly api: string; readonly mailbox: string };
  /** Kills the whole process group with SIGKILL (no shutdown at all) and waits until all of it is gone. */
  kill(): Promise<void>;
  /** Asks for an orderly stop (SIGTERM, as Ctrl-C would), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `npm start`'s entry on the given folders and ports; resolves once it prints READY_LINE. */
export async function startRuntimeProcess(options: RuntimeProcessOptions): Promise<RuntimeProcess> {
  const args = [
    'infra/local/main.ts',
    '--assembly',
    options.assemblyDir,
    '--data',
    options.dataDir,
    '--clock',
    String(options.msPerSecond ?? 1000),
    ...RUNTIME_SERVICES.flatMap((s) => [`--port-${s}`, String((options.ports ?? ANY_PORTS)[s])]),
  ];
  const child = spawn(tsx, args, {
    cwd: repoRoot,
    // Its own process group: `kill(-pid)` reaches tsx, node and Java at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const pid = child.pid;
  if (pid === undefined) throw new RuntimeStartError('the runtime process could not be spawned');
  const tail: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const onLine = (line: string) => {
    tail.push(line);
    tail.splice(0, Math.max(0, tail.length - 40));
    if (options.logFile) appendFileSync(options.logFile, `[${new Date().toISOString()} ${pid}] ${line}\n`);
    if (line.includes(READY_LINE)) ready();
  };
  lines(child, onLine);

  const timeoutMs = options.startTimeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    readyPromise.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const ports = outcome === 'ready' ? servedPorts(options.dataDir) : (options.ports ?? ANY_PORTS);
  const handle: RuntimeProcess = {
    pid,
    ports,
    urls: {
      api: `http://127.0.0.1:${ports.api}`,
      mailbox: `http://127.0.0.1:${ports.mailbox}`,
    },
    kill: async () => {
      signalGroup(pid, 'SIGKILL');
      await exited;
      await groupGone(pid, 30_000);
    },
    stop: async (graceMs = 15_000) => {
      signalGroup(pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!stopped) signalGroup(pid, 'SIGKILL');
      await exited;
      // Java gets the rest of the grace to stop after its parent did.
      if (
        !(await groupGone(pid, graceMs).then(
          () => true,
          () => false,
        ))
      )
        signalGroup(pid, 'SIGKILL');
      await groupGone(pid, 30_000);
    },
  };
  if (outcome !== 'ready') {
    await handle.kill();
    throw new RuntimeStartError(
      `the local runtime ${outcome === 'exited' ? 'exited' : `did not start within ${timeoutMs} ms`}:\n${tail.join('\n')}`,
    );
  }
  return handle;
}

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) onLine(line);
    });
    stream?.on('end', () => {
      if (pending) onLine(pending);
      pending = '';
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves once no process of the group is left (Java may outlive its parent by a moment). */
async function groupGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw error;
    }
    if (Date.now() > deadline)
      throw new RuntimeStartError(`process group ${pid} still alive after ${timeoutMs} ms`);
    await sleep(50);
  }
}
