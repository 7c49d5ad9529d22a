import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/domain/china-time.js';
import {
  EXECUTION_BUDGET_MS,
  EXECUTION_LIMIT_MS,
  handOverBefore,
  StepOutlivesExecutionError,
} from '../../../shared/domain/execution-budget.js';

const STARTED = '2027-01-01T00:00:00.000Z';
const at = (days: number) => Date.parse(STARTED) + days * DAY_MS;
const iso = (days: number) => new Date(at(days)).toISOString();

describe('handOverBefore', () => {
  it('keeps a step that ends within the budget in the execution, and leaves a month to the limit', () => {
    expect(EXECUTION_LIMIT_MS - EXECUTION_BUDGET_MS).toBe(30 * DAY_MS);
    expect(handOverBefore({ startedAt: STARTED, now: iso(300) }, { endsBy: at(335) })).toBeUndefined();
  });

  it('hands over at once when the step would end past the budget but fits a fresh execution', () => {
    expect(handOverBefore({ startedAt: STARTED, now: iso(300) }, { endsBy: at(336) })).toEqual({
      next: 'HAND_OVER',
      handOverAt: iso(300),
    });
  });

  it('waits out a long wait for a date in slices: as long as this execution may, then hands over', () => {
    // The mid-term reminder of a 36-month term is 17 months away.
    const reminder = at(520);
    const first = handOverBefore(
      { startedAt: STARTED, now: iso(20) },
      { endsBy: at(580), waitsUntil: reminder },
    );
    expect(first).toEqual({ next: 'HAND_OVER', handOverAt: iso(335) });
    // The successor, started then, can wait until the reminder day and still end within its budget.
    expect(
      handOverBefore({ startedAt: iso(335), now: iso(335) }, { endsBy: at(580), waitsUntil: reminder }),
    ).toBeUndefined();
  });

  it('hands over at once when the budget is already spent, and never schedules a hand-over in the past', () => {
    const late = handOverBefore(
      { startedAt: STARTED, now: iso(340) },
      { endsBy: at(800), waitsUntil: at(700) },
    );
    expect(late).toEqual({ next: 'HAND_OVER', handOverAt: iso(340) });
  });

  it('plans without a budget outside an execution', () => {
    expect(handOverBefore({ now: STARTED }, { endsBy: at(900) })).toBeUndefined();
  });

  it('refuses a step that no execution could hold instead of handing it on forever', () => {
    expect(() => handOverBefore({ startedAt: STARTED, now: STARTED }, { endsBy: at(400) })).toThrow(
      StepOutlivesExecutionError,
    );
    expect(() => handOverBefore({ startedAt: STARTED, now: STARTED }, { endsBy: at(400) })).toThrow(
      /400 days/,
    );
  });
});
