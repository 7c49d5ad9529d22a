import { beforeEach, describe, expect, it } from 'vitest';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/delegations/handler.js');

const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF;
const finance = TEST_POLICY.approval.approvers.FINANCE_SECTION;
const delegate = { name: '王五', email: 'wang.wu@civil-affairs.example.gov.cn' };
const asChief = staffClaims({ sub: 'chief-1', email: chief.email, name: chief.name, roles: '[approver]' });
const asAdmin = staffClaims({
  sub: 'admin-1',
  email: 'admin@civil-affairs.example.gov.cn',
  roles: '[admin]',
});
let fakes: Fakes;

beforeEach(() => {
  // 08:00 UTC on 2 March is 16:00 in China, the same day.
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

const invoke = async (
  method: 'GET' | 'POST',
  path: string,
  claims: Record<string, unknown>,
  body?: unknown,
  id?: string,
) => {
  const handler = createHandler({
    delegations: fakes.delegations,
    settings: TEST_POLICY,
    mailer: fakes.mailer,
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method,
    path,
    route: id ? '/my/delegations/{id}/end' : '/my/delegations',
    ...(id ? { pathParameters: { id } } : {}),
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    claims,
  });
  const answer = structured(await handler(event, lambdaContext('delegations')));
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
};

const request = { delegate, from: '2026-03-02', until: '2026-03-13', reason: '年假' };
const name = (claims = asChief, body: unknown = request) => invoke('POST', '/my/delegations', claims, body);

describe('POST /my/delegations', () => {
  it('records the signed-in approver as the one away, answers 201 and mails the delegate "you decide for" with no link', async () => {
    const answer = await name();

    expect(answer.status).toBe(201);
    expect(answer.body.delegation).toMatchObject({
      approverEmail: chief.email,
      approverName: chief.name,
      delegate,
      from: '2026-03-02',
      until: '2026-03-13',
      reason: '年假',
      createdBy: chief.email,
    });
    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(delegate.email);
    expect(mail?.text).toContain(`${delegate.name} for ${chief.name}`);
    expect(mail?.text).toContain('2026-03-02');
    expect(mail?.text).not.toMatch(/https?:\/\//);
    expect((await fakes.delegations.changes()).entries.at(-1)).toMatchObject({
      actor: chief.email,
      action: 'delegation.named',
    });
  });

  it("when the delegate's mail fails, sending the same delegation again answers the one recorded and mails the delegate", async () => {
    fakes.mailer.failNext();
    expect((await name()).status).toBeGreaterThanOrEqual(500);
    const [recorded] = (await fakes.delegations.list()).delegations;
    expect(recorded).toBeDefined();
    expect(fakes.mailer.sent).toEqual([]);

    const again = await name();
    expect(again.status).toBe(201);
    expect(again.body.delegation).toEqual(recorded);
    expect((await fakes.delegations.list()).delegations).toHaveLength(1);
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([delegate.email]);
    // Other days, or another reason, for the same delegate are a new request, and overlap the recorded one.
    expect((await name(asChief, { ...request, until: '2026-03-20' })).status).toBe(400);
    expect((await name(asChief, { ...request, reason: '出差' })).status).toBe(400);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('answers 400 with bilingual field errors for a broken rule and records nothing', async () => {
    const answer = await name(asChief, {
      ...request,
      from: '2026-03-01',
      delegate: { ...delegate, email: chief.email },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'from', rule: 'delegation-starts-past', zh: expect.any(String) }),
      expect.objectContaining({ field: 'delegate.email', rule: 'delegation-self', zh: expect.any(String) }),
    ]);
    expect((await fakes.delegations.list()).delegations).toEqual([]);
    expect(fakes.mailer.sent).toEqual([]);
  });

  it('answers 400 naming each field of a malformed body', async () => {
    const answer = await name(asChief, {
      delegate: { name: '', email: 'not-mail' },
      from: '2026-3-2',
      reason: '',
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['delegate.email', 'delegate.name', 'from', 'reason', 'until'].sort(),
    );
  });

  it('answers 403 to an approver naming a delegate for someone else, and to an officer', async () => {
    expect((await name(asChief, { ...request, approverEmail: finance.email })).status).toBe(403);
    expect((await name(staffClaims())).status).toBe(403);
    expect((await fakes.delegations.list()).delegations).toEqual([]);
  });

  it('lets an administrator name a delegate for an approver, and refuses the deputy as the one away', async () => {
    expect((await name(asAdmin, { ...request, approverEmail: finance.email })).body.delegation).toMatchObject(
      {
        approverEmail: finance.email,
        createdBy: 'admin@civil-affairs.example.gov.cn',
      },
    );
    const deputy = await name(asAdmin, { ...request, approverEmail: TEST_POLICY.approval.deputy.email });
    expect(deputy.status).toBe(400);
    expect(deputy.body.errors).toEqual([
      expect.objectContaining({ field: 'approverEmail', rule: 'delegation-not-approver' }),
    ]);
  });

  it('answers 409 when another delegation was recorded between the read and the write', async () => {
    const { version } = await fakes.delegations.list();
    const add = fakes.delegations.add.bind(fakes.delegations);
    fakes.delegations.add = async (input) => {
      // Someone else's delegation lands first.
      await add({
        delegation: { ...input.delegation, id: 'DEL-other', approverEmail: finance.email },
        expectedVersion: version,
        now: input.now,
      });
      return add(input);
    };

    const answer = await name();

    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('reload');
    expect(fakes.mailer.sent).toEqual([]);
  });
});

describe('GET /my/delegations and POST /my/delegations/{id}/end', () => {
  it("lists an approver's own delegations only, an administrator's all", async () => {
    await name();
    await name(asAdmin, {
      ...request,
      approverEmail: finance.email,
      delegate: { name: '赵六', email: 'zhao@x.gov.cn' },
    });

    const mine = await invoke('GET', '/my/delegations', asChief);
    const all = await invoke('GET', '/my/delegations', asAdmin);

    expect(mine.status).toBe(200);
    expect(mine.body.delegations.map((d: { approverEmail: string }) => d.approverEmail)).toEqual([
      chief.email,
    ]);
    expect(mine.body.today).toBe('2026-03-02');
    expect(all.body.delegations).toHaveLength(2);
  });

  it("ends the approver's own delegation and keeps it with who ended it; refuses another approver with 403", async () => {
    const { delegation } = (await name()).body;
    const asFinance = staffClaims({ sub: 'fin-1', email: finance.email, roles: '[approver]' });

    const refused = await invoke(
      'POST',
      `/my/delegations/${delegation.id}/end`,
      asFinance,
      undefined,
      delegation.id,
    );
    const ended = await invoke(
      'POST',
      `/my/delegations/${delegation.id}/end`,
      asChief,
      undefined,
      delegation.id,
    );
    const unknown = await invoke('POST', '/my/delegations/DEL-x/end', asChief, undefined, 'DEL-x');

    expect(refused.status).toBe(403);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      outcome: 'ENDED',
      delegation: { id: delegation.id, endedAt: '2026-03-02T08:00:00.000Z', endedBy: chief.email },
    });
    expect(unknown.status).toBe(404);
    expect((await fakes.delegations.list()).delegations).toHaveLength(1);
  });
});
