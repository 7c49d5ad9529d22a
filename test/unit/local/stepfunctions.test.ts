import {
  ConflictException,
  CreateStateMachineAliasCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  PublishStateMachineVersionCommand,
  ResourceNotFound,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LambdaInvoker,
  LocalStepFunctions,
  type SnsPublisher,
} from '../../../infra/local/stepfunctions/index.js';
import { modelProblems } from '../../support/sfn-api-model.js';

const ACCOUNT = '000000000000';
const smArn = (name: string) => `arn:aws:states:local:${ACCOUNT}:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:local:${ACCOUNT}:function:${name}`;

interface Invocation {
  functionName: string;
  payload: Record<string, unknown>;
}

let invocations: Invocation[];
let lambdaBehaviour: (functionName: string, payload: Record<string, unknown>) => ReturnType<LambdaInvoker>;
let logLines: string[];
let published: Record<string, unknown>[];
let sfn: LocalStepFunctions;
let client: SFNClient;
let endpoint: { url: string; close(): Promise<void> };

/** How long an invocation waits for a free sandbox before it runs (the runner's local queue). */
let queuedMs: number;
const invokeLambda: LambdaInvoker = async (functionName, payload, options) => {
  invocations.push({ functionName, payload: payload as Record<string, unknown> });
  if (queuedMs > 0) await new Promise((r) => setTimeout(r, queuedMs));
  options?.onRunning?.();
  return lambdaBehaviour(functionName, payload as Record<string, unknown>);
};
const publishSns: SnsPublisher = async (params) => {
  published.push(params);
  return { MessageId: `msg-${published.length}` };
};

beforeEach(async () => {
  invocations = [];
  queuedMs = 0;
  published = [];
  logLines = [];
  lambdaBehaviour = async (_name, payload) => ({ payload: { echoed: payload } });
  sfn = new LocalStepFunctions({
    invokeLambda,
    publishSns,
    clock: { msPerSecond: 1 },
    log: (l) => logLines.push(l),
  });
  endpoint = await sfn.listen(0);
  client = new SFNClient({
    endpoint: endpoint.url,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  await sfn.stopAllExecutions();
  client.destroy();
  await endpoint.close();
});

function register(name: string, definition: object): string {
  sfn.registerStateMachine({ arn: smArn(name), name, definition });
  return smArn(name);
}

async function start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
  const out = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return out.executionArn ?? '';
}

async function finished(executionArn: string) {
  await sfn.idle();
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  return { ...described, outputJson: described.output ? JSON.parse(described.output) : undefined };
}

/** Waits until `probe` yields a value (e.g. the Lambda has received its task token). */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tokenSentTo = (functionName: string, nth = 0) =>
  until(() => invocations.filter((i) => i.functionName === functionName)[nth]?.payload.taskToken as string);

/**
 * requestApproval: e-mails an officer and waits for the decision the link posts back. `replace` overrides
 * fields of that Task (undefined removes one); `moreStates` adds the states it leads to.
 */
function approvalDefinition(
  replace: Record<string, unknown> = { End: true },
  moreStates: Record<string, unknown> = {},
) {
  const requestApproval = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: fnArn('requestApproval'),
      Payload: { 'purchaseId.$': '$.purchaseId', 'taskToken.$': '$$.Task.Token' },
    },
    TimeoutSeconds: 3600,
    ResultPath: '$.decision',
    ...replace,
  };
  return {
    StartAt: 'RequestApproval',
    States: {
      ...moreStates,
      RequestApproval: Object.fromEntries(Object.entries(requestApproval).filter(([, v]) => v !== undefined)),
    },
  };
}

describe('LocalStepFunctions through the real SFN client', () => {
  it('returns the lambda:invoke envelope so ResultSelector can pick the Payload', async () => {
    lambdaBehaviour = async () => ({ payload: { reservedFen: 1_230_000 } });
    const arn = register('Reserve', {
      StartAt: 'ReserveBudget',
      States: {
        ReserveBudget: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('reserveBudget'), 'Payload.$': '$' },
          ResultSelector: { 'reservation.$': '$.Payload', 'status.$': '$.StatusCode' },
          ResultPath: '$.budget',
          End: true,
        },
      },
    });

    const executionArn = await start(arn, { purchaseId: 'P-1' }, 'P-1');
    const result = await finished(executionArn);

    expect(executionArn).toBe(`arn:aws:states:local:${ACCOUNT}:execution:Reserve:P-1`);
    expect(invocations).toEqual([{ functionName: 'reserveBudget', payload: { purchaseId: 'P-1' } }]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.startDate).toBeInstanceOf(Date);
    expect(result.stopDate).toBeInstanceOf(Date);
    expect(result.outputJson).toEqual({
      purchaseId: 'P-1',
      budget: { reservation: { reservedFen: 1_230_000 }, status: 200 },
    });
  });

  it('records an AWS-like history with task scheduling and the execution result', async () => {
    const arn = register('History', {
      StartAt: 'ReserveBudget',
      States: {
        ReserveBudget: { Type: 'Task', Resource: fnArn('reserveBudget'), Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await start(arn, { purchaseId: 'P-2' });
    await finished(executionArn);

    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[2]?.taskScheduledEventDetails?.resource).toBe(fnArn('reserveBudget'));
    expect(JSON.parse(events[8]?.executionSucceededEventDetails?.output ?? 'null')).toEqual({
      echoed: { purchaseId: 'P-2' },
    });
  });

  it('resumes a waitForTaskToken task with the output sent by SendTaskSuccess', async () => {
    const arn = register('Approval', approvalDefinition());
    const executionArn = await start(arn, { purchaseId: 'P-3' });

    const token = await tokenSentTo('requestApproval');
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    const result = await finished(executionArn);

    expect(token.length).toBeGreaterThanOrEqual(64);
    expect(invocations[0]?.payload.purchaseId).toBe('P-3');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson).toEqual({ purchaseId: 'P-3', decision: { approved: true } });
  });

  it('answers TaskTimedOut to a second callback with the same token and InvalidToken to a token never issued', async () => {
    const arn = register('ApprovalTwice', approvalDefinition());
    await start(arn, { purchaseId: 'P-4' });
    const token = await tokenSentTo('requestApproval');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));

    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":false}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: 'never-issued-token', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
  });

  it('fails a waiting task with the error of SendTaskFailure, which Catch matches by name', async () => {
    const arn = register(
      'Rejection',
      approvalDefinition(
        {
          Next: 'Approved',
          Catch: [{ ErrorEquals: ['ApprovalRejected'], ResultPath: '$.rejection', Next: 'Rejected' }],
        },
        { Approved: { Type: 'Succeed' }, Rejected: { Type: 'Pass', End: true } },
      ),
    );
    const executionArn = await start(arn, { purchaseId: 'P-5' });
    const token = await tokenSentTo('requestApproval');

    await client.send(
      new SendTaskFailureCommand({
        taskToken: token,
        error: 'ApprovalRejected',
        cause: 'budget line exhausted',
      }),
    );
    const result = await finished(executionArn);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson).toEqual({
      purchaseId: 'P-5',
      rejection: { Error: 'ApprovalRejected', Cause: 'budget line exhausted' },
    });
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      error: 'ApprovalRejected',
      cause: 'budget line exhausted',
    });
    expect(events.map((e) => e.type)).not.toContain('TaskSucceeded');
  });
});

describe('LocalStepFunctions time limits follow the local clock', () => {
  it('times a callback out after TimeoutSeconds scaled by the clock, as States.Timeout (not States.TaskFailed)', async () => {
    sfn.setClock({ msPerSecond: 2 });
    const arn = register(
      'Reminder',
      approvalDefinition(
        {
          TimeoutSeconds: 300,
          Next: 'Approved',
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Broken' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'SendReminder' },
          ],
        },
        {
          Approved: { Type: 'Succeed' },
          Broken: { Type: 'Fail' },
          SendReminder: { Type: 'Pass', End: true },
        },
      ),
    );
    const began = Date.now();
    const executionArn = await start(arn, { purchaseId: 'P-6' });
    const token = await tokenSentTo('requestApproval');
    const result = await finished(executionArn);
    const elapsed = Date.now() - began;

    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson.timeout).toMatchObject({ Error: 'States.Timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3000);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it("keeps a plain invocation's TimeoutSeconds in real time: a fast clock speeds up people, not functions", async () => {
    sfn.setClock({ msPerSecond: 1 }); // scaled, 1 s would be 1 ms
    const invokeWithin = (seconds: number) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn('recordUpload'), 'Payload.$': '$' },
      TimeoutSeconds: seconds,
      End: true,
    });
    const slow = register('SlowButInTime', { StartAt: 'Record', States: { Record: invokeWithin(1) } });
    lambdaBehaviour = () => new Promise((r) => setTimeout(() => r({ payload: { recorded: true } }), 300));
    const inTime = await finished(await start(slow, {}));

    const stuck = register('Stuck', { StartAt: 'Record', States: { Record: invokeWithin(1) } });
    lambdaBehaviour = () => new Promise(() => {});
    const began = Date.now();
    const timedOut = await finished(await start(stuck, {}));

    expect(inTime.status).toBe('SUCCEEDED');
    expect(inTime.outputJson).toMatchObject({ Payload: { recorded: true } });
    expect(timedOut.status).toBe('FAILED');
    expect(timedOut.error).toBe('States.Timeout');
    expect(Date.now() - began).toBeGreaterThanOrEqual(950);
  });

  it("starts a plain invocation's TimeoutSeconds when a sandbox runs it, not while it waits in the local queue", async () => {
    const arn = register('Queued', {
      StartAt: 'Reserve',
      States: {
        Reserve: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('reserveBudget'), 'Payload.$': '$' },
          TimeoutSeconds: 1,
          End: true,
        },
      },
    });
    queuedMs = 1500; // longer than the task's limit: on AWS, Lambda would have scaled out instead
    lambdaBehaviour = () => new Promise((r) => setTimeout(() => r({ payload: { reserved: true } }), 300));
    const queued = await finished(await start(arn, {}));

    lambdaBehaviour = () => new Promise((r) => setTimeout(() => r({ payload: { reserved: true } }), 1500));
    const queuedThenSlow = await finished(await start(arn, {}));

    expect(queued.status).toBe('SUCCEEDED');
    expect(queued.outputJson).toMatchObject({ Payload: { reserved: true } });
    expect(queuedThenSlow.status).toBe('FAILED');
    expect(queuedThenSlow.error).toBe('States.Timeout');
  });

  it('keeps waiting through a 40-day Wait instead of firing at once, then goes on', async () => {
    sfn.setClock({ msPerSecond: 0.0003 }); // 40 days = 3,456,000 s -> about 1 s
    const arn = register('MidTermDue', {
      StartAt: 'UntilMidTermDue',
      States: {
        UntilMidTermDue: { Type: 'Wait', Seconds: 40 * 24 * 3600, Next: 'RequestMidTermReport' },
        RequestMidTermReport: { Type: 'Pass', Result: 'requested', End: true },
      },
    });
    const began = Date.now();
    const executionArn = await start(arn, {});
    await new Promise((r) => setTimeout(r, 150));
    const midway = await client.send(new DescribeExecutionCommand({ executionArn }));
    const result = await finished(executionArn);

    expect(midway.status).toBe('RUNNING');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson).toBe('requested');
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.map((e) => e.type)).toContain('WaitStateExited');
  });

  it('waits for SecondsPath from the state input and a clock change speeds up a wait already running', async () => {
    sfn.setClock({ msPerSecond: 1000 });
    const arn = register('Cooling', {
      StartAt: 'CoolingOff',
      States: { CoolingOff: { Type: 'Wait', SecondsPath: '$.coolingOffSeconds', End: true } },
    });
    const executionArn = await start(arn, { coolingOffSeconds: 3600 });
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    const began = Date.now();
    sfn.setClock({ msPerSecond: 0.05 }); // the remaining hour now lasts about 0.18 s
    const result = await finished(executionArn);

    expect(result.status).toBe('SUCCEEDED');
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('reads TimeoutSecondsPath from the state input without showing the Lambda anything extra', async () => {
    sfn.setClock({ msPerSecond: 2 });
    const arn = register(
      'PathTimeout',
      approvalDefinition(
        {
          TimeoutSeconds: undefined,
          TimeoutSecondsPath: '$.limits.approvalSeconds',
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Lapsed' }],
          Next: 'Done',
        },
        { Done: { Type: 'Succeed' }, Lapsed: { Type: 'Pass', End: true } },
      ),
    );
    const began = Date.now();
    const executionArn = await start(arn, { purchaseId: 'P-16', limits: { approvalSeconds: 150 } });
    await tokenSentTo('requestApproval');
    const result = await finished(executionArn);

    expect(Object.keys(invocations[0]?.payload ?? {}).sort()).toEqual(['purchaseId', 'taskToken']);
    expect(result.outputJson.timeout).toMatchObject({ Error: 'States.Timeout' });
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
  });

  it('keeps a callback alive while heartbeats arrive within HeartbeatSeconds', async () => {
    sfn.setClock({ msPerSecond: 10 }); // heartbeat limit of 100 s = 1 s, beats every 0.1 s
    const arn = register('Heartbeat', approvalDefinition({ HeartbeatSeconds: 100, End: true }));
    const executionArn = await start(arn, { purchaseId: 'P-17' });
    const token = await tokenSentTo('requestApproval');
    for (let beat = 0; beat < 5; beat++) {
      await new Promise((r) => setTimeout(r, 100));
      await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    const result = await finished(executionArn);

    expect(result.status).toBe('SUCCEEDED');
  });

  it('times a callback out when heartbeats stop for longer than HeartbeatSeconds', async () => {
    sfn.setClock({ msPerSecond: 2 });
    const arn = register('NoHeartbeat', approvalDefinition({ HeartbeatSeconds: 100, End: true }));
    const executionArn = await start(arn, { purchaseId: 'P-18' });
    const result = await finished(executionArn);

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('waits until a TimestampPath instant, scaled by the clock', async () => {
    sfn.setClock({ msPerSecond: 0.1 }); // one hour ahead = 0.36 s
    const arn = register('DueDate', {
      StartAt: 'UntilDue',
      States: { UntilDue: { Type: 'Wait', TimestampPath: '$.dueAt', End: true } },
    });
    const began = Date.now();
    const result = await finished(
      await start(arn, { dueAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );

    expect(result.status).toBe('SUCCEEDED');
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    expect(Date.now() - began).toBeLessThan(3000);
  });

  it('keeps a time of its own from clock.startsAt: dates, history, `$$.Execution.StartTime` and Timestamp waits read it', async () => {
    const DAY_MS = 86_400_000;
    const own = new LocalStepFunctions({
      invokeLambda,
      clock: { msPerSecond: 0.0001, startsAt: '2027-01-01T00:00:00.000Z' }, // a real 0.26 s is 30 days
    });
    const arn = smArn('OwnTime');
    own.registerStateMachine({
      arn,
      name: 'OwnTime',
      definition: {
        StartAt: 'Note start',
        States: {
          'Note start': {
            Type: 'Pass',
            Parameters: { 'startedAt.$': '$$.Execution.StartTime', 'until.$': '$.until' },
            Next: 'Until then',
          },
          'Until then': { Type: 'Wait', TimestampPath: '$.until', End: true },
        },
      },
    });
    // The first start of an engine probes the library once, which takes a real while (days of its time).
    const warmUp = await own.startExecution({
      stateMachineArn: arn,
      input: JSON.stringify({ until: '2027-01-01T00:00:00Z' }),
    });
    await own.idle();
    // Its dates are the engine's own: from startsAt on, never past the engine's now (how far the
    // warm-up went depends on how busy the machine is: a real 0.5 s is 58 days here).
    const warmStart = (await own.describeExecution(warmUp)).startDate.getTime();
    expect(warmStart).toBeGreaterThanOrEqual(Date.parse('2027-01-01T00:00:00.000Z'));
    expect(warmStart).toBeLessThanOrEqual(own.now().getTime());

    const until = new Date(own.now().getTime() + 60 * DAY_MS).toISOString();
    const began = Date.now();
    const { executionArn } = await own.startExecution({
      stateMachineArn: arn,
      input: JSON.stringify({ until }),
    });
    await own.idle();
    const described = await own.describeExecution({ executionArn });
    const { events } = await own.getExecutionHistory({ executionArn });

    expect(Date.now() - began).toBeLessThan(3000);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '{}').startedAt).toBe(described.startDate.toISOString());
    expect(described.startDate.getTime()).toBeLessThan(Date.parse(until));
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(events.at(-1)?.timestamp.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('scales Retry intervals: a Lambda error name is retried after IntervalSeconds on the clock, then succeeds', async () => {
    let calls = 0;
    lambdaBehaviour = async () => {
      calls += 1;
      return calls === 1
        ? { errorType: 'BudgetLockBusy', errorMessage: 'try again' }
        : { payload: { reserved: true } };
    };
    const arn = register('RetryReserve', {
      StartAt: 'ReserveBudget',
      States: {
        ReserveBudget: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'reserveBudget', 'Payload.$': '$' },
          Retry: [{ ErrorEquals: ['BudgetLockBusy'], IntervalSeconds: 60, MaxAttempts: 2 }],
          OutputPath: '$.Payload',
          End: true,
        },
      },
    });
    const began = Date.now();
    const result = await finished(await start(arn, {}));

    expect(calls).toBe(2);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson).toEqual({ reserved: true });
    expect(Date.now() - began).toBeGreaterThanOrEqual(55);
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('fails the execution with TIMED_OUT when the top-level TimeoutSeconds passes', async () => {
    const arn = register('Deadline', { ...approvalDefinition(), TimeoutSeconds: 100 });
    const executionArn = await start(arn, { purchaseId: 'P-7' });
    const token = await tokenSentTo('requestApproval');
    const result = await finished(executionArn);

    expect(result.status).toBe('TIMED_OUT');
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.at(-1)?.type).toBe('ExecutionTimedOut');
  });
});

describe('LocalStepFunctions task resources', () => {
  it('surfaces a Lambda error under its errorType to Catch, with the message in the Cause', async () => {
    lambdaBehaviour = async () => ({ errorType: 'ValidationError', errorMessage: 'salary below benchmark' });
    const arn = register('Validate', {
      StartAt: 'ValidateProposal',
      States: {
        ValidateProposal: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('validateProposal'), 'Payload.$': '$' },
          Catch: [{ ErrorEquals: ['ValidationError'], ResultPath: '$.problem', Next: 'Refused' }],
          End: true,
        },
        Refused: { Type: 'Pass', End: true },
      },
    });
    const result = await finished(await start(arn, { purchaseId: 'P-8' }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson.problem.Error).toBe('ValidationError');
    expect(JSON.parse(result.outputJson.problem.Cause)).toMatchObject({
      errorMessage: 'salary below benchmark',
    });
  });

  it('fails a callback task whose Lambda fails, under the Lambda errorType, without waiting for a callback', async () => {
    lambdaBehaviour = async () => ({ errorType: 'MailRejected', errorMessage: 'no such officer mailbox' });
    const arn = register(
      'MailFails',
      approvalDefinition(
        { Catch: [{ ErrorEquals: ['MailRejected'], ResultPath: '$.mail', Next: 'Escalate' }], Next: 'Done' },
        {
          Done: { Type: 'Succeed' },
          Escalate: {
            Type: 'Pass',
            Parameters: { 'enteredAt.$': '$$.State.EnteredTime', 'error.$': '$.mail.Error' },
            End: true,
          },
        },
      ),
    );
    const result = await finished(await start(arn, { purchaseId: 'P-14' }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson.error).toBe('MailRejected');
    expect(Date.parse(result.outputJson.enteredAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('gives each Map iteration its own task token and collects the callbacks in item order', async () => {
    const arn = register('Evaluations', {
      StartAt: 'ScoreEachProject',
      States: {
        ScoreEachProject: {
          Type: 'Map',
          ItemsPath: '$.projects',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'RequestScore',
            States: {
              RequestScore: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                Parameters: {
                  FunctionName: 'requestScore',
                  Payload: { 'project.$': '$', 'taskToken.$': '$$.Task.Token' },
                },
                TimeoutSeconds: 86_400,
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(arn, { projects: ['elderly-care', 'minor-protection', 'rural'] });
    await until(() => (invocations.length === 3 ? true : undefined));

    const tokens = invocations.map((i) => i.payload.taskToken as string);
    for (const { payload } of [...invocations].reverse()) {
      await client.send(
        new SendTaskSuccessCommand({
          taskToken: payload.taskToken as string,
          output: JSON.stringify({ scored: payload.project }),
        }),
      );
    }
    const result = await finished(executionArn);

    expect(new Set(tokens).size).toBe(3);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson).toEqual([
      { scored: 'elderly-care' },
      { scored: 'minor-protection' },
      { scored: 'rural' },
    ]);
  });

  it('stops a Map at the first failed iteration: later items never start and Catch gets the iteration error', async () => {
    const arn = register('ApprovalChain', {
      StartAt: 'AskEachLevel',
      States: {
        AskEachLevel: {
          Type: 'Map',
          ItemsPath: '$.levels',
          MaxConcurrency: 1,
          ItemSelector: {
            'level.$': '$$.Map.Item.Value',
            'position.$': '$$.Map.Item.Index',
            'purchaseId.$': '$.purchaseId',
          },
          ItemProcessor: {
            StartAt: 'AskApprover',
            States: {
              AskApprover: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                Parameters: {
                  FunctionName: 'requestDecision',
                  Payload: { 'ask.$': '$', 'taskToken.$': '$$.Task.Token' },
                },
                Next: 'Approved?',
              },
              'Approved?': {
                Type: 'Choice',
                Choices: [{ Variable: '$.decision', StringEquals: 'APPROVE', Next: 'LevelApproved' }],
                Default: 'LevelRejected',
              },
              LevelApproved: { Type: 'Succeed' },
              LevelRejected: { Type: 'Fail', Error: 'PurchaseRejected', Cause: 'an approver said no' },
            },
          },
          Catch: [{ ErrorEquals: ['PurchaseRejected'], ResultPath: '$.failure', Next: 'Rejected' }],
          End: true,
        },
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(arn, {
      purchaseId: 'P-15',
      levels: ['SECTION_CHIEF', 'FINANCE', 'DIRECTOR'],
    });
    const first = await tokenSentTo('requestDecision');
    await client.send(new SendTaskSuccessCommand({ taskToken: first, output: '{"decision":"APPROVE"}' }));
    const second = await tokenSentTo('requestDecision', 1);
    await client.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"decision":"REJECT"}' }));
    const result = await finished(executionArn);

    expect(invocations.map((i) => i.payload.ask)).toEqual([
      { level: 'SECTION_CHIEF', position: 0, purchaseId: 'P-15' },
      { level: 'FINANCE', position: 1, purchaseId: 'P-15' },
    ]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputJson.failure).toEqual({ Error: 'PurchaseRejected', Cause: 'an approver said no' });
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events.map((e) => e.type);
    expect(types).toContain('MapStateEntered');
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(2);
    expect(types).toContain('MapIterationFailed');
  });

  it('runs Tasks inside Parallel branches, a bare Lambda ARN resource and sns:publish', async () => {
    const arn = register('Notify', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'RecordPayment',
              States: { RecordPayment: { Type: 'Task', Resource: fnArn('recordPayment'), End: true } },
            },
            {
              StartAt: 'NotifyFinance',
              States: {
                NotifyFinance: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::sns:publish',
                  Parameters: {
                    TopicArn: 'arn:aws:sns:local:000000000000:finance',
                    'Message.$': '$.tranche',
                  },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    });
    const result = await finished(await start(arn, { tranche: 'first' }));

    expect(result.status).toBe('SUCCEEDED');
    expect(invocations).toEqual([{ functionName: 'recordPayment', payload: { tranche: 'first' } }]);
    expect(published).toEqual([{ TopicArn: 'arn:aws:sns:local:000000000000:finance', Message: 'first' }]);
    expect(result.outputJson).toEqual([{ echoed: { tranche: 'first' } }, { MessageId: 'msg-1' }]);
  });
});

describe('LocalStepFunctions executions', () => {
  it('treats an execution name as unique: same input while running is the same execution, anything else is refused', async () => {
    const arn = register('Purchase', approvalDefinition());
    const first = await client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'P-9', input: '{"purchaseId":"P-9"}' }),
    );
    const again = await client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'P-9', input: '{ "purchaseId": "P-9" }' }),
    );

    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(start(arn, { purchaseId: 'other' }, 'P-9')).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const token = await tokenSentTo('requestApproval');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await finished(first.executionArn ?? '');
    await expect(start(arn, { purchaseId: 'P-9' }, 'P-9')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(invocations).toHaveLength(1);
  });

  it('refuses an invalid execution name and an unknown state machine', async () => {
    const arn = register('Names', approvalDefinition());

    await expect(start(arn, {}, 'has space')).rejects.toBeInstanceOf(InvalidName);
    await expect(start(smArn('Missing'), {})).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('stops a waiting execution: ABORTED with the given error, and its token is closed', async () => {
    const arn = register('Stoppable', approvalDefinition());
    const executionArn = await start(arn, { purchaseId: 'P-10' });
    const token = await tokenSentTo('requestApproval');

    await client.send(
      new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'officer withdrew' }),
    );
    const result = await finished(executionArn);

    expect(result).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'officer withdrew' });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('lists the executions of a state machine, filtered by status', async () => {
    const arn = register('Listed', approvalDefinition());
    const waiting = await start(arn, { purchaseId: 'P-11' }, 'P-11');
    const done = await start(arn, { purchaseId: 'P-12' }, 'P-12');
    const token = await tokenSentTo('requestApproval', 1);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await until(async () => {
      const { status } = await client.send(new DescribeExecutionCommand({ executionArn: done }));
      return status === 'SUCCEEDED' ? status : undefined;
    });

    const all = await client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    const running = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );

    expect(all.executions?.map((e) => e.executionArn)).toEqual([done, waiting]);
    expect(running.executions?.map((e) => e.name)).toEqual(['P-11']);
  });

  it('logs execution and callback starts and ends without ever printing a task token', async () => {
    const arn = register('Logged', approvalDefinition());
    const executionArn = await start(arn, { purchaseId: 'P-13' }, 'P-13');
    const token = await tokenSentTo('requestApproval');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await finished(executionArn);

    expect(logLines.some((l) => l.includes('P-13') && l.includes('started'))).toBe(true);
    expect(logLines.some((l) => l.includes('RequestApproval') && l.includes('waiting for a callback'))).toBe(
      true,
    );
    expect(logLines.some((l) => l.includes('RequestApproval') && l.includes('succeeded'))).toBe(true);
    expect(logLines.some((l) => l.includes('SUCCEEDED'))).toBe(true);
    expect(logLines.filter((l) => l.includes(token) || l.includes(token.slice(0, 16)))).toEqual([]);
  });
});

/** One Step Functions operation over the wire, as the AWS CLI sends it: the raw JSON answer. */
async function wire(
  operation: string,
  body: object,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${operation}`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('LocalStepFunctions answers an operator as AWS does, checked against the AWS API model', () => {
  it('lists and describes state machines, and the one an execution runs', async () => {
    const arn = register('Approval', approvalDefinition());
    sfn.registerStateMachine({
      arn: smArn('Reserve'),
      name: 'Reserve',
      definition: approvalDefinition(),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/ReserveRole`,
    });
    const executionArn = await start(arn, { purchaseId: 'P-1' });

    const listed = await wire('ListStateMachines', {});
    const described = await wire('DescribeStateMachine', { stateMachineArn: smArn('Reserve') });
    const forExecution = await wire('DescribeStateMachineForExecution', { executionArn });

    expect(modelProblems('ListStateMachinesOutput', listed.json)).toEqual([]);
    expect(modelProblems('DescribeStateMachineOutput', described.json)).toEqual([]);
    expect(modelProblems('DescribeStateMachineForExecutionOutput', forExecution.json)).toEqual([]);
    expect((listed.json.stateMachines as { name: string }[]).map((s) => s.name)).toEqual([
      'Approval',
      'Reserve',
    ]);
    expect(described.json).toMatchObject({
      name: 'Reserve',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/ReserveRole`,
    });
    expect(JSON.parse(String(forExecution.json.definition))).toEqual(approvalDefinition());
    expect(forExecution.json.stateMachineArn).toBe(arn);
  });

  it('publishes versions, routes an alias, and runs each execution on the version it started on', async () => {
    const arn = register('Versioned', approvalDefinition());
    const v1 = await wire('PublishStateMachineVersion', { stateMachineArn: arn, description: 'deploy 1' });
    const again = await wire('PublishStateMachineVersion', { stateMachineArn: arn });
    const alias = await wire('CreateStateMachineAlias', {
      name: 'live',
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }],
    });
    expect(modelProblems('PublishStateMachineVersionOutput', v1.json)).toEqual([]);
    expect(modelProblems('CreateStateMachineAliasOutput', alias.json)).toEqual([]);
    expect(v1.json.stateMachineVersionArn).toBe(`${arn}:1`);
    expect(again.json.stateMachineVersionArn).toBe(`${arn}:1`); // the same revision: the same version

    const onV1 = await start(`${arn}:live`, { purchaseId: 'P-1' }, 'P-1');
    // A redeploy: a new revision, version 2, and the alias moved to it.
    register('Versioned', approvalDefinition({ TimeoutSeconds: 7200, End: true }));
    await wire('PublishStateMachineVersion', { stateMachineArn: arn, description: 'deploy 2' });
    const moved = await wire('UpdateStateMachineAlias', {
      stateMachineAliasArn: `${arn}:live`,
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }],
    });
    const onV2 = await start(`${arn}:live`, { purchaseId: 'P-2' }, 'P-2');

    const described = await wire('DescribeExecution', { executionArn: onV1 });
    const forV1 = await wire('DescribeStateMachineForExecution', { executionArn: onV1 });
    const forV2 = await wire('DescribeStateMachineForExecution', { executionArn: onV2 });
    const version1 = await wire('DescribeStateMachine', { stateMachineArn: `${arn}:1` });
    const aliasNow = await wire('DescribeStateMachineAlias', { stateMachineAliasArn: `${arn}:live` });
    const versions = await wire('ListStateMachineVersions', { stateMachineArn: arn });
    const aliases = await wire('ListStateMachineAliases', { stateMachineArn: arn });
    const onVersion1 = await wire('ListExecutions', { stateMachineArn: `${arn}:1` });
    for (const [shape, json] of [
      ['UpdateStateMachineAliasOutput', moved.json],
      ['DescribeExecutionOutput', described.json],
      ['DescribeStateMachineForExecutionOutput', forV1.json],
      ['DescribeStateMachineOutput', version1.json],
      ['DescribeStateMachineAliasOutput', aliasNow.json],
      ['ListStateMachineVersionsOutput', versions.json],
      ['ListStateMachineAliasesOutput', aliases.json],
      ['ListExecutionsOutput', onVersion1.json],
    ] as const) {
      expect(modelProblems(shape, json), shape).toEqual([]);
    }
    expect(onV1).toBe(`arn:aws:states:local:${ACCOUNT}:execution:Versioned:P-1`);
    expect(described.json).toMatchObject({
      stateMachineArn: arn,
      stateMachineVersionArn: `${arn}:1`,
      stateMachineAliasArn: `${arn}:live`,
    });
    expect(JSON.parse(String(forV1.json.definition)).States.RequestApproval.TimeoutSeconds).toBe(3600);
    expect(JSON.parse(String(forV2.json.definition)).States.RequestApproval.TimeoutSeconds).toBe(7200);
    expect(version1.json).toMatchObject({ stateMachineArn: `${arn}:1`, description: 'deploy 1' });
    expect(aliasNow.json.routingConfiguration).toEqual([{ stateMachineVersionArn: `${arn}:2`, weight: 100 }]);
    expect(
      (versions.json.stateMachineVersions as { stateMachineVersionArn: string }[]).map(
        (v) => v.stateMachineVersionArn,
      ),
    ).toEqual([`${arn}:2`, `${arn}:1`]);
    expect((onVersion1.json.executions as { name: string }[]).map((e) => e.name)).toEqual(['P-1']);
  });

  it('refuses what AWS refuses about versions and aliases', async () => {
    const arn = register('Strict', approvalDefinition());
    await sfn.publishStateMachineVersion({ stateMachineArn: arn });
    const route = (version: string, weight = 100) => [
      { stateMachineVersionArn: `${arn}:${version}`, weight },
    ];

    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${arn}:7` })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${arn}:prod` })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(
      client.send(
        new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: 'not-the-current-one' }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      client.send(new CreateStateMachineAliasCommand({ name: '42', routingConfiguration: route('1') })),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      client.send(new CreateStateMachineAliasCommand({ name: 'half', routingConfiguration: route('1', 50) })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      client.send(new CreateStateMachineAliasCommand({ name: 'ghost', routingConfiguration: route('9') })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('pages state machines with maxResults and nextToken', async () => {
    for (const name of ['A', 'B', 'C']) register(name, approvalDefinition());

    const first = await client.send(new ListStateMachinesCommand({ maxResults: 2 }));
    const second = await client.send(
      new ListStateMachinesCommand({ maxResults: 2, nextToken: first.nextToken }),
    );

    expect(first.stateMachines?.map((s) => s.name)).toEqual(['A', 'B']);
    expect(second.stateMachines?.map((s) => s.name)).toEqual(['C']);
    expect(second.nextToken).toBeUndefined();
  });

  it('refuses an unknown state machine or execution and a malformed ARN with the errors AWS names', async () => {
    await expect(
      client.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('Nowhere') })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(
        new DescribeStateMachineForExecutionCommand({
          executionArn: `arn:aws:states:local:${ACCOUNT}:execution:Nowhere:x`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      client.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })),
    ).rejects.toBeInstanceOf(InvalidArn);
  });

  it('names the state machine role in ExecutionStarted and `$$.Execution.RoleArn`', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/PurchaseLifecycleRole`;
    sfn.registerStateMachine({
      arn: smArn('Role'),
      name: 'Role',
      roleArn,
      definition: {
        StartAt: 'Who',
        States: { Who: { Type: 'Pass', Parameters: { 'role.$': '$$.Execution.RoleArn' }, End: true } },
      },
    });
    const executionArn = await start(smArn('Role'), {});
    const result = await finished(executionArn);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(result.outputJson).toEqual({ role: roleArn });
    expect(events[0]?.executionStartedEventDetails?.roleArn).toBe(roleArn);
  });

  it('records every history event with the members the model requires and no others', async () => {
    lambdaBehaviour = async (name, payload) =>
      name === 'failOnce'
        ? { errorType: 'Busy', errorMessage: 'try again' }
        : { payload: { echoed: payload } };
    const arn = register('Everything', {
      StartAt: 'Plain',
      States: {
        Plain: {
          Type: 'Task',
          Resource: fnArn('reserveBudget'),
          TimeoutSeconds: 10,
          ResultPath: '$.plain',
          Next: 'Invoke',
        },
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('notify'), 'Payload.$': '$' },
          ResultSelector: { 'payload.$': '$.Payload' },
          ResultPath: '$.invoke',
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Fails' },
        Fails: {
          Type: 'Task',
          Resource: fnArn('failOnce'),
          Catch: [{ ErrorEquals: ['Busy'], ResultPath: '$.error', Next: 'RequestApproval' }],
          Next: 'RequestApproval',
        },
        RequestApproval: approvalDefinition().States.RequestApproval,
      },
    });
    const executionArn = await start(arn, { purchaseId: 'P-9' });
    const token = await tokenSentTo('requestApproval');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await finished(executionArn);

    const history = await wire('GetExecutionHistory', { executionArn });
    const events = history.json.events as ({ type: string } & Record<string, Record<string, string>>)[];
    const types = events.map((e) => e.type);
    const details = (type: string, key: string) => events.filter((e) => e.type === type).map((e) => e[key]);

    expect(modelProblems('GetExecutionHistoryOutput', history.json)).toEqual([]);
    expect(types.slice(types.lastIndexOf('TaskStateEntered'))).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(types).toEqual(expect.arrayContaining(['TaskFailed', 'WaitStateExited']));
    const scheduled = details('TaskScheduled', 'taskScheduledEventDetails');
    expect(scheduled.map((d) => d?.timeoutInSeconds)).toEqual([10, undefined, undefined, 3600]);
    expect(JSON.parse(scheduled[1]?.parameters ?? '')).toEqual({
      FunctionName: fnArn('notify'),
      Payload: { purchaseId: 'P-9', plain: { echoed: { purchaseId: 'P-9' } } },
    });
    const succeeded = details('TaskSucceeded', 'taskSucceededEventDetails');
    expect(JSON.parse(succeeded.at(-1)?.output ?? '')).toEqual({ approved: true });
  });
});
