import { describe, expect, it, vi } from 'vitest';
import {
  DELIVERY_FAILED_ACTION,
  DELIVERY_TAKEOVER_SECONDS,
} from '../../../../shared/usecases/task-links/deliver-decision.js';
import {
  approve,
  deps,
  expectStatus,
  fakes,
  PURCHASE_ID,
  post,
  settings,
  TOKEN,
  task,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('deciding (POST)', () => {
  it('tells onDecided once per decision: not for a repeat, nor for a refused post', async () => {
    const decided = vi.fn();
    deps.onDecided = decided;
    await post({ nonce: 'wrong-nonce-wrong-nonce!', decision: 'APPROVE', confirmed: '1', comment: '' });
    await approve();
    await approve();

    expect(decided.mock.calls).toEqual([['APPROVAL']]);
  });

  it('without the nonce answers 400 and does not try to decide', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(await post({ decision: 'APPROVE', confirmed: '1' }), 400);
    expectStatus(await post({ nonce: '', decision: 'APPROVE', confirmed: '1' }), 400);
    expect(decide).not.toHaveBeenCalled();
  });

  it('with neither APPROVE nor REJECT answers 400 and does not try to decide', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(await post({ nonce: task.nonce, decision: 'MAYBE' }), 400);
    expectStatus(await post({ nonce: task.nonce }), 400);
    expect(decide).not.toHaveBeenCalled();
  });

  it('a rejection without a comment (or only blanks) answers 400 and does not try to decide', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(await post({ nonce: task.nonce, decision: 'REJECT' }), 400);
    expectStatus(await post({ nonce: task.nonce, decision: 'REJECT', comment: ' \n\t ' }), 400);
    expect(decide).not.toHaveBeenCalled();
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
  });

  it('a comment over 1000 characters answers 400', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(
      await post({ nonce: task.nonce, decision: 'APPROVE', confirmed: '1', comment: '长'.repeat(1001) }),
      400,
    );
    expect(decide).not.toHaveBeenCalled();
  });

  it('a bad signature answers 403 before anything is read', async () => {
    const getTask = vi.spyOn(fakes.tasks, 'getTask');
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(
      await post({ nonce: task.nonce, decision: 'APPROVE', confirmed: '1' }, task.taskId, 'y'.repeat(43)),
      403,
    );
    expect(getTask).not.toHaveBeenCalled();
    expect(decide).not.toHaveBeenCalled();
  });

  it('a wrong nonce answers 400 and records nothing', async () => {
    expectStatus(await post({ nonce: 'not-the-nonce', decision: 'APPROVE', confirmed: '1' }), 400);
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a valid decision is recorded, handed to the execution with decision, by, comment and taskId, and marked delivered', async () => {
    const page = await post({
      nonce: task.nonce,
      decision: 'APPROVE',
      confirmed: '1',
      comment: '  同意立项  ',
    });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: {
          decision: 'APPROVE',
          by: settings.approval.approvers.SECTION_CHIEF.email,
          comment: '同意立项',
          taskId: task.taskId,
        },
      },
    ]);
    expect(fakes.tasks.stored(task.taskId)).toMatchObject({
      status: 'DECIDED',
      deliveredAt: '2026-03-02T08:00:00.000Z',
    });
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.approvals.SECTION_CHIEF).toMatchObject({ decision: 'APPROVE', comment: '同意立项' });
  });

  it('a rejection with its reason is handed over as REJECT with the comment', async () => {
    await post({ nonce: task.nonce, decision: 'REJECT', comment: '服务内容属于负面清单' });
    expect(fakes.callbacks.succeeded[0]?.output).toMatchObject({
      decision: 'REJECT',
      comment: '服务内容属于负面清单',
    });
  });

  it('a second POST shows the first decision and calls succeed no second time', async () => {
    await approve('同意');
    const markDelivered = vi.spyOn(fakes.tasks, 'markDelivered');

    const page = await post({ nonce: task.nonce, decision: 'REJECT', comment: '改变主意' });

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(page.html).not.toContain('改变主意');
    expect(fakes.callbacks.succeeded).toHaveLength(1);
    expect(markDelivered).not.toHaveBeenCalled();
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
  });

  it('a decision recorded but not delivered (the callback failed) is put on the audit log and delivered by the next POST', async () => {
    fakes.callbacks.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(approve()).rejects.toThrow('Rate exceeded');
    expect(fakes.tasks.stored(task.taskId).status).toBe('DECIDED');
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeUndefined();
    const failed = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === DELIVERY_FAILED_ACTION,
    );
    expect(failed.map((e) => e.detail)).toEqual([
      { taskId: task.taskId, purpose: 'APPROVAL', error: 'ThrottlingException' },
    ]);
    expect(JSON.stringify(failed)).not.toContain(TOKEN);

    fakes.callbacks.failWith = undefined;
    const page = await approve();

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(fakes.callbacks.succeeded).toHaveLength(1);
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeDefined();
  });

  it('a decision whose POST ended without a word (a crash) is delivered by a POST once that request must be over', async () => {
    await fakes.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '同意',
      now: fakes.clock.now(),
    });
    fakes.clock.advanceSeconds(DELIVERY_TAKEOVER_SECONDS);

    const page = await approve();

    expectStatus(page, 410);
    expect(fakes.callbacks.succeeded.map((c) => c.taskToken)).toEqual([TOKEN]);
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeDefined();
  });

  it('a POST racing the one that recorded the decision (not delivered yet) leaves the delivery to it: no second succeed', async () => {
    // The first POST has recorded its decision and is still on its way to SendTaskSuccess.
    await fakes.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '同意',
      now: fakes.clock.now(),
    });
    fakes.clock.advanceSeconds(DELIVERY_TAKEOVER_SECONDS - 1);

    const page = await post({ nonce: task.nonce, decision: 'REJECT', comment: '第二个标签页' });

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(page.html).toContain('批准 Approved');
    expect(fakes.callbacks.succeeded).toHaveLength(0);
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeUndefined();
  });

  it('when no execution waits (TaskClosedError) while the purchase is in APPROVAL, keeps the decision for the resumed execution', async () => {
    fakes.callbacks.closed.add(TOKEN);

    const page = await approve();

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(fakes.tasks.stored(task.taskId)).toMatchObject({ status: 'DECIDED' });
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeUndefined();
    expect(deps.log).toHaveBeenCalledWith(expect.any(String), { purchaseId: PURCHASE_ID, stage: 'APPROVAL' });
    expect(JSON.stringify(deps.log.mock.calls)).not.toContain(TOKEN);
  });

  it('when no execution waits (TaskClosedError) and the purchase left APPROVAL, answers 410', async () => {
    fakes.callbacks.closed.add(TOKEN);
    const stored = fakes.purchases.records.get(PURCHASE_ID);
    if (stored) stored.stage = 'REJECTED';

    const page = await approve();

    expectStatus(page, 410);
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeUndefined();
  });

  it('an expired link answers 410 and records nothing', async () => {
    fakes.clock.set('2026-03-06T00:00:00.000Z');
    expectStatus(await approve(), 410);
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a link replaced by an escalation answers 410 and records nothing', async () => {
    fakes.tasks.stored(task.taskId).status = 'SUPERSEDED';
    expectStatus(await approve(), 410);
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.approvals).toEqual({});
  });
});

describe('approving takes a deliberate second step', () => {
  it('answers Approve with a confirmation step naming the purchase and the approver, and records nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const page = await post({ nonce: task.nonce, decision: 'APPROVE', comment: '同意 <b>立项</b>' });

    expectStatus(page, 200);
    expect(page.html).toContain('Confirm your approval');
    expect(page.html).toContain(
      `You are deciding as <strong>${settings.approval.approvers.SECTION_CHIEF.name}</strong>`,
    );
    expect(page.html).toMatch(/<input type="checkbox" name="confirmed" value="1" required>/);
    expect(page.html).toContain('<input type="hidden" name="comment" value="同意 &lt;b&gt;立项&lt;/b&gt;">');
    expect(decide).not.toHaveBeenCalled();
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);

    const confirmed = await post({
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '同意 <b>立项</b>',
      confirmed: '1',
    });
    expect(confirmed.html).toContain('Your decision has been recorded');
    expect(fakes.tasks.stored(task.taskId).decision?.comment).toBe('同意 <b>立项</b>');
  });

  it('shows the confirmation step only to a post that carried the nonce', async () => {
    const page = await post({ nonce: 'not-the-nonce', decision: 'APPROVE' });
    expectStatus(page, 400);
    expect(page.html).not.toContain(task.nonce);
  });

  it('records a rejection at once: only approving needs the second step', async () => {
    const page = await post({ nonce: task.nonce, decision: 'REJECT', comment: '预算不符' });
    expect(page.html).toContain('Your decision has been recorded');
  });
});

describe("the finance section's approval, from its shared mailbox", () => {
  it('asks who acts on the first step and carries the address, not a second empty field, to the confirmation', async () => {
    const finance = settings.approval.approvers.FINANCE_SECTION;
    const { task: financeTask } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'APPROVAL:FINANCE_SECTION',
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      assignee: { ...finance, role: 'FINANCE_SECTION' },
      taskToken: 'sfn-finance-token',
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    });
    const form = {
      nonce: financeTask.nonce,
      decision: 'APPROVE',
      comment: '资金已落实',
      actingEmail: 'Clerk@civil-affairs.example.gov.cn',
    };

    const step = await post(form, financeTask.taskId);

    expectStatus(step, 200);
    expect(step.html.match(/name="actingEmail"/g)).toHaveLength(1);
    expect(step.html).toContain(
      '<input type="hidden" name="actingEmail" value="clerk@civil-affairs.example.gov.cn">',
    );
    const recorded = await post(
      { ...form, actingEmail: 'clerk@civil-affairs.example.gov.cn', confirmed: '1' },
      financeTask.taskId,
    );
    expect(recorded.html).toContain('Your decision has been recorded');
    expect(fakes.tasks.stored(financeTask.taskId).decision?.data).toEqual({
      actedBy: 'clerk@civil-affairs.example.gov.cn',
    });
  });
});
