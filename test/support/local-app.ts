import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.js';
import { UsersClient } from '../../infra/local/users.js';
import { synthesizeApp } from '../../infra/synth.js';

/**
 * The product's synthesized app on the local runtime, for suites that drive it over HTTP:
 * synthesized into a temp folder, with a temp data folder and a fixed free API port, so a
 * restart keeps the links already mailed working. `stop` removes both folders.
 */

export interface LocalAppUnderTest {
  /** The running runtime; a new object after `restart`. */
  readonly runtime: LocalRuntime;
  /** Acts as the app's users over HTTP; a new object after `restart`. */
  readonly users: UsersClient;
  readonly assemblyDir: string;
  readonly dataDir: string;
  /** Stops the runtime and starts it again on the same data folder and API port. */
  restart(): Promise<void>;
  /** Stops the runtime (if running) and removes the temp folders; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartLocalAppOptions {
  /** Runtime log lines; silent by default so test output stays readable. */
  log?: (line: string) => void;
}

/** A TCP port that was free on loopback a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startLocalApp(options: StartLocalAppOptions = {}): Promise<LocalAppUnderTest> {
  const assemblyDir = synthesizeApp(mkdtempSync(join(tmpdir(), 'ngo-assembly-')));
  const dataDir = mkdtempSync(join(tmpdir(), 'ngo-data-'));
  const removeFolders = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(assemblyDir, { recursive: true, force: true });
  };
  // The API port is fixed for the app's life: mailed links carry it and must survive a restart.
  const apiPort = await freePort();
  const launch = () =>
    startLocalRuntime({
      assemblyDir,
      dataDir,
      ports: { api: apiPort },
      clock: { msPerSecond: 1000 },
      log: options.log ?? (() => {}),
    });

  let runtime: LocalRuntime | undefined;
  try {
    runtime = await launch();
  } catch (error) {
    removeFolders();
    throw error;
  }
  let users = new UsersClient(runtime.urls);

  const running = (): LocalRuntime => {
    if (!runtime) throw new Error('the local app is stopped');
    return runtime;
  };
  return {
    get runtime() {
      return running();
    },
    get users() {
      running();
      return users;
    },
    assemblyDir,
    dataDir,
    async restart() {
      await running().stop();
      runtime = undefined;
      runtime = await launch();
      users = new UsersClient(runtime.urls);
    },
    async stop() {
      const current = runtime;
      runtime = undefined;
      try {
        await current?.stop();
      } finally {
        removeFolders();
      }
    },
  };
}
