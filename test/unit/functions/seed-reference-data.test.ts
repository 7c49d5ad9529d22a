import { describe, expect, it } from 'vitest';
import { REFERENCE_SECTIONS, referenceSeed } from '../../../shared/domain/reference-data.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { createFakes } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/seed-reference-data/handler.js');

describe('the deploy seeding the reference data', () => {
  it('seeds every section once and answers what it seeded; the next deploy seeds nothing', async () => {
    const fakes = createFakes('2026-03-02T08:00:00.000Z');
    const seed = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);
    const handler = createHandler({
      referenceData: fakes.referenceData,
      seed: () => seed,
      now: fakes.clock.now,
    });

    const first = await handler({}, lambdaContext('seed-reference-data'));
    const second = await handler({}, lambdaContext('seed-reference-data'));

    expect([...first.seeded].sort()).toEqual([...REFERENCE_SECTIONS].sort());
    expect(second).toEqual({ seeded: [] });
    expect((await fakes.referenceData.read()).budgetLines).toMatchObject({
      value: seed.budgetLines,
      version: 1,
    });
  });
});
