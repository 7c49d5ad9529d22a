import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import { asyncInvoker, sdkAppIdOf } from '../../../infra/local/lambda-runner.js';
import {
  AwsCallLog,
  type AwsService,
  SDK_DEFAULT_ATTEMPTS,
  UNKNOWN_CALLER,
} from '../../../infra/local/services/aws-calls.js';
import { type AwsFront, startAwsFront } from '../../../infra/local/services/aws-front.js';
import { LocalFaults, UnknownFunctionError } from '../../../infra/local/services/local-faults.js';
import { isTransientAwsError } from '../../../shared/adapters/aws-errors.js';

/** A stand-in for every local service: answers 200 with what each protocol expects, and counts. */
let upstream: Server;
let upstreamUrl = '';
const received: string[] = [];

const functions = [
  { logicalId: 'RequestDecisionA1B2C3D4', name: 'RequestDecisionA1B2C3D4' },
  { logicalId: 'NotifyPayment9F8E7D6C', name: 'NotifyPayment9F8E7D6C' },
];
const calls = new AwsCallLog();
const faults = new LocalFaults(functions);
const fronts = new Map<AwsService, AwsFront>();

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      received.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/v2/email')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ MessageId: 'm-1' }));
      } else if (req.headers['x-amz-target']) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}');
      } else if (body.includes('Action=Publish')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<PublishResponse><PublishResult><MessageId>p-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>',
        );
      } else {
        res.writeHead(200, { etag: '"abc"', 'content-length': '5' });
        res.end('hello');
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  for (const service of ['sesv2', 'sns', 'sfn', 's3'] as const) {
    const front = await startAwsFront({
      service,
      target: upstreamUrl,
      faults,
      calls,
      callerOf: (appId) => functions.find((f) => sdkAppIdOf(f) === appId)?.logicalId,
    });
    fronts.set(service, front);
  }
});

afterAll(async () => {
  await Promise.all([...fronts.values()].map((f) => f.close()));
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

afterEach(() => {
  faults.clear();
  calls.clear();
  received.length = 0;
});

const fast = { maxAttempts: SDK_DEFAULT_ATTEMPTS };
const clientConfig = (service: AwsService, appId?: string) => ({
  endpoint: fronts.get(service)?.url,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  ...(appId ? { userAgentAppId: appId } : {}),
  ...fast,
});

const mail = new SendEmailCommand({
  FromEmailAddress: 'bureau@example.org',
  Destination: { ToAddresses: ['chief@example.org'] },
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
});

describe('the AWS front', () => {
  it('forwards a call and logs its service, operation, calling function and outcome', async () => {
    const ses = new SESv2Client(clientConfig('sesv2', 'RequestDecisionA1B2C3D4'));
    const answer = await ses.send(mail);
    expect(answer.MessageId).toBe('m-1');
    expect(calls.all).toEqual([
      expect.objectContaining({
        seq: 1,
        service: 'sesv2',
        operation: 'SendEmail',
        caller: 'RequestDecisionA1B2C3D4',
        outcome: 'ok',
        status: 200,
      }),
    ]);
  });

  it("knows the calling function when Powertools has appended its marker to the function's app id", async () => {
    const ses = new SESv2Client(clientConfig('sesv2', 'RequestDecisionA1B2C3D4/PT/NO-OP/2.36.0/PTEnv/NA'));
    await ses.send(mail);
    expect(calls.all).toEqual([
      expect.objectContaining({ caller: 'RequestDecisionA1B2C3D4', outcome: 'ok' }),
    ]);
  });

  it('names an SDK client without an app id as an unknown caller', async () => {
    const sfn = new SFNClient(clientConfig('sfn'));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));
    expect(calls.where({ operation: 'SendTaskSuccess' })).toEqual([
      expect.objectContaining({ caller: UNKNOWN_CALLER, outcome: 'ok' }),
    ]);
  });

  it('fails every SDK attempt of an armed call, so the error reaches the function, and then lets calls through', async () => {
    const fault = faults.arm({ caller: 'RequestDecision', service: 'sesv2', operation: 'SendEmail' });
    const ses = new SESv2Client(clientConfig('sesv2', 'RequestDecisionA1B2C3D4'));
    const error = await ses
      .send(mail)
      .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
    expect(error).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    expect(isTransientAwsError(error)).toBe(true);
    expect(fault).toMatchObject({ fired: SDK_DEFAULT_ATTEMPTS, remaining: 0 });
    expect(received).toEqual([]);
    await ses.send(mail);
    expect(calls.where({ operation: 'SendEmail' }).map((c) => c.outcome)).toEqual([
      'injected',
      'injected',
      'injected',
      'ok',
    ]);
  });

  it('fails only the armed function, service and operation', async () => {
    faults.arm({ caller: 'NotifyPayment9F8E7D6C', service: 'sns', operation: 'Publish', failures: 1 });
    const other = new SNSClient(clientConfig('sns', 'RequestDecisionA1B2C3D4'));
    await other.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:0:T', Message: 'm' }));
    const ses = new SESv2Client(clientConfig('sesv2', 'NotifyPayment9F8E7D6C'));
    await ses.send(mail);
    expect(calls.count({ outcome: 'injected' })).toBe(0);
    const sns = new SNSClient(clientConfig('sns', 'NotifyPayment9F8E7D6C'));
    // One failure only: the SDK's second attempt goes through.
    const published = await sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:0:T', Message: 'm' }),
    );
    expect(published.MessageId).toBe('p-1');
    expect(calls.where({ caller: 'NotifyPayment9F8E7D6C', service: 'sns' }).map((c) => c.outcome)).toEqual([
      'injected',
      'ok',
    ]);
    expect(calls.where({ caller: 'NotifyPayment9F8E7D6C', service: 'sns' })[0]?.errorCode).toBe(
      'ServiceUnavailable',
    );
  });

  it('answers throttling in each protocol with an error the SDK and the workflow take as transient', async () => {
    const id = 'RequestDecisionA1B2C3D4';
    faults.arm({ caller: id, service: 'sfn', operation: 'SendTaskSuccess', error: 'throttled' });
    faults.arm({ caller: id, service: 's3', operation: 'PutObject', error: 'throttled' });
    faults.arm({ caller: id, service: 'sns', operation: 'Publish', error: 'throttled' });
    faults.arm({ caller: id, service: 'sesv2', operation: 'SendEmail', error: 'throttled' });
    const s3 = new S3Client({ ...clientConfig('s3', id), forcePathStyle: true });
    const errors = await Promise.all([
      new SFNClient(clientConfig('sfn', id))
        .send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }))
        .catch((e: unknown) => e),
      s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })).catch((e: unknown) => e),
      new SNSClient(clientConfig('sns', id))
        .send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:0:T', Message: 'm' }))
        .catch((e: unknown) => e),
      new SESv2Client(clientConfig('sesv2', id)).send(mail).catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'ThrottlingException',
      'SlowDown',
      'Throttling',
      'TooManyRequestsException',
    ]);
    expect(errors.every(isTransientAwsError)).toBe(true);
    expect(calls.count({ outcome: 'injected' })).toBe(4 * SDK_DEFAULT_ATTEMPTS);
    // S3 reads are not the armed operation and pass.
    const object = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(await object.Body?.transformToString()).toBe('hello');
    expect(calls.where({ service: 's3', outcome: 'ok' }).map((c) => c.operation)).toEqual(['GetObject']);
  });
});

describe('the fault facility', () => {
  it('refuses a fault naming no function, or several', () => {
    expect(() => faults.arm({ caller: 'Nobody', service: 'sns', operation: 'Publish' })).toThrow(
      UnknownFunctionError,
    );
    const ambiguous = new LocalFaults([
      ...functions,
      { logicalId: 'RequestDecisionZ', name: 'RequestDecisionZ' },
    ]);
    expect(() => ambiguous.arm({ mode: 'duplicate', function: 'RequestDecision' })).toThrow(
      /names 2 functions/,
    );
  });

  it('duplicates as many invocations as armed, then none', () => {
    const fault = faults.arm({ mode: 'duplicate', function: 'NotifyPayment', invocations: 2 });
    const taken = [1, 2, 3].map(() => faults.takeDuplicate('NotifyPayment9F8E7D6C') !== undefined);
    expect(taken).toEqual([true, true, false]);
    expect(fault.fired).toBe(2);
    expect(faults.takeDuplicate('RequestDecisionA1B2C3D4')).toBeUndefined();
  });
});

describe('asynchronous invocation', () => {
  it('retries a failed invocation twice and returns the first success', async () => {
    const outcomes = [
      { errorType: 'TransientError', errorMessage: 'first' },
      { errorType: 'TransientError', errorMessage: 'second' },
      { payload: 'done' },
    ];
    let invocations = 0;
    const invoke = asyncInvoker(async () => outcomes[invocations++] ?? { payload: 'extra' }, {
      delaysMs: [1, 1],
    });
    expect(await invoke('RecordUpload', {})).toEqual({ payload: 'done' });
    expect(invocations).toBe(3);
  });

  it('gives up after two retries with the last error', async () => {
    let invocations = 0;
    const invoke = asyncInvoker(
      async () => {
        invocations += 1;
        return { errorType: 'Boom', errorMessage: `attempt ${invocations}` };
      },
      { delaysMs: [1, 1] },
    );
    expect(await invoke('RecordUpload', {})).toEqual({ errorType: 'Boom', errorMessage: 'attempt 3' });
    expect(invocations).toBe(3);
  });

  it('gives a long logical id a short app id the SDK accepts', () => {
    const long = { logicalId: `${'X'.repeat(60)}Function` };
    expect(sdkAppIdOf(long).length).toBeLessThanOrEqual(50);
    expect(sdkAppIdOf(long)).not.toBe(sdkAppIdOf({ logicalId: `${'X'.repeat(60)}Other` }));
    expect(sdkAppIdOf({ logicalId: 'ShortOne' })).toBe('ShortOne');
  });
});
