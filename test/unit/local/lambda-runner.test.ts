import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../../infra/local/assembly/model.js';
import { MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES } from '../../../infra/local/lambda-limits.js';
import {
  type Invocation,
  LambdaRunner,
  LOCAL_CONCURRENCY_PER_FUNCTION,
  sdkAppIdOf,
} from '../../../infra/local/lambda-runner.js';

/** A one-file bundle that counts its invocations and says who it is, as the SDK would see it. */
let bundleDir: string;
let runner: LambdaRunner;
const invocations: Invocation[] = [];
let duplicateNext = false;

const fn: LocalFunction = {
  stackName: 'App',
  logicalId: 'CountCalls1A2B3C4D',
  name: 'CountCalls1A2B3C4D',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:CountCalls1A2B3C4D',
  bundleDir: '',
  handlerModule: 'index',
  handlerExport: 'handler',
  environment: {},
  timeoutSeconds: 10,
  memoryMb: 128,
};

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  writeFileSync(
    join(bundleDir, 'index.mjs'),
    `let calls = 0;
export const handler = async (event) => {
  calls += 1;
  if (event.fail) throw Object.assign(new Error('asked to fail'), { name: 'TransientError' });
  if (event.answerBytes) return 'a'.repeat(event.answerBytes - 2);
  return { calls, event, appId: process.env.AWS_SDK_UA_APP_ID };
};
`,
  );
  runner = new LambdaRunner({
    functions: [{ ...fn, bundleDir }],
    runtimeEnvironment: {},
    log: () => {},
    hooks: {
      duplicate: () => {
        const answer = duplicateNext;
        duplicateNext = false;
        return answer;
      },
      invoked: (invocation) => invocations.push(invocation),
    },
  });
});

afterAll(async () => {
  await runner.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

describe('LambdaRunner', () => {
  it('gives the function its SDK app id and reports each invocation with its source', async () => {
    invocations.length = 0;
    const result = await runner.invokerFor('states')(fn.name, { step: 1 });
    expect(result).toEqual({ payload: { calls: 1, event: { step: 1 }, appId: sdkAppIdOf(fn) } });
    expect(invocations).toEqual([
      expect.objectContaining({ source: 'states', duplicate: false, result: expect.objectContaining({}) }),
    ]);
    expect(invocations[0]?.fn.logicalId).toBe(fn.logicalId);
  });

  it('delivers a duplicated invocation twice with the same payload and answers with the second result', async () => {
    invocations.length = 0;
    duplicateNext = true;
    const result = await runner.invoke(fn.logicalId, { step: 2 });
    expect(invocations.map((i) => [i.source, i.duplicate])).toEqual([
      ['runtime', false],
      ['runtime', true],
    ]);
    const [first, second] = invocations.map(
      (i) => i.result as { payload: { calls: number; event: unknown } },
    );
    expect(first?.payload.event).toEqual({ step: 2 });
    expect(second?.payload.event).toEqual({ step: 2 });
    expect(second?.payload.calls).toBe((first?.payload.calls ?? 0) + 1);
    expect(result).toEqual(second);
  });

  it('reports a function error as the invocation result', async () => {
    invocations.length = 0;
    const result = await runner.invoke(fn.name, { fail: true });
    expect(result).toEqual({ errorType: 'TransientError', errorMessage: 'asked to fail' });
    expect(invocations[0]?.result).toEqual(result);
  });

  it('refuses a request over 6 MB before any sandbox sees it, as Lambda does', async () => {
    const calls = invocations.length;

    const result = await runner.invoke(fn.name, { pad: 'p'.repeat(MAX_SYNC_REQUEST_BYTES) });

    expect(result).toEqual({
      errorType: 'RequestEntityTooLargeException',
      errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    expect(invocations.length).toBe(calls);
  });

  it('answers Function.ResponseSizeTooLarge for a response over the limit, and passes one at the limit', async () => {
    const tooLarge = await runner.invoke(fn.name, { answerBytes: MAX_SYNC_RESPONSE_BYTES + 1 });
    const atLimit = await runner.invoke(fn.name, { answerBytes: MAX_SYNC_RESPONSE_BYTES });

    expect(tooLarge).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
    expect('payload' in atLimit && String(atLimit.payload).length).toBe(MAX_SYNC_RESPONSE_BYTES - 2);
  });
});

describe('LambdaRunner concurrency', () => {
  let slowDir: string;
  let slowRunner: LambdaRunner;
  const slow: LocalFunction = { ...fn, logicalId: 'Slow9F8E7D6C', name: 'Slow9F8E7D6C', timeoutSeconds: 1 };

  beforeAll(() => {
    slowDir = mkdtempSync(join(tmpdir(), 'runner-slow-'));
    writeFileSync(
      join(slowDir, 'index.mjs'),
      `import { threadId } from 'node:worker_threads';
export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { threadId };
};
`,
    );
    slowRunner = new LambdaRunner({
      functions: [{ ...slow, bundleDir: slowDir }],
      runtimeEnvironment: {},
      log: () => {},
    });
  });

  afterAll(async () => {
    await slowRunner.close();
    rmSync(slowDir, { recursive: true, force: true });
  });

  it('runs concurrent invocations in separate sandboxes, as Lambda does', async () => {
    const results = await Promise.all([1, 2, 3].map(() => slowRunner.invoke(slow.name, { sleepMs: 200 })));
    const threads = results.map((r) => ('payload' in r ? (r.payload as { threadId: number }).threadId : -1));
    expect(new Set(threads).size).toBe(3);
    expect(threads).not.toContain(-1);
  });

  it('a timeout ends only its own invocation, not one running beside it', async () => {
    // The second starts half a second later and is still running when the first times out.
    const [late, onTime] = await Promise.all([
      slowRunner.invoke(slow.name, { sleepMs: 5_000 }),
      new Promise((resolve) => setTimeout(resolve, 500)).then(() =>
        slowRunner.invoke(slow.name, { sleepMs: 800 }),
      ),
    ]);
    expect(late).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(onTime).toMatchObject({ payload: { threadId: expect.any(Number) } });
  });
});

describe('LambdaRunner sandboxes: INIT phase and turns in line', () => {
  let dir: string;
  let initRunner: LambdaRunner;
  const seen: Invocation[] = [];
  // A one-second timeout and a bundle that takes 1.5 s to load: on Lambda the INIT phase has its own limit.
  const slowStart: LocalFunction = {
    ...fn,
    logicalId: 'SlowStart5A6B7C8D',
    name: 'SlowStart5A6B7C8D',
    timeoutSeconds: 1,
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-init-'));
    writeFileSync(
      join(dir, 'index.mjs'),
      `await new Promise((resolve) => setTimeout(resolve, 1500));
export const handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 0));
  return { ok: true };
};
`,
    );
    initRunner = new LambdaRunner({
      functions: [{ ...slowStart, bundleDir: dir }],
      runtimeEnvironment: {},
      log: () => {},
      hooks: { invoked: (invocation) => seen.push(invocation) },
    });
  });

  afterAll(async () => {
    await initRunner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a slow start does not count against the first invocation's timeout; the next one is warm", async () => {
    seen.length = 0;
    expect(await initRunner.invoke(slowStart.name, {})).toEqual({ payload: { ok: true } });
    expect(await initRunner.invoke(slowStart.name, {})).toEqual({ payload: { ok: true } });
    expect(seen.map((i) => i.coldStart)).toEqual([true, false]);
    expect(seen[0]?.initMs).toBeGreaterThanOrEqual(1400);
    expect(seen[1]?.initMs).toBeUndefined();
  });

  it('past the per-function limit an invocation waits its turn, and the wait is reported', async () => {
    seen.length = 0;
    const calls = LOCAL_CONCURRENCY_PER_FUNCTION + 1;
    const asked = performance.now();
    const runningAfterMs: number[] = [];
    const results = await Promise.all(
      Array.from({ length: calls }, () =>
        initRunner.invoke(
          slowStart.name,
          { sleepMs: 400 },
          { onRunning: () => runningAfterMs.push(performance.now() - asked) },
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: calls }, () => ({ payload: { ok: true } })));
    const queued = seen.map((i) => i.queuedMs).sort((a, b) => b - a);
    // One invocation found every sandbox busy and waited for one to finish its 400 ms.
    expect(queued[0]).toBeGreaterThanOrEqual(300);
    expect(queued[1]).toBeLessThan(300);
    // Each caller heard when a sandbox took its invocation: the queued one only after that wait.
    expect(runningAfterMs).toHaveLength(calls);
    expect(Math.max(...runningAfterMs)).toBeGreaterThanOrEqual(300);
  });
});

describe('the DynamoDB calls of a sandbox', () => {
  let dir: string;
  let sandboxRunner: LambdaRunner;
  let fakeDynamoDb: Server;
  let elsewhere: Server;
  const seen: Invocation[] = [];
  const reporter: LocalFunction = { ...fn, logicalId: 'Reporter1A2B3C4D', name: 'Reporter1A2B3C4D' };

  /** Answers a GetItem, and refuses anything else as DynamoDB refuses a failed condition. */
  const answerAsDynamoDb = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (String(req.headers['x-amz-target']).endsWith('.GetItem')) res.writeHead(200).end('{}');
    else
      res
        .writeHead(400, { 'x-amzn-errortype': 'ConditionalCheckFailedException:http://internal.amazon.com/' })
        .end('{}');
  };

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-sandbox-'));
    fakeDynamoDb = createServer(answerAsDynamoDb);
    elsewhere = createServer(answerAsDynamoDb);
    const dynamoDbUrl = await listen(fakeDynamoDb);
    const elsewhereUrl = await listen(elsewhere);
    writeFileSync(
      join(dir, 'index.mjs'),
      `import { request } from 'node:http';
const call = (url, operation) => new Promise((resolve, reject) => {
  const req = request(url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.' + operation } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end('{}');
});
export const handler = async () => {
  await call(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'GetItem');
  await call(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'PutItem');
  await call(${JSON.stringify(elsewhereUrl)}, 'Query');
  return { ok: true };
};
`,
    );
    sandboxRunner = new LambdaRunner({
      functions: [{ ...reporter, bundleDir: dir }],
      runtimeEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: dynamoDbUrl },
      log: () => {},
      hooks: { invoked: (invocation) => seen.push(invocation) },
    });
  });

  afterAll(async () => {
    await sandboxRunner.close();
    fakeDynamoDb.close();
    elsewhere.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the DynamoDB calls of an invocation with their operation, status and refusal, and no other calls', async () => {
    seen.length = 0;
    await sandboxRunner.invoke(reporter.name, {});
    expect(seen).toHaveLength(1);
    expect(seen[0]?.dynamoDbCalls).toEqual([
      { operation: 'GetItem', ms: expect.any(Number), status: 200 },
      {
        operation: 'PutItem',
        ms: expect.any(Number),
        status: 400,
        errorType: 'ConditionalCheckFailedException',
      },
    ]);
  });
});
