import { describe, expect, it } from 'vitest';
import { rectificationAllowed } from '../../../shared/domain/decision-rules.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';

describe('rectificationAllowed', () => {
  it('allows rectification only while the round is below the last round', () => {
    expect(rectificationAllowed({ round: 1, maxRounds: 3 })).toBe(true);
    expect(rectificationAllowed({ round: 2, maxRounds: 3 })).toBe(true);
    expect(rectificationAllowed({ round: '2', maxRounds: '3' })).toBe(true);
    expect(rectificationAllowed({ round: 3, maxRounds: 3 })).toBe(false);
    expect(rectificationAllowed({ round: 4, maxRounds: 3 })).toBe(false);
  });

  it('refuses when the context lacks the round or the last round, or holds something that is not a round', () => {
    const contexts: HumanTask['context'][] = [
      undefined,
      {},
      { round: 1 },
      { maxRounds: 3 },
      { round: 0, maxRounds: 3 },
      { round: 1.5, maxRounds: 3 },
      { round: 'one', maxRounds: 3 },
      { round: 1, maxRounds: '3 rounds' },
    ];
    for (const context of contexts) {
      expect(rectificationAllowed(context)).toBe(false);
    }
  });
});
