import { beforeEach, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { trackRecordEntry } from '../../../shared/domain/track-record.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/ngo-track-record/handler.js');

const NGO = sampleProposal().ngo;
const FAILED = 'PUR-2025-FAILEDPURCHASE01';

let fakes: Fakes;
let calls: string[];
let handler: ReturnType<typeof createHandler>;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(FAILED, sampleProposal(), { stage: 'CLOSED' }));
  await fakes.trackRecords.addEvaluation(
    NGO.creditCode,
    trackRecordEntry({
      purchaseId: FAILED,
      grade: 'FAIL',
      total: 552,
      evaluatedAt: '2025-11-03T02:00:00.000Z',
    }),
  );
  const recorded = recordingCalls({
    trackRecords: fakes.trackRecords,
    purchases: fakes.purchases,
    now: fakes.clock.now,
  });
  calls = recorded.calls;
  handler = createHandler(recorded.deps);
});

const invoke = async (creditCode: string, claims: Record<string, unknown> | null = staffClaims()) => {
  const event = httpEvent({
    path: `/ngos/${encodeURIComponent(creditCode)}`,
    route: '/ngos/{creditCode}',
    pathParameters: { creditCode },
    claims: claims ?? undefined,
  });
  const result = structured(await handler(event, lambdaContext('ngo-track-record')));
  return { ...result, json: JSON.parse(result.body) };
};

describe('GET /ngos/{creditCode}', () => {
  it('answers 401 without a verified token and 403 to a role that may not register proposals, reading nothing', async () => {
    expect((await invoke(NGO.creditCode, null)).statusCode).toBe(401);
    expect((await invoke(NGO.creditCode, staffClaims({ roles: '[auditor]' }))).statusCode).toBe(403);
    expect(calls).toEqual([]);
  });

  it('answers an officer with the evaluations, the grade and the bar, not cached', async () => {
    const { statusCode, headers, json } = await invoke(NGO.creditCode);

    expect(statusCode).toBe(200);
    expect(headers['Cache-Control']).toBe('no-store');
    expect(json).toMatchObject({
      creditCode: NGO.creditCode,
      name: NGO.name,
      barred: true,
      barredUntil: '2026-12-31',
      evaluations: [{ purchaseId: FAILED, grade: 'FAIL', totalPoints: '55.2', evaluatedOn: '2025-11-03' }],
    });
    expect(json.reason.zh).toMatch(/不得承接/);
    expect(calls).toEqual(['trackRecords.listEvaluations', 'purchases.getPurchase']);
  });

  it('answers 400 for a code whose check character is wrong, with the one the code calls for', async () => {
    const wrong = `${NGO.creditCode.slice(0, 17)}${NGO.creditCode.endsWith('0') ? '1' : '0'}`;
    const { statusCode, json } = await invoke(wrong);

    expect(statusCode).toBe(400);
    expect(json.errors).toEqual([
      expect.objectContaining({
        field: 'creditCode',
        rule: 'credit-code-check-digit',
        allowed: NGO.creditCode,
      }),
    ]);
    expect(calls).toEqual([]);
  });
});
