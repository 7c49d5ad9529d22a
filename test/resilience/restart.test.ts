import { describe, expect, it } from 'vitest';
import { recordCase } from './case.js';
import {
  expectNothingLostOrDoubled,
  figuresOf,
  observedText,
  restartSeed,
  runRestartScenario,
} from './restart-scenario.js';

/**
 * Case 12 (restart), the quick part run by `npm test`: three small purchases (one approval level)
 * and one SIGKILL of the runtime process, then the same checks as the long run
 * (restart.full.test.ts). Repeat a run
 * with RESTART_SEED=<the printed seed>.
 */

const PURCHASES = 3;

describe('12 Restart (SIGKILL), quick', () => {
  it('three purchases all close after a SIGKILL of the runtime, with nothing lost or done twice', async (context) => {
    const seed = restartSeed();
    console.log(`restart case (quick): seed ${seed}`);
    const result = await runRestartScenario({
      purchases: PURCHASES,
      sample: 'small',
      kills: 1,
      minGapMs: 4_000,
      maxPauseMs: 1_500,
      seed,
      journeyTimeoutMs: 150_000,
    });
    expect(result.failures).toEqual([]);
    expect(result.kills).toBe(1);
    expect(result.outcomes).toHaveLength(PURCHASES);
    expectNothingLostOrDoubled(result.outcomes);
    const figures = figuresOf(result.outcomes);
    recordCase(context, {
      case: '12 Restart (SIGKILL)',
      attempts: result.kills,
      expected: `${PURCHASES} purchases CLOSED; no deliverable, payment step or audit entry lost or duplicated; no notice lost; audit chains verify`,
      observed: `${observedText(result, figures, PURCHASES)}; ${(result.elapsedMs / 1000).toFixed(0)} s`,
    });
  }, 240_000);
});
