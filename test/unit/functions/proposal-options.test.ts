import { beforeEach, describe, expect, it } from 'vitest';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';
import { TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/proposal-options/handler.js');

let fakes: Fakes;
let calls: string[];
let handler: ReturnType<typeof createHandler>;

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  const recorded = recordingCalls({ budgets: fakes.budgets, settings: TEST_POLICY, now: fakes.clock.now });
  calls = recorded.calls;
  handler = createHandler(recorded.deps);
});

const invoke = async (
  query: Record<string, string> = {},
  claims: Record<string, unknown> | null = staffClaims(),
) => {
  const event = httpEvent({ path: '/proposal-options', query, claims: claims ?? undefined });
  const result = structured(await handler(event, lambdaContext('proposal-options')));
  return { ...result, json: JSON.parse(result.body) };
};

describe('GET /proposal-options', () => {
  it('answers 401 without a verified token and reads nothing', async () => {
    expect((await invoke({}, null)).statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 403 to staff who may not register proposals (an auditor, an approver), naming the role that may', async () => {
    for (const roles of ['[auditor]', '[approver finance]']) {
      const refused = await invoke({}, staffClaims({ roles }));
      expect(refused.statusCode).toBe(403);
      expect(refused.json).toEqual({ message: 'this needs the role officer' });
    }
    expect(calls).toEqual([]);
  });

  it("answers an officer with the year's lines and what is left, the catalogue and the benchmark, not cached", async () => {
    const { statusCode, headers, json } = await invoke({ year: '2026' });

    expect(statusCode).toBe(200);
    expect(headers['Cache-Control']).toBe('no-store');
    expect(json).toMatchObject({
      year: 2026,
      budgetLines: [
        { lineId: '2026-MZ-ELDER-01', availableYuan: '¥5,000,000.00' },
        { lineId: '2026-MZ-MINOR-01' },
        { lineId: '2026-MZ-RURAL-01' },
      ],
      salaryBenchmark: { year: 2025, monthlyMinimumFen: 962_817 },
    });
    expect(json.catalogue).toHaveLength(3);
    // One read of the table per line of the year, nothing else.
    expect(calls).toEqual(Array(3).fill('budgets.getBudgetLine'));
  });

  it('answers 400 naming a year that is not one', async () => {
    const { statusCode, json } = await invoke({ year: 'next' });
    expect(statusCode).toBe(400);
    expect(json.errors).toEqual([expect.objectContaining({ field: 'year', value: 'next' })]);
    expect(calls).toEqual([]);
  });
});
