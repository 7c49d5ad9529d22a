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
 * Case 12 (restart), the long run (`npm run test:resilience`): 20 large purchases played at once
 * while the runtime process is killed with SIGKILL 3 to 5 times at seeded random moments and
 * started again on the same data folder. Every purchase must still close with nothing lost or
 * done twice. Repeat a run with RESTART_SEED=<the printed seed>.
 */

const PURCHASES = 20;

describe('12 Restart (SIGKILL)', () => {
  it('20 concurrent purchases all close through 3-5 SIGKILLs, with no deliverable, payment step, audit entry or notice lost or doubled', async (context) => {
    const seed = restartSeed();
    const kills = 3 + (seed % 3);
    console.log(`restart case: seed ${seed}, ${kills} kills`);
    const result = await runRestartScenario({
      purchases: PURCHASES,
      kills,
      minGapMs: 5_000,
      maxPauseMs: 3_000,
      seed,
      journeyTimeoutMs: 900_000,
    });
    expect(result.failures).toEqual([]);
    expect(result.kills).toBeGreaterThanOrEqual(3);
    expect(result.outcomes).toHaveLength(PURCHASES);
    expectNothingLostOrDoubled(result.outcomes);
    const figures = figuresOf(result.outcomes);
    recordCase(context, {
      case: '12 Restart (SIGKILL)',
      attempts: result.kills,
      expected: `${PURCHASES} purchases CLOSED; no deliverable, payment step or audit entry lost or duplicated; no notice lost; audit chains verify`,
      observed: `${observedText(result, figures, PURCHASES)}; ${(result.elapsedMs / 1000).toFixed(0)} s`,
    });
  }, 1_200_000);
});
