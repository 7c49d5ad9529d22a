import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalEventRule } from '../../../infra/local/assembly/model.js';
import type { InvokeResult } from '../../../infra/local/lambda-runner.js';
import { parseScheduleExpression } from '../../../infra/local/services/schedule-expressions.js';
import { startScheduledRules } from '../../../infra/local/services/scheduled-rules.js';
import { ScaledTimers } from '../../../infra/local/stepfunctions/scaled-timers.js';

const where = { account: '000000000000', region: 'us-east-1' };
const HOUR_MS = 3_600_000;

function scheduledRule(
  name: string,
  expression: string,
  more: Partial<Pick<LocalEventRule, 'enabled' | 'targets'>> = {},
): LocalEventRule {
  return {
    stackName: 'App',
    logicalId: name,
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
    eventBusName: 'default',
    enabled: more.enabled ?? true,
    schedule: parseScheduleExpression(expression),
    targets: more.targets ?? [
      {
        id: 'Target0',
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}Fn`,
        functionName: `${name}Fn`,
      },
    ],
  };
}

/** Records each invocation; a function named in `failing` answers with an error. */
function recordingInvoker(failing: readonly string[] = []) {
  const calls: { functionName: string; payload: unknown }[] = [];
  const invoke = async (functionName: string, payload: unknown): Promise<InvokeResult> => {
    calls.push({ functionName, payload });
    return failing.includes(functionName)
      ? { errorType: 'Error', errorMessage: 'the table is unreachable' }
      : { payload: { reminded: 0 } };
  };
  return { calls, invoke };
}

describe('scheduled rules on the engine clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-06T21:19:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('invokes the daily chase at 01:00 UTC with the Scheduled Event AWS sends, then every day', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const { calls, invoke } = recordingInvoker();
    const rule = scheduledRule('ChaseUnconfirmedTranchesDaily', 'cron(0 1 * * ? *)');
    const schedules = startScheduledRules({ rules: [rule], timers, invoke, where, log: () => {} });

    await vi.advanceTimersByTimeAsync(3 * HOUR_MS + 40 * 60_000); // 00:59
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([
      {
        functionName: 'ChaseUnconfirmedTranchesDailyFn',
        payload: {
          version: '0',
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: '2026-12-07T01:00:00Z',
          region: 'us-east-1',
          resources: ['arn:aws:events:us-east-1:000000000000:rule/ChaseUnconfirmedTranchesDaily'],
          detail: {},
        },
      },
    ]);
    await vi.advanceTimersByTimeAsync(24 * HOUR_MS);
    expect(calls.map((c) => (c.payload as { time: string }).time)).toEqual([
      '2026-12-07T01:00:00Z',
      '2026-12-08T01:00:00Z',
    ]);
    schedules.stop();
  });

  it('follows the engine own time at its speed: a day of a fast clock fires the hourly rule 24 times', async () => {
    // 1 ms per engine second: an engine day is 86.4 real seconds.
    const timers = new ScaledTimers({ msPerSecond: 1, startsAt: '2027-03-01T00:00:00Z' });
    const { calls, invoke } = recordingInvoker();
    const hourly = scheduledRule('MeasureOverduePaymentsHourly', 'rate(1 hour)');
    const daily = scheduledRule('ChaseUnconfirmedTranchesDaily', 'cron(0 1 * * ? *)');
    const schedules = startScheduledRules({ rules: [hourly, daily], timers, invoke, where, log: () => {} });

    await vi.advanceTimersByTimeAsync(86_400);
    const times = (name: string) =>
      calls.filter((c) => c.functionName === name).map((c) => (c.payload as { time: string }).time);
    expect(times('MeasureOverduePaymentsHourlyFn')).toHaveLength(24);
    expect(times('MeasureOverduePaymentsHourlyFn').slice(0, 2)).toEqual([
      '2027-03-01T01:00:00Z',
      '2027-03-01T02:00:00Z',
    ]);
    expect(times('ChaseUnconfirmedTranchesDailyFn')).toEqual(['2027-03-01T01:00:00Z']);
    schedules.stop();
  });

  it('re-arms on a clock change: the half hour left runs at the new speed', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const { calls, invoke } = recordingInvoker();
    const schedules = startScheduledRules({
      rules: [scheduledRule('Hourly', 'rate(1 hour)')],
      timers,
      invoke,
      where,
      log: () => {},
    });
    await vi.advanceTimersByTimeAsync(HOUR_MS / 2);
    timers.setClock({ msPerSecond: 1 }); // the 1,800 engine seconds left now take 1.8 real seconds
    await vi.advanceTimersByTimeAsync(1_700);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toHaveLength(1);
    schedules.stop();
  });

  it('does not run a disabled rule; a target with Input receives the Input, not the event', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const { calls, invoke } = recordingInvoker();
    const paused = scheduledRule('Paused', 'rate(1 minute)', { enabled: false });
    const constant = scheduledRule('Constant', 'rate(1 minute)', {
      targets: [
        { id: 'T', functionArn: 'arn:fn:Archiver', functionName: 'Archiver', input: { archive: true } },
      ],
    });
    const schedules = startScheduledRules({
      rules: [paused, constant],
      timers,
      invoke,
      where,
      log: () => {},
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([{ functionName: 'Archiver', payload: { archive: true } }]);
    schedules.stop();
  });

  it('logs a failed invocation and fires again at the next time', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const { calls, invoke } = recordingInvoker(['ChaseFn']);
    const lines: string[] = [];
    const schedules = startScheduledRules({
      rules: [scheduledRule('Chase', 'rate(1 minute)')],
      timers,
      invoke,
      where,
      log: (line) => lines.push(line),
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(2);
    expect(lines).toEqual([
      'scheduled rule Chase: rate(1 minute), first at 2026-12-06T21:20:00.000Z',
      'EventBridge Scheduled Event -> rule Chase -> ChaseFn failed: Error: the table is unreachable',
      'EventBridge Scheduled Event -> rule Chase -> ChaseFn failed: Error: the table is unreachable',
    ]);
    schedules.stop();
  });

  it('skips, and says so, a time that comes while the previous run of the rule is still going', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const lines: string[] = [];
    let finish: (result: InvokeResult) => void = () => {};
    let invocations = 0;
    const invoke = () => {
      invocations++;
      return new Promise<InvokeResult>((resolve) => {
        finish = resolve;
      });
    };
    const schedules = startScheduledRules({
      rules: [scheduledRule('Slow', 'rate(1 minute)')],
      timers,
      invoke,
      where,
      log: (line) => lines.push(line),
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(invocations).toBe(1);
    expect(lines).toEqual([
      'scheduled rule Slow: rate(1 minute), first at 2026-12-06T21:20:00.000Z',
      'scheduled rule Slow: 2026-12-06T21:21:00.000Z skipped, the previous run is still going',
    ]);
    finish({ payload: null });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(invocations).toBe(2);
    schedules.stop();
  });

  it('stops: no timer is left armed and nothing fires afterwards', async () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const { calls, invoke } = recordingInvoker();
    const schedules = startScheduledRules({
      rules: [scheduledRule('Hourly', 'rate(1 hour)'), scheduledRule('Daily', 'cron(0 1 * * ? *)')],
      timers,
      invoke,
      where,
      log: () => {},
    });
    expect(vi.getTimerCount()).toBe(2);
    schedules.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(48 * HOUR_MS);
    expect(calls).toEqual([]);
  });
});
