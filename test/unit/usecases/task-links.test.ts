import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { PolicySettings } from '../../../shared/config/settings.js';
import { largeElderlyCareProposal } from '../../../shared/domain/sample-proposals.js';
import { signTaskId } from '../../../shared/links/signing.js';
import type { HtmlPage } from '../../../shared/pages/layout.js';
import type { HumanTask } from '../../../shared/persistence/ports.js';
import {
  type DecisionForm,
  decideTask,
  showTask,
  type TaskLinkDeps,
} from '../../../shared/usecases/task-links.js';
import {
  createFakes,
  type Fakes,
  purchaseRecord,
  TEST_LINK_KEY,
  testPolicySettings,
} from '../../support/fakes.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'sfn-task-token-AAAAsecretBBBB';
let fakes: Fakes;
let settings: PolicySettings;
let deps: TaskLinkDeps & { log: Mock<(message: string, detail?: Record<string, unknown>) => void> };
let task: HumanTask;

const sigOf = (taskId: string) => signTaskId(taskId, TEST_LINK_KEY);
const show = (taskId = task.taskId, sig: string | undefined = sigOf(taskId)) =>
  showTask(deps, { taskId, sig });
const post = (form: DecisionForm, taskId = task.taskId, sig: string | undefined = sigOf(taskId)) =>
  decideTask(deps, { taskId, sig, form });
const approve = (comment = '同意立项') => post({ nonce: task.nonce, decision: 'APPROVE', comment });

function expectStatus(page: HtmlPage, statusCode: number): void {
  expect(page.statusCode).toBe(statusCode);
  expect(page.html).toMatch(/^<!doctype html>/);
}

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  settings = testPolicySettings();
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    }),
  );
  ({ task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...settings.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    taskToken: TOKEN,
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  }));
  deps = {
    tasks: fakes.tasks,
    purchases: fakes.purchases,
    payments: fakes.payments,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    now: fakes.clock.now,
    log: vi.fn<(message: string, detail?: Record<string, unknown>) => void>(),
  };
});

describe('opening a link (GET/HEAD)', () => {
  it('a bad signature shows 403 without reading the repository', async () => {
    const getTask = vi.spyOn(fakes.tasks, 'getTask');
    const getPurchase = vi.spyOn(fakes.purchases, 'getPurchase');
    const otherTask = randomBytes(18).toString('base64url');

    for (const sig of [undefined, '', 'x'.repeat(43), sigOf(otherTask)]) {
      expectStatus(await showTask(deps, { taskId: task.taskId, sig }), 403);
    }
    // A well-signed link with an altered id is just as forged.
    expectStatus(await show(otherTask, sigOf(task.taskId)), 403);
    expect(getTask).not.toHaveBeenCalled();
    expect(getPurchase).not.toHaveBeenCalled();
  });

  it('an unknown task id with a valid signature shows 404', async () => {
    const unknown = randomBytes(18).toString('base64url');
    expectStatus(await show(unknown), 404);
  });

  it('a pending task shows the confirmation page with the nonce field and without the task token', async () => {
    const page = await show();

    expectStatus(page, 200);
    expect(page.html).toContain(`name="nonce" value="${task.nonce}"`);
    expect(page.html).toContain(largeElderlyCareProposal().title);
    expect(page.html).not.toContain(TOKEN);
  });

  it('an expired link shows 410', async () => {
    fakes.clock.set('2026-03-05T08:00:00.000Z');
    expectStatus(await show(), 410);
  });

  it('a link replaced by an escalation shows 410', async () => {
    fakes.tasks.stored(task.taskId).status = 'SUPERSEDED';
    expectStatus(await show(), 410);
  });

  it('a decided task shows what was decided, by whom, even after it expired', async () => {
    await approve('经费测算合理');
    fakes.clock.set('2026-04-01T00:00:00.000Z');

    const page = await show();

    expectStatus(page, 200);
    expect(page.html).toContain('already decided by');
    expect(page.html).toContain('经费测算合理');
    expect(page.html).not.toContain('name="nonce"');
  });

  it('opening a link changes nothing: no decision, no callback, no delivery mark', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const markDelivered = vi.spyOn(fakes.tasks, 'markDelivered');

    await show();
    await show();

    expect(decide).not.toHaveBeenCalled();
    expect(markDelivered).not.toHaveBeenCalled();
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
  });
});

describe('deciding (POST)', () => {
  it('without the nonce answers 400 and does not try to decide', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(await post({ decision: 'APPROVE' }), 400);
    expectStatus(await post({ nonce: '', decision: 'APPROVE' }), 400);
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
    expectStatus(await post({ nonce: task.nonce, decision: 'APPROVE', comment: '长'.repeat(1001) }), 400);
    expect(decide).not.toHaveBeenCalled();
  });

  it('a bad signature answers 403 before anything is read', async () => {
    const getTask = vi.spyOn(fakes.tasks, 'getTask');
    const decide = vi.spyOn(fakes.tasks, 'decide');
    expectStatus(await post({ nonce: task.nonce, decision: 'APPROVE' }, task.taskId, 'y'.repeat(43)), 403);
    expect(getTask).not.toHaveBeenCalled();
    expect(decide).not.toHaveBeenCalled();
  });

  it('a wrong nonce answers 400 and records nothing', async () => {
    expectStatus(await post({ nonce: 'not-the-nonce', decision: 'APPROVE' }), 400);
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a valid decision is recorded, handed to the execution with decision, by, comment and taskId, and marked delivered', async () => {
    const page = await post({ nonce: task.nonce, decision: 'APPROVE', comment: '  同意立项  ' });

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

    expectStatus(page, 200);
    expect(page.html).toContain('already decided by');
    expect(page.html).not.toContain('改变主意');
    expect(fakes.callbacks.succeeded).toHaveLength(1);
    expect(markDelivered).not.toHaveBeenCalled();
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
  });

  it('a decision recorded but not delivered (the callback failed) is delivered by the next POST', async () => {
    fakes.callbacks.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(approve()).rejects.toThrow('Rate exceeded');
    expect(fakes.tasks.stored(task.taskId).status).toBe('DECIDED');
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeUndefined();

    fakes.callbacks.failWith = undefined;
    const page = await approve();

    expectStatus(page, 200);
    expect(fakes.callbacks.succeeded).toHaveLength(1);
    expect(fakes.tasks.stored(task.taskId).deliveredAt).toBeDefined();
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
