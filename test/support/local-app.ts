import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/assembly/local-account.js';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.js';
import { type PurchaseView, sleep, UsersClient } from '../../infra/local/users.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { ApprovalLevel } from '../../shared/domain/policy-settings.js';
import { cachedAssembly } from './assembly-cache.js';
import { TEST_POLICY } from './settings.js';

/**
 * The product's synthesized app on the local runtime, for suites that drive it over HTTP:
 * synthesized once per sources and settings (assembly-cache.ts), with a temp data folder and a fixed free API port, so a
 * restart keeps the links already mailed working. `stop` removes the data folder.
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
  /** Stops the runtime (if running) and removes the data folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartLocalAppOptions {
  /** Runtime log lines; silent by default so test output stays readable. */
  log?: (line: string) => void;
  /** Deployment settings instead of config/settings.json (e.g. a budget line sized for a race). */
  settings?: DeploymentSettings;
  /** Real milliseconds per state-machine second; 1000 (real time) by default. */
  msPerSecond?: number;
}

/**
 * Where test apps keep their data: memory-backed /dev/shm when the machine has it (DynamoDB Local
 * writes there in a third of the time it takes on disk), else the usual temp folder.
 */
function fastTempDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * A document client on a local app's DynamoDB (`runtime.urls.dynamodb`), for tests that read what
 * the app stored; the SDK's default retries stay on, as a test reads while the app is busy.
 */
export function localDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
}

/** The port a local URL names. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

export async function startLocalApp(options: StartLocalAppOptions = {}): Promise<LocalAppUnderTest> {
  const assemblyDir = cachedAssembly(options.settings);
  const dataDir = mkdtempSync(join(fastTempDir(), 'ngo-data-'));
  const removeFolders = () => rmSync(dataDir, { recursive: true, force: true });
  // The API port is fixed for the app's life: mailed links carry it and must survive a restart.
  // So is the sign-in port: it is the tokens' issuer, and tokens held before a restart stay valid.
  // The first start takes whatever the system gives (a port picked beforehand could be bound by
  // another test's service before this one listens on it); a restart binds the same two again.
  let fixed: { api: number; signin: number } | undefined;
  const launch = async () => {
    const started = await startLocalRuntime({
      assemblyDir,
      dataDir,
      ports: fixed ?? { api: 0, signin: 0 },
      clock: { msPerSecond: options.msPerSecond ?? 1000 },
      log: options.log ?? (() => {}),
    });
    fixed ??= { api: portOf(started.urls.api), signin: portOf(started.urls.signin) };
    return started;
  };

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

/**
 * Approves a submitted purchase at every level its chain needs, in order, as the approvers
 * would: each opens the link in their mail and posts Approve with the page's nonce. Returns
 * the purchase once it has reached contracting. `seen` keeps mails already used out of reach.
 */
export async function approveAllLevels(
  users: UsersClient,
  token: string,
  purchaseId: string,
  seen = new Set<string>(),
): Promise<PurchaseView> {
  const approvers = TEST_POLICY.approval.approvers;
  // The chain is planned by the workflow, a moment after the submission is answered.
  let levels: ApprovalLevel[] = [];
  const deadline = Date.now() + 30_000;
  while (levels.length === 0) {
    const view = (await users.purchase(token, purchaseId)) as PurchaseView & {
      approvalLevels?: ApprovalLevel[];
    };
    levels = view.approvalLevels ?? [];
    if (levels.length > 0) break;
    if (Date.now() > deadline) throw new Error(`${purchaseId} has no approval chain after 30 s`);
    await sleep(100);
  }
  for (const level of levels) {
    const mail = await users.waitForMail(
      approvers[level].email,
      (m) => (m.body.text ?? '').includes(purchaseId),
      seen,
    );
    const { answer: decided } = await users.decideAsPerson(UsersClient.linkIn(mail), {
      decision: 'APPROVE',
      comment: '同意。',
    });
    if (decided.status !== 200) throw new Error(`${level} approval of ${purchaseId}: HTTP ${decided.status}`);
  }
  return users.waitForStage(token, purchaseId, ['CONTRACTING']);
}
