import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidDefinition,
  InvalidName,
  ValidationException,
} from '../../../infra/local/stepfunctions/errors.js';
import { type LambdaInvoker, LocalStepFunctions } from '../../../infra/local/stepfunctions/index.js';
import {
  MAX_EXECUTION_SECONDS,
  MAX_HISTORY_EVENTS,
  MAX_PAYLOAD_BYTES,
} from '../../../infra/local/stepfunctions/limits.js';

/**
 * The local engine ends or refuses what AWS ends or refuses, with AWS's error names: a year of
 * execution, 25,000 history events, 256 KiB of data, names and timer ranges.
 */

const ACCOUNT = '000000000000';
const smArn = (name: string) => `arn:aws:states:local:${ACCOUNT}:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:local:${ACCOUNT}:function:${name}`;

let answer: (functionName: string, payload: unknown) => Awaited<ReturnType<LambdaInvoker>>;
let sfn: LocalStepFunctions;

beforeEach(() => {
  answer = (_name, payload) => ({ payload });
  sfn = new LocalStepFunctions({ invokeLambda: async (n, p) => answer(n, p), clock: { msPerSecond: 1 } });
});
afterEach(async () => {
  await sfn.stopAllExecutions();
});

function register(name: string, definition: object): string {
  sfn.registerStateMachine({ arn: smArn(name), name, definition });
  return smArn(name);
}

async function run(stateMachineArn: string, input: unknown = {}) {
  const { executionArn } = await sfn.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  await sfn.idle();
  const described = await sfn.describeExecution({ executionArn });
  const events = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.getExecutionHistory({ executionArn, ...(nextToken ? { nextToken } : {}) });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return { ...described, events };
}

/** A string whose JSON text is `bytes` long. */
const text = (bytes: number) => 'x'.repeat(bytes - 2);

const callTask = (extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fnArn('answer'), 'Payload.$': '$' },
  OutputPath: '$.Payload',
  ...extra,
});

describe('256 KiB of data', () => {
  it('refuses an execution input over 256 KiB as AWS refuses the field, and takes one of exactly 256 KiB', async () => {
    const arn = register('Input', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

    await expect(
      sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify(text(MAX_PAYLOAD_BYTES + 1)) }),
    ).rejects.toThrow(
      new ValidationException(
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
      ),
    );
    const exact = await sfn.startExecution({
      stateMachineArn: arn,
      input: JSON.stringify(text(MAX_PAYLOAD_BYTES)),
    });
    expect(exact.executionArn).toContain(':execution:Input:');
  });

  it('refuses a callback output over 256 KiB', async () => {
    await expect(
      sfn.sendTaskSuccess({ taskToken: 'any', output: JSON.stringify(text(MAX_PAYLOAD_BYTES + 1)) }),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('fails a task whose result is over 256 KiB with States.DataLimitExceeded, which Catch can name', async () => {
    answer = () => ({ payload: text(MAX_PAYLOAD_BYTES) });
    const arn = register('BigResult', {
      StartAt: 'Call',
      States: {
        Call: callTask({
          Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.error', Next: 'Caught' }],
          End: true,
        }),
        Caught: { Type: 'Pass', End: true },
      },
    });

    const result = await run(arn);

    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output ?? '{}').error.Error).toBe('States.DataLimitExceeded');
    const failed = result.events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'States.DataLimitExceeded' });
  });

  it('fails the execution when a state output grows over 256 KiB, though each task result is under it', async () => {
    answer = () => ({ payload: text(150 * 1024) });
    const arn = register('Growing', {
      StartAt: 'First',
      States: {
        First: callTask({ ResultPath: '$.first', OutputPath: '$', Next: 'Second' }),
        Second: callTask({ ResultPath: '$.second', OutputPath: '$', End: true }),
      },
    });

    const result = await run(arn);

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(result.events.at(-1)?.type).toBe('ExecutionFailed');
  });
});

describe('a year and 25,000 events', () => {
  it('times an execution out after one year of its clock, though its definition allows longer', async () => {
    sfn.setClock({ msPerSecond: 0.00002 }); // a year is about 0.6 s
    const arn = register('LongWait', {
      TimeoutSeconds: 2 * MAX_EXECUTION_SECONDS,
      StartAt: 'FourHundredDays',
      States: { FourHundredDays: { Type: 'Wait', Seconds: 400 * 86_400, End: true } },
    });
    const shorter = register('ShortWait', {
      StartAt: 'ThreeHundredDays',
      States: { ThreeHundredDays: { Type: 'Wait', Seconds: 300 * 86_400, End: true } },
    });

    const [long, short] = await Promise.all([run(arn), run(shorter)]);

    expect(long).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(long.events.at(-1)?.type).toBe('ExecutionTimedOut');
    expect(short.status).toBe('SUCCEEDED');
  });

  it('fails an execution whose history reaches 25,000 events, and runs the same loop when it stays under', async () => {
    const loop = (rounds: number) => ({
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again' },
        Again: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericLessThan: rounds, Next: 'Count' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });

    const endless = await run(register('Endless', loop(10_000)), { n: 0 });
    const short = await run(register('Short', loop(1_000)), { n: 0 });

    expect(endless).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(endless.cause).toContain('25000');
    expect(endless.events).toHaveLength(MAX_HISTORY_EVENTS);
    expect(endless.events.at(-1)?.type).toBe('ExecutionFailed');
    expect(short.status).toBe('SUCCEEDED');
    expect(short.events.length).toBeLessThan(MAX_HISTORY_EVENTS);
  });
});

describe('names and timer ranges', () => {
  it('refuses a state machine name of 81 characters or with a space', () => {
    for (const name of ['m'.repeat(81), 'purchase lifecycle'])
      expect(() => sfn.registerStateMachine({ arn: smArn('x'), name, definition: {} })).toThrow(InvalidName);
  });

  it('takes an execution name of 80 characters and refuses 81, or one with a space', async () => {
    const arn = register('Names', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'n'.repeat(80) })).resolves.toBeDefined();
    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'n'.repeat(81) })).rejects.toBeInstanceOf(
      InvalidName,
    );
    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'a b' })).rejects.toBeInstanceOf(
      InvalidName,
    );
  });

  it.each([
    ['TimeoutSeconds 0', { TimeoutSeconds: 0 }, "'TimeoutSeconds' must be positive"],
    ['TimeoutSeconds over 99,999,999', { TimeoutSeconds: 100_000_000 }, 'smaller than or equal to 99999999'],
    [
      'a heartbeat as long as the timeout',
      { TimeoutSeconds: 60, HeartbeatSeconds: 60 },
      "smaller than 'TimeoutSeconds'",
    ],
  ])('refuses a definition with a task of %s', (_case, limits, message) => {
    expect(() =>
      register('Timers', { StartAt: 'Call', States: { Call: callTask({ ...limits, End: true }) } }),
    ).toThrow(InvalidDefinition);
    expect(() =>
      register('Timers', { StartAt: 'Call', States: { Call: callTask({ ...limits, End: true }) } }),
    ).toThrow(message);
  });

  it('refuses a negative Wait and a state name over 80 characters', () => {
    expect(() =>
      register('Wait', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: -1, End: true } } }),
    ).toThrow("'Seconds' must be non-negative at /States/W/Seconds");
    const long = 's'.repeat(81);
    expect(() => register('LongName', { StartAt: long, States: { [long]: { Type: 'Succeed' } } })).toThrow(
      'State names must be at most 80 characters',
    );
  });
});
