import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planExecution } from '../../../infra/local/stepfunctions/definition.js';
import { resolveReferencePath } from '../../../infra/local/stepfunctions/reference-path.js';
import { MAX_TIMER_MS, ScaledTimers } from '../../../infra/local/stepfunctions/scaled-timers.js';

const DAY = 24 * 3600;

describe('ScaledTimers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits 40 days on a real-time clock in slices instead of firing at once past the setTimeout limit', () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const fired = vi.fn();
    timers.after(40 * DAY, fired);

    vi.advanceTimersByTime(MAX_TIMER_MS + 1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40 * DAY * 1000 - MAX_TIMER_MS - 2_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('lasts msPerSecond real milliseconds per state-machine second', () => {
    const timers = new ScaledTimers({ msPerSecond: 2 });
    const fired = vi.fn();
    timers.after(300, fired);

    vi.advanceTimersByTime(599);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('re-arms a running timer for its remaining state-machine time when the clock changes', () => {
    const timers = new ScaledTimers({ msPerSecond: 1000 });
    const fired = vi.fn();
    timers.after(100, fired);
    vi.advanceTimersByTime(40_000); // 40 of 100 seconds gone

    timers.setClock({ msPerSecond: 10 });
    vi.advanceTimersByTime(599);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('keeps a time of its own from startsAt, running at the clock speed through a change of speed', () => {
    const timers = new ScaledTimers({ msPerSecond: 10, startsAt: '2026-01-01T00:00:00.000Z' });
    expect(timers.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    vi.advanceTimersByTime(3_600 * 10); // an hour at 10 ms a second
    expect(timers.now().toISOString()).toBe('2026-01-01T01:00:00.000Z');

    timers.setClock({ msPerSecond: 0.01 });
    vi.advanceTimersByTime(864); // a day at a hundredth of a millisecond a second
    expect(timers.now().toISOString()).toBe('2026-01-02T01:00:00.000Z');
    expect(() => new ScaledTimers({ msPerSecond: 1, startsAt: 'next spring' })).toThrow(/startsAt/);
  });

  it('tells the system time when it keeps none of its own', () => {
    vi.setSystemTime(new Date('2030-05-05T05:05:05.000Z'));
    const timers = new ScaledTimers({ msPerSecond: 0.001 });
    vi.advanceTimersByTime(1_000);
    expect(timers.now().toISOString()).toBe('2030-05-05T05:05:06.000Z');
  });

  it('does not fire a cancelled timer and refuses a clock that is not positive', () => {
    const timers = new ScaledTimers({ msPerSecond: 1 });
    const fired = vi.fn();
    const cancel = timers.after(10, fired);
    cancel();
    vi.advanceTimersByTime(1_000);

    expect(fired).not.toHaveBeenCalled();
    expect(() => timers.setClock({ msPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('planExecution', () => {
  const definition = {
    TimeoutSeconds: 86_400,
    StartAt: 'Evaluate',
    States: {
      Evaluate: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Score',
          States: {
            Score: {
              Type: 'Task',
              Resource: 'arn:aws-cn:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'score', Payload: { 'taskToken.$': '$$.Task.Token' } },
              TimeoutSecondsPath: '$.limits.scoreSeconds',
              Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 10, MaxDelaySeconds: 100, MaxAttempts: 3 }],
              End: true,
            },
          },
        },
        ItemsPath: '$.projects',
        MaxConcurrency: 1,
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5 }],
        Next: 'Cool',
      },
      Cool: { Type: 'Wait', Seconds: 3_456_000, InputPath: '$.x', Next: 'Publish' },
      Publish: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { Message: 'm' },
        End: true,
      },
    },
  };

  it('lifts every time limit out of the definition, down to Map processors, and scales Retry by the clock', () => {
    const plan = planExecution(definition, 2);
    const states = plan.definition.States as Record<string, Record<string, unknown>>;
    const processor = plan.maps.get('Evaluate')?.processor as {
      States: Record<string, Record<string, unknown>>;
    };
    const score = processor.States.Score;

    expect(plan.timeoutSeconds).toBe(86_400);
    expect(plan.definition.TimeoutSeconds).toBeUndefined();
    expect(plan.tasks.get('Score')).toMatchObject({
      callback: true,
      action: { kind: 'lambda-invoke' },
      wrapped: true,
    });
    expect(plan.tasks.get('Publish')).toMatchObject({ callback: false, action: { kind: 'sns-publish' } });
    expect(score?.TimeoutSecondsPath).toBeUndefined();
    expect(score?.Retry).toEqual([
      { ErrorEquals: ['Busy'], IntervalSeconds: 0.02, MaxDelaySeconds: 0.2, MaxAttempts: 3 },
    ]);
    expect(states.Cool).toMatchObject({ Type: 'Task', InputPath: '$.x', Next: 'Publish' });
    expect(states.Evaluate).toMatchObject({ Type: 'Task', Retry: [{ IntervalSeconds: 0.01 }], Next: 'Cool' });
    expect(plan.maps.get('Evaluate')).toMatchObject({ itemsPath: '$.projects', maxConcurrency: 1 });
    expect(plan.waits.get('Cool')).toEqual({ stateName: 'Cool', seconds: 3_456_000 });
    expect(definition.States.Cool.Type).toBe('Wait');
  });
});

describe('resolveReferencePath', () => {
  it('selects fields, array items and context values, and nothing for a missing path', () => {
    const input = { limits: { scoreSeconds: 60 }, list: [{ 'odd key': 3 }] };

    expect(resolveReferencePath('$.limits.scoreSeconds', input, {})).toBe(60);
    expect(resolveReferencePath("$.list[0]['odd key']", input, {})).toBe(3);
    expect(resolveReferencePath('$$.Execution.Name', input, { Execution: { Name: 'P-1' } })).toBe('P-1');
    expect(resolveReferencePath('$.limits.missing', input, {})).toBeUndefined();
    expect(resolveReferencePath('$', input, {})).toBe(input);
  });
});
