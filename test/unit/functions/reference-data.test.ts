import { beforeEach, describe, expect, it } from 'vitest';
import { referenceSeed } from '../../../shared/domain/reference-data.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/reference-data/handler.js');

const SEED = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);
const ADMIN = staffClaims({ sub: 'admin-1', email: 'admin@civil-affairs.example.gov.cn', roles: '[admin]' });
let fakes: Fakes;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  await fakes.referenceData.seed(SEED, fakes.clock.now());
});

async function invoke(
  request: { method: 'GET' } | { method: 'PUT'; section: string; body: unknown },
  claims: Record<string, unknown>,
) {
  const handler = createHandler({
    referenceData: fakes.referenceData,
    budgets: fakes.budgets,
    now: fakes.clock.now,
  });
  const event =
    request.method === 'GET'
      ? httpEvent({ path: '/reference-data', claims })
      : httpEvent({
          method: 'PUT',
          path: `/reference-data/${request.section}`,
          route: '/reference-data/{section}',
          pathParameters: { section: request.section },
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
          claims,
        });
  const answer = structured(await handler(event, lambdaContext('reference-data')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
}

const deputy = { name: 'Acting Deputy', email: 'acting.deputy@civil-affairs.example.gov.cn' };
const putDeputy = (version: number, claims = ADMIN) =>
  invoke(
    { method: 'PUT', section: 'approvers', body: { value: { ...SEED.approvers, DEPUTY: deputy }, version } },
    claims,
  );

describe('GET /reference-data', () => {
  it('answers 200 with every section and the changes to an administrator and an auditor', async () => {
    for (const roles of ['[admin]', '[auditor]']) {
      const answer = await invoke({ method: 'GET' }, staffClaims({ roles }));
      expect(answer.status).toBe(200);
      expect(answer.body.sections.approvers).toMatchObject({ value: SEED.approvers, version: 1 });
      expect(answer.body.changes).toEqual([expect.objectContaining({ action: 'reference.seeded' })]);
    }
  });

  it('answers 403 to an officer, an approver and a finance clerk', async () => {
    for (const roles of ['[officer]', '[approver]', '[finance]']) {
      expect((await invoke({ method: 'GET' }, staffClaims({ roles }))).status).toBe(403);
    }
  });
});

describe('PUT /reference-data/{section}', () => {
  it('answers 200 to an administrator with the saved section, changed by their e-mail', async () => {
    const answer = await putDeputy(1);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      outcome: 'CHANGED',
      section: {
        value: { ...SEED.approvers, DEPUTY: deputy },
        version: 2,
        updatedAt: '2026-03-02T08:00:00.000Z',
        updatedBy: 'admin@civil-affairs.example.gov.cn',
      },
    });
    expect((await fakes.referenceData.read()).approvers?.value.DEPUTY).toEqual(deputy);
  });

  it('answers 403 to an auditor and changes nothing', async () => {
    expect((await putDeputy(1, staffClaims({ roles: '[auditor]' }))).status).toBe(403);
    expect((await fakes.referenceData.read()).approvers?.version).toBe(1);
  });

  it('answers 409 STALE with a message in Chinese and English for a version someone changed meanwhile', async () => {
    await putDeputy(1);

    const answer = await putDeputy(1);

    expect(answer.status).toBe(409);
    expect(answer.body.outcome).toBe('STALE');
    expect(answer.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(answer.body.message).toMatch(/reload it and edit again/);
    expect((await fakes.referenceData.read()).approvers?.version).toBe(2);
  });

  it('answers 400 with the field errors of a value that breaks the schema', async () => {
    const answer = await invoke(
      {
        method: 'PUT',
        section: 'salaryBenchmarks',
        body: { value: [{ ...SEED.salaryBenchmarks[0], annualWageFen: 'a lot' }], version: 1 },
      },
      ADMIN,
    );

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'value[0].annualWageFen' })]);
  });

  it('answers 404 for a section that does not exist', async () => {
    const answer = await invoke({ method: 'PUT', section: 'ngos', body: { value: [], version: 1 } }, ADMIN);

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ outcome: 'UNKNOWN_SECTION' });
  });
});
