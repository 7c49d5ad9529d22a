import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DynamoDbLocal,
  dynamoDbPidFile,
  freePort,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../../../infra/local/services/dynamodb.js';

/**
 * A runtime killed without its shutdown leaves DynamoDB Local's Java running on its port and
 * database file: the next start on the same data folder stops it first.
 */

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';

let dataDir: string;
const started: DynamoDbLocal[] = [];
const others: ChildProcess[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'dynamodb-stale-'));
});
afterEach(async () => {
  for (const db of started.splice(0)) await db.stop();
  for (const child of others.splice(0)) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB Local left running by a killed runtime', () => {
  it('is stopped by the next start on the same data folder, which then serves on the same port', async () => {
    const port = await freePort();
    // The first run "dies": its Java is never stopped.
    const stale = await startDynamoDbLocal({ dataDir, port });
    started.push(stale);
    const stalePid = stale.pid as number;
    expect(readFileSync(dynamoDbPidFile(dataDir), 'utf8').trim()).toBe(String(stalePid));

    const fresh = await startDynamoDbLocal({ dataDir, port });
    started.push(fresh);

    expect(alive(stalePid)).toBe(false);
    expect(fresh.pid).not.toBe(stalePid);
    expect(readFileSync(dynamoDbPidFile(dataDir), 'utf8').trim()).toBe(String(fresh.pid));
    const client = localDynamoDbClient(fresh.url);
    try {
      await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    } finally {
      client.destroy();
    }
  }, 90_000);

  it('never stops a process that is not DynamoDB Local on this folder, even if the pid file names it', async () => {
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    others.push(bystander);
    writeFileSync(dynamoDbPidFile(dataDir), `${bystander.pid}\n`);

    const db = await startDynamoDbLocal({ dataDir });
    started.push(db);

    expect(alive(bystander.pid as number)).toBe(true);
  }, 90_000);

  it('removes its pid file when stopped', async () => {
    const db = await startDynamoDbLocal({ dataDir });
    await db.stop();
    expect(existsSync(dynamoDbPidFile(dataDir))).toBe(false);
  }, 90_000);
});
