import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { Delegation } from '../../../shared/domain/delegation.js';
import type { TaskAttempt } from '../../../shared/domain/tasks.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF;
const delegate = { name: '王五', email: 'wang.wu@civil-affairs.example.gov.cn' };
let fakes: Fakes;

const ask = (attempt: TaskAttempt, taskToken: string, purpose?: 'COUNTERSIGN') =>
  requestDecision(
    {
      purchases: fakes.purchases,
      budgets: fakes.budgets,
      tasks: fakes.tasks,
      delegations: fakes.delegations,
      settings: TEST_POLICY,
      now: fakes.clock.now,
      mailer: fakes.mailer,
      callbacks: fakes.callbacks,
      linkKey: async () => TEST_LINK_KEY,
      baseUrl: 'https://purchases.example.gov.cn',
    },
    { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt, taskToken, ...(purpose ? { purpose } : {}) },
  );

async function chiefAway(overrides: Partial<Delegation> = {}) {
  const { version } = await fakes.delegations.list();
  const delegation: Delegation = {
    id: 'DEL-1',
    approverEmail: chief.email,
    approverName: chief.name,
    delegate,
    from: '2026-03-02',
    until: '2026-03-06',
    reason: '年假',
    createdBy: chief.email,
    createdAt: '2026-03-01T08:00:00.000Z',
    ...overrides,
  };
  await fakes.delegations.add({ delegation, expectedVersion: version, now: delegation.createdAt });
}

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
    }),
  );
});

describe('requestDecision while the approver is away', () => {
  it('opens the task for the delegate, for the approver, mails the delegate, and audits for whom', async () => {
    await chiefAway();

    const { taskId } = await ask('FIRST', 'token-1');

    expect(fakes.tasks.stored(taskId).assignee).toEqual({
      ...delegate,
      role: 'SECTION_CHIEF',
      onBehalfOf: { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' },
    });
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([delegate.email]);
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      action: 'approval.requested',
      detail: { assignee: delegate.email, onBehalfOf: { name: chief.name, email: chief.email } },
    });
  });

  it("records the delegate's decision as theirs, for the approver, on the purchase and its audit trail", async () => {
    await chiefAway();
    const { taskId } = await ask('FIRST', 'token-1');
    const task = fakes.tasks.stored(taskId);

    await fakes.tasks.decide({
      taskId,
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '同意',
      now: fakes.clock.now(),
    });

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.approvals.SECTION_CHIEF).toMatchObject({
      by: delegate.email,
      byName: delegate.name,
      onBehalfOf: { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' },
    });
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      actor: delegate.email,
      action: 'approval.decided',
      detail: { onBehalfOf: { name: chief.name, email: chief.email } },
    });
  });

  it('sends the escalation to the deputy although the delegation is active', async () => {
    await chiefAway();

    const { taskId } = await ask('ESCALATION', 'token-3');

    expect(fakes.tasks.stored(taskId).assignee).toEqual({ ...TEST_POLICY.approval.deputy, role: 'DEPUTY' });
  });

  it('sends the countersignature to the delegate too', async () => {
    await chiefAway();
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'CONTRACTING',
        approvalLevels: ['SECTION_CHIEF'],
      }),
    );

    const { taskId } = await ask('FIRST', 'token-c', 'COUNTERSIGN');

    expect(fakes.tasks.stored(taskId).assignee.onBehalfOf?.email).toBe(chief.email);
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([delegate.email]);
  });

  it('asks the approver again once the delegation was ended', async () => {
    await chiefAway();
    await fakes.delegations.end({ id: 'DEL-1', by: chief.email, now: '2026-03-02T07:00:00.000Z' });

    const { taskId } = await ask('FIRST', 'token-1');

    expect(fakes.tasks.stored(taskId).assignee).toEqual({ ...chief, role: 'SECTION_CHIEF' });
  });

  it('sends the reminder to the delegate who holds the task from the first ask', async () => {
    await chiefAway();
    const { taskId } = await ask('FIRST', 'token-1');

    await ask('REMINDER', 'token-2');

    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([delegate.email, delegate.email]);
    expect(fakes.mailer.sent[1]?.text).toContain(`${delegate.name} 代 ${chief.name}审批`);
    expect(fakes.tasks.stored(taskId).attempt).toBe('REMINDER');
  });

  it('keeps the reminder with whoever holds the link: a delegation named after the first ask does not hand it on', async () => {
    const { taskId } = await ask('FIRST', 'token-1');
    await chiefAway();

    await ask('REMINDER', 'token-2');

    expect(fakes.tasks.stored(taskId).assignee.email).toBe(chief.email);
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([chief.email, chief.email]);
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      action: 'approval.requested',
      detail: { attempt: 'REMINDER', assignee: chief.email },
    });
    expect(audit.at(-1)?.detail.onBehalfOf).toBeUndefined();
  });
});
