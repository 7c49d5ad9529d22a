import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LambdaInvoker,
  LocalStepFunctions,
  type SnsPublisher,
} from '../../../infra/local/stepfunctions/index.js';

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

const invokeLambda: LambdaInvoker = (functionName, payload) => {
  invocations.push({ functionName, payload: payload as Record<string, unknown> });
  return lambdaBehaviour(functionName, payload as Record<string, unknown>);
};
const publishSns: SnsPublisher = async (params) => {
  published.push(params);
  return { MessageId: `msg-${published.length}` };
};

beforeEach(async () => {
  invocations = [];
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
async function until<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tokenSentTo = (functionName: string, nth = 0) =>
  until(() => invocations.filter((i) => i.functionName === functionName)[nth]?.payload.taskToken as string);

/** requestApproval: e-mails an officer and waits for the decision the link posts back. */
function approvalDefinition(
  replace: Record<string, unknown> = { End: true },
  moreStates: Record<string, unknown> = {},
) {
  return {
    StartAt: 'RequestApproval',
    States: {
      ...moreStates,
      RequestApproval: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: fnArn('requestApproval'),
          Payload: { 'purchaseId.$': '$.purchaseId', 'taskToken.$': '$$.Task.Token' },
        },
        TimeoutSeconds: 3600,
        ResultPath: '$.decision',
        ...replace,
      },
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
