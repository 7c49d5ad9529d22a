import { afterEach, describe, expect, it } from 'vitest';
import type { DevIssuer } from '../../../infra/local/dev-auth.js';
import { INTEGRATION_TIMEOUT_MS, LocalHttpApi } from '../../../infra/local/http-api.js';
import {
  checkEnvironmentSize,
  InvalidParameterValueException,
  MAX_ASYNC_REQUEST_BYTES,
  MAX_ENVIRONMENT_BYTES,
  MAX_SYNC_REQUEST_BYTES,
  MAX_SYNC_RESPONSE_BYTES,
} from '../../../infra/local/lambda-limits.js';
import { asyncInvoker, type LambdaInvoker } from '../../../infra/local/lambda-runner.js';

/** Lambda's and API Gateway's quotas as the local runtime enforces them. */

describe("Lambda's quotas", () => {
  it("are AWS's figures: 6 MB synchronous (100 bytes more for a response), 256 KB asynchronous, 4 KB of environment", () => {
    expect([MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES]).toEqual([6_291_456, 6_291_556]);
    expect([MAX_ASYNC_REQUEST_BYTES, MAX_ENVIRONMENT_BYTES]).toEqual([262_144, 4096]);
  });

  it('refuses a function whose environment is over 4 KB, as CreateFunction does, and takes one that fits', () => {
    const settings = { POLICY_SETTINGS: 'p'.repeat(2000), LIFECYCLE_SETTINGS: 'l'.repeat(2000) };

    expect(() => checkEnvironmentSize('RequestDecision', settings)).not.toThrow();
    expect(() =>
      checkEnvironmentSize('RequestDecision', { ...settings, TABLE_NAME: 't'.repeat(100) }),
    ).toThrow(InvalidParameterValueException);
    expect(() =>
      checkEnvironmentSize('RequestDecision', { ...settings, TABLE_NAME: 't'.repeat(100) }),
    ).toThrow(/exceeded the 4KB limit\. Function RequestDecision: 41\d\d bytes measured/);
  });

  it('refuses an asynchronous event over 256 KB without invoking the function', async () => {
    const invoked: unknown[] = [];
    const invoke: LambdaInvoker = async (_name, payload) => {
      invoked.push(payload);
      return { payload: 'ok' };
    };
    const async = asyncInvoker(invoke, { delaysMs: [] });

    const refused = await async('RecordUpload', { Records: ['r'.repeat(MAX_ASYNC_REQUEST_BYTES)] });
    const taken = await async('RecordUpload', { Records: ['small'] });

    expect(refused).toEqual({
      errorType: 'RequestEntityTooLargeException',
      errorMessage: 'Request must be smaller than 262144 bytes for the InvokeAsync operation',
    });
    expect(taken).toEqual({ payload: 'ok' });
    expect(invoked).toHaveLength(1);
  });
});

describe("the HTTP API's integration timeout", () => {
  let api: LocalHttpApi | undefined;
  afterEach(async () => {
    await api?.close();
  });

  /** An API with one route whose function starts after `queuedMs` and answers after `runMs`. */
  async function apiWith(queuedMs: number, runMs: number, integrationTimeoutMs: number) {
    const invoke: LambdaInvoker = async (_name, _payload, options) => {
      await new Promise((r) => setTimeout(r, queuedMs));
      options?.onRunning?.();
      await new Promise((r) => setTimeout(r, runMs));
      return { payload: { statusCode: 200, body: 'decided' } };
    };
    api = new LocalHttpApi();
    const url = await api.listen(0);
    api.serve({
      routes: [
        {
          apiId: 'api',
          method: 'POST',
          path: '/tasks/{taskId}',
          routeKey: 'POST /tasks/{taskId}',
          functionName: 'TaskLink',
          authorizer: { kind: 'none' },
        },
      ],
      invoke,
      devIssuer: { issuer: `${url}/dev-issuer` } as DevIssuer,
      integrationTimeoutMs,
    });
    return url;
  }

  it('is 30 seconds, as for every HTTP API', () => {
    expect(INTEGRATION_TIMEOUT_MS).toBe(30_000);
  });

  it('answers 503 Service Unavailable when the function runs past it', async () => {
    const url = await apiWith(0, 400, 100);

    const response = await fetch(`${url}/tasks/t1`, { method: 'POST', body: 'decision=APPROVE' });

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('counts from when a sandbox takes the call, not while it waits in the local queue', async () => {
    const url = await apiWith(300, 20, 100);

    const response = await fetch(`${url}/tasks/t1`, { method: 'POST', body: 'decision=APPROVE' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('decided');
  });
});
