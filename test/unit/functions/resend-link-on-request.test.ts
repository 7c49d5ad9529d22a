import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { httpEvent, lambdaContext, staffClaims, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { testLinkKey } from '../../support/handler-harness.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/resend-link-on-request/handler.js');

const PURCHASE_ID = 'PUR-2026-RESENDLINKBBBBBB';
const CHIEF = { name: '陈科长', email: 'chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' as const };

let fakes: Fakes;
let taskId: string;

beforeEach(async () => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'APPROVAL' }));
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    purpose: 'APPROVAL',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: CHIEF,
    taskToken: 'token-of-the-approval-wait',
    expiresAt: '2026-03-06T08:00:00.000Z',
    now: '2026-03-02T08:00:00.000Z',
  });
  taskId = task.taskId;
});

const invoke = async (
  body: unknown,
  claims: Record<string, unknown> = staffClaims(),
  purchaseId = PURCHASE_ID,
) => {
  const handler = createHandler({
    tasks: fakes.tasks,
    purchases: fakes.purchases,
    mailer: fakes.mailer,
    linkKey: testLinkKey,
    baseUrl: 'https://purchases.example.gov.cn',
    now: fakes.clock.now,
  });
  const event = httpEvent({
    method: 'POST',
    path: `/purchases/${purchaseId}/resend-link`,
    route: '/purchases/{id}/resend-link',
    pathParameters: { id: purchaseId },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    claims,
  });
  return structured(await handler(event, lambdaContext('resend-link-on-request')));
};

describe('POST /purchases/{id}/resend-link', () => {
  it('mails the assignee a new link for an officer, and names the officer on the audit trail', async () => {
    const answer = await invoke({ taskId });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      outcome: 'RESENT',
      previousTaskId: taskId,
      to: CHIEF.email,
    });
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([CHIEF.email]);
    expect((await fakes.tasks.getTask(taskId))?.status).not.toBe('PENDING');
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      actor: 'officer@civil-affairs.example.gov.cn',
      action: 'task.link-resent',
    });
  });

  it('answers 403 to an auditor and an approver, and mails nothing', async () => {
    for (const roles of ['[auditor]', '[approver]']) {
      expect((await invoke({ taskId }, staffClaims({ roles }))).statusCode).toBe(403);
    }
    expect(fakes.mailer.sent).toHaveLength(0);
  });

  it('answers 400 naming taskId when it is not a task id', async () => {
    const answer = await invoke({ taskId: 'x' });
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).errors.map((e: { field: string }) => e.field)).toEqual(['taskId']);
  });

  it("answers 404 for a task of another purchase than the page's, and reissues nothing", async () => {
    const answer = await invoke({ taskId }, staffClaims(), 'PUR-2026-OTHERPURCHASEAAA');
    expect(answer.statusCode).toBe(404);
    expect((await fakes.tasks.getTask(taskId))?.status).toBe('PENDING');
  });

  it('answers 409 once the task is no longer pending', async () => {
    await invoke({ taskId });
    const again = await invoke({ taskId });
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ outcome: 'NOT_PENDING' });
  });
});
