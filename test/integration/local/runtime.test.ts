import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { type LocalRuntime, startLocalRuntime } from '../../../infra/local/runtime.js';
import { FIXTURE_AUDIENCE, FIXTURE_FINANCE_EMAIL } from '../../fixtures/local-app/app.js';
import { cachedFixtureAssembly } from '../../support/assembly-cache.js';

const workDir = mkdtempSync(join(tmpdir(), 'local-runtime-'));
const dataDir = join(workDir, 'data');
let assemblyDir: string;
let runtime: LocalRuntime | undefined;
const logLines: string[] = [];

function started(): LocalRuntime {
  if (!runtime) throw new Error('the runtime did not start');
  return runtime;
}

function functionNamed(prefix: string): string {
  const fn = started().app.functions.find((f) => f.logicalId.startsWith(prefix));
  if (!fn) throw new Error(`no function ${prefix}`);
  return fn.name;
}

async function devToken(query: string): Promise<string> {
  const response = await fetch(`${started().urls.api}/dev/token?${query}`);
  return ((await response.json()) as { token: string }).token;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const start = () =>
  startLocalRuntime({
    assemblyDir,
    dataDir,
    clock: { msPerSecond: 1000 },
    log: (line) => logLines.push(line),
  });

beforeAll(async () => {
  assemblyDir = cachedFixtureAssembly();
  runtime = await start();
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the local runtime running a synthesized app', () => {
  it('serves an open route with the bundled function, which writes and reads DynamoDB Local through the SDK', async () => {
    const { urls, app } = started();
    const created = await fetch(`${urls.api}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'n-1', text: 'mid-term report received' }),
    });
    expect(created.status).toBe(201);

    const read = await fetch(`${urls.api}/notes/n-1`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ id: 'n-1', text: 'mid-term report received' });

    const db = new DynamoDBClient({
      endpoint: urls.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { Items } = await db.send(
      new QueryCommand({
        TableName: app.tables[0]?.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'NOTE#n-1' } },
      }),
    );
    db.destroy();
    expect(Items?.[0]?.text?.S).toBe('mid-term report received');
  });

  it('answers HEAD with the GET route, without a body', async () => {
    const response = await fetch(`${started().urls.api}/notes/n-1`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('refuses an unknown route with 404 and an oversized body with 413, like API Gateway', async () => {
    const { urls } = started();
    const unknown = await fetch(`${urls.api}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });

    const tooLarge = await fetch(`${urls.api}/notes`, {
      method: 'POST',
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
  });

  it('gives 401 on the JWT route without a token, with a forged one or with one for another audience', async () => {
    const { urls } = started();
    const none = await fetch(`${urls.api}/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Unauthorized' });

    const forged = await fetch(`${urls.api}/me`, {
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
    });
    expect(forged.status).toBe(401);

    const otherAudience = await devToken('sub=alice&aud=someone-else');
    const wrong = await fetch(`${urls.api}/me`, { headers: { authorization: `Bearer ${otherAudience}` } });
    expect(wrong.status).toBe(401);
  });

  it('passes a dev token on the JWT route and hands the claims, the secret and the local API URL to the function', async () => {
    const { urls } = started();
    const token = await devToken('sub=alice&roles=officer&email=alice@bureau.local');
    const response = await fetch(`${urls.api}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      claims: Record<string, string>;
      linkKeyLength: number;
      apiUrl: string;
    };
    expect(body.claims).toMatchObject({
      sub: 'alice',
      roles: '[officer]',
      email: 'alice@bureau.local',
      aud: FIXTURE_AUDIENCE,
    });
    expect(body.linkKeyLength).toBe(48);
    expect(body.apiUrl).toBe(`${urls.api}/`);
  });

  it('invokes the ResumeOpenPurchases function once at start', async () => {
    const { urls, app } = started();
    const db = new DynamoDBClient({
      endpoint: urls.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { Count } = await db.send(
      new QueryCommand({
        TableName: app.tables[0]?.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'RESUMED' } },
      }),
    );
    db.destroy();
    expect(Count).toBe(1);
  });

  it('runs the resolved state machine: its Lambda task through the workers, its SNS publish into the mailbox', async () => {
    const { urls, app, stepFunctions } = started();
    await fetch(`${urls.mailbox}/clear-store`, { method: 'POST' });
    const stateMachine = app.stateMachines[0];
    if (!stateMachine) throw new Error('no state machine');
    const { executionArn } = await stepFunctions.startExecution({
      stateMachineArn: stateMachine.arn,
      input: JSON.stringify({ name: 'Sunrise Elderly Care' }),
    });
    await stepFunctions.idle();
    const execution = await stepFunctions.describeExecution({ executionArn });
    expect(execution.status).toBe('SUCCEEDED');

    const store = (await (await fetch(`${urls.mailbox}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] }; body: { text: string } }[];
    };
    expect(store.emails).toEqual([
      expect.objectContaining({
        subject: 'Payment due',
        destination: expect.objectContaining({ to: [FIXTURE_FINANCE_EMAIL] }),
        body: expect.objectContaining({ text: 'Hello Sunrise Elderly Care' }),
      }),
    ]);
  });

  it('reports a handler error as Lambda does and keeps serving', async () => {
    const { lambdas } = started();
    expect(await lambdas.invoke(functionNamed('Broken'), {})).toEqual({
      errorType: 'NoteRejected',
      errorMessage: 'this note is refused',
    });
    // Function output crosses threads asynchronously: it may come just after the result.
    await vi.waitFor(() =>
      expect(logLines.some((l) => /^\[Broken\w*\] ERROR.*NoteRejected/.test(l))).toBe(true),
    );
    expect(await lambdas.invoke(functionNamed('Greet'), { name: 'again' })).toEqual({
      payload: { greeting: 'Hello again' },
    });
  });

  it('stops a function at its timeout', async () => {
    const result = await started().lambdas.invoke(functionNamed('Slow'), {});
    expect(result).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  it('writes every URL to endpoints.json and keeps the generated secret private', () => {
    const { urls, endpointsFile } = started();
    expect(endpointsFile).toBe(join(dataDir, 'endpoints.json'));
    expect(JSON.parse(readFileSync(endpointsFile, 'utf8'))).toMatchObject({ ...urls });
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('stops without leaving Java behind, and a restart on the same data folder keeps items and secrets', async () => {
    const first = started();
    const javaPid = first.dynamoDbPid;
    const secretsBefore = readFileSync(join(dataDir, 'secrets.json'), 'utf8');
    await first.stop();
    runtime = undefined;
    expect(javaPid).toBeTypeOf('number');
    expect(isRunning(javaPid as number)).toBe(false);
    await expect(fetch(`${first.urls.api}/notes/n-1`)).rejects.toThrow();

    runtime = await start();
    const read = await fetch(`${runtime.urls.api}/notes/n-1`);
    expect(await read.json()).toEqual({ id: 'n-1', text: 'mid-term report received' });
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secretsBefore);
  }, 60_000);
});
