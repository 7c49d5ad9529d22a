import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import { signTaskId } from '../../../shared/links/signing.js';
import type { HtmlPage } from '../../../shared/presentation/pages/layout.js';
import {
  DELIVERY_FAILED_ACTION,
  DELIVERY_TAKEOVER_SECONDS,
  type DecisionForm,
  DOCUMENT_LINK_SECONDS,
  decideTask,
  REVIEWED_UPLOAD_KINDS,
  type ReviewedDocument,
  reviewedUploadLinks,
  showTask,
  type TaskLinkDeps,
} from '../../../shared/usecases/task-links.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'sfn-task-token-AAAAsecretBBBB';
let fakes: Fakes;
const settings = TEST_POLICY;
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

    expectStatus(page, 410);
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

const CONTRACTING_ID = 'PUR-2026-CNTRACTNGABCDEFGH';
const COUNTERSIGN_TOKEN = 'sfn-countersign-token-CCCCsecretDDDD';
const SECTION_CHIEF = {
  name: '王科长',
  email: 'section-chief@civil-affairs.example.gov.cn',
  role: 'SECTION_CHIEF',
};
const FINANCE = { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' };

async function openCountersign(): Promise<HumanTask> {
  const opened = await fakes.tasks.openTask({
    purchaseId: CONTRACTING_ID,
    stepKey: 'COUNTERSIGN:1',
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: COUNTERSIGN_TOKEN,
    context: { round: 1 },
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened.task;
}

async function openPaymentConfirmation(): Promise<HumanTask> {
  const { task: confirm } = await fakes.tasks.openTask({
    purchaseId: CONTRACTING_ID,
    stepKey: 'PAYMENT:1',
    purpose: 'PAYMENT_CONFIRMATION',
    level: 'FINANCE_SECTION',
    attempt: 'FIRST',
    assignee: FINANCE,
    context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 4_320_000, dueDate: '2026-04-01' },
    expiresAt: '2026-04-15T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  await fakes.payments.openPayment(
    {
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 4_320_000,
      dueDate: '2026-04-01',
      notifiedAt: fakes.clock.now(),
      confirmTaskId: confirm.taskId,
    },
    fakes.clock.now(),
  );
  return confirm;
}

function seedContracting(): void {
  fakes.purchases.seed(purchaseRecord(CONTRACTING_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
}

describe('countersignature links', () => {
  let countersign: HumanTask;
  const postTo = (form: DecisionForm) => post(form, countersign.taskId);

  beforeEach(async () => {
    seedContracting();
    countersign = await openCountersign();
  });

  it('GET shows the countersignature page with the signed-contract link the deps give for this task', async () => {
    const documentUrl = vi.fn(
      async (t: HumanTask): Promise<ReviewedDocument[]> => [
        { kind: 'MIDTERM_REPORT', url: `https://documents.example/${t.purchaseId}/report.pdf` },
        {
          kind: 'SIGNED_CONTRACT',
          url: `https://documents.example/${t.purchaseId}/signed.pdf?X-Amz-Signature=s`,
        },
      ],
    );
    deps.documentUrls = documentUrl;

    const page = await show(countersign.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Countersign the contract');
    expect(page.html).toContain(
      `href="https://documents.example/${CONTRACTING_ID}/signed.pdf?X-Amz-Signature=s"`,
    );
    expect(page.html).toContain(`name="nonce" value="${countersign.nonce}"`);
    expect(page.html).not.toContain('report.pdf');
    expect(page.html).not.toContain(COUNTERSIGN_TOKEN);
    expect(documentUrl).toHaveBeenCalledTimes(1);
    expect(documentUrl.mock.calls[0]?.[0].taskId).toBe(countersign.taskId);
  });

  it('GET without a documentUrls dependency shows the page with no link', async () => {
    const page = await show(countersign.taskId);

    expectStatus(page, 200);
    expect(page.html).not.toMatch(/<a\b/);
  });

  it('accepts only COUNTERSIGN and REFUSE: APPROVE or CONFIRM answer 400 and decide nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['APPROVE', 'REJECT', 'CONFIRM', 'MAYBE', undefined]) {
      const page = await postTo({ nonce: countersign.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Countersign or the Refuse button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a refusal without saying what to fix answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, '', '  \n ']) {
      const page = await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('say what the NGO must fix');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a countersignature is recorded under its step and delivered to the waiting execution once', async () => {
    const page = await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN', comment: '' });
    await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment: '改主意' });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(page.html).toContain('会签 Countersigned');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: COUNTERSIGN_TOKEN,
        output: { decision: 'COUNTERSIGN', by: SECTION_CHIEF.email, comment: '', taskId: countersign.taskId },
      },
    ]);
    expect(fakes.tasks.stored(countersign.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
    const purchase = await fakes.purchases.getPurchase(CONTRACTING_ID);
    expect(purchase?.decisions['COUNTERSIGN:1']).toMatchObject({
      decision: 'COUNTERSIGN',
      by: SECTION_CHIEF.email,
    });
  });

  it('a refusal carries what to fix to the execution', async () => {
    await postTo({ nonce: countersign.nonce, decision: 'REFUSE', comment: ' 请加盖公章 ' });

    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: COUNTERSIGN_TOKEN,
      output: { decision: 'REFUSE', comment: '请加盖公章' },
    });
  });

  it('when no execution waits and the purchase left CONTRACTING, answers 410; while in CONTRACTING, shows it recorded', async () => {
    fakes.callbacks.closed.add(COUNTERSIGN_TOKEN);
    const stored = fakes.purchases.records.get(CONTRACTING_ID);
    if (stored) stored.stage = 'TERMINATED';
    expectStatus(await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN' }), 410);

    if (stored) stored.stage = 'CONTRACTING';
    const again = await postTo({ nonce: countersign.nonce, decision: 'COUNTERSIGN' });
    expectStatus(again, 410);
    expect(fakes.tasks.stored(countersign.taskId).deliveredAt).toBeUndefined();
  });
});

describe('payment confirmation links', () => {
  let confirm: HumanTask;
  const postTo = (form: DecisionForm) => post(form, confirm.taskId);

  beforeEach(async () => {
    seedContracting();
    confirm = await openPaymentConfirmation();
  });

  it('GET shows the tranche, amount and due date with the reference input', async () => {
    const page = await show(confirm.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('第 1 笔 Tranche 1');
    expect(page.html).toContain('¥43,200.00');
    expect(page.html).toContain('2026-04-01');
    expect(page.html).toContain('name="reference"');
  });

  it('accepts only CONFIRM', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['APPROVE', 'REJECT', 'REFUSE', 'COUNTERSIGN', undefined]) {
      const page = await postTo({ nonce: confirm.nonce, decision, reference: 'TX-0001' });
      expectStatus(page, 400);
      expect(page.html).toContain('Confirm payment made button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a missing or malformed reference answers 400 naming the field, and nothing is recorded', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');
    for (const reference of [
      undefined,
      '',
      '   ',
      'abc',
      'x'.repeat(65),
      'TX 0001',
      '流水号0001',
      'TX;0001',
    ]) {
      const page = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference });
      expectStatus(page, 400);
      expect(page.html).toContain('reference');
      expect(page.html).toContain('银行交易流水号');
    }
    expect(decide).not.toHaveBeenCalled();
    expect(confirmPayment).not.toHaveBeenCalled();
  });

  it('a confirmation records the reference on the decision and confirms the payment once, even on a double POST', async () => {
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');

    const page = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: ' BOC-2026/03_0042 ' });
    const second = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'OTHER-9999' });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(page.html).toContain('BOC-2026/03_0042');
    expectStatus(second, 410);
    expect(second.html).toContain('already decided by');
    expect(second.html).toContain('BOC-2026/03_0042');
    expect(second.html).not.toContain('OTHER-9999');
    expect(confirmPayment).toHaveBeenCalledTimes(1);
    expect(confirmPayment).toHaveBeenCalledWith({
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      by: FINANCE.email,
      reference: 'BOC-2026/03_0042',
      now: '2026-03-02T08:00:00.000Z',
    });
    expect(fakes.tasks.stored(confirm.taskId).decision?.data).toEqual({ reference: 'BOC-2026/03_0042' });
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]).toMatchObject({
      status: 'CONFIRMED',
      confirmedBy: FINANCE.email,
      reference: 'BOC-2026/03_0042',
    });
    // Nobody waits on a payment confirmation: nothing is sent to Step Functions.
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a confirmation recorded whose payment step was missed (a crash) is completed by the next POST', async () => {
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');
    confirmPayment.mockRejectedValueOnce(new Error('connection reset'));
    await expect(postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'TX-0001' })).rejects.toThrow(
      'connection reset',
    );
    expect(fakes.tasks.stored(confirm.taskId).status).toBe('DECIDED');

    const page = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'TX-0002' });

    expectStatus(page, 410);
    expect(confirmPayment).toHaveBeenCalledTimes(2);
    expect(confirmPayment).toHaveBeenLastCalledWith(
      expect.objectContaining({ tranche: 1, reference: 'TX-0001' }),
    );
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]?.status).toBe('CONFIRMED');
  });

  it('a confirmation recorded whose payment step was missed is completed when the link is opened again', async () => {
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');
    confirmPayment.mockRejectedValueOnce(new Error('connection reset'));
    await expect(postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'TX-0001' })).rejects.toThrow(
      'connection reset',
    );

    const page = await show(confirm.taskId);
    const again = await show(confirm.taskId);

    expectStatus(page, 410);
    expect(page.html).not.toContain('name="nonce"');
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]).toMatchObject({
      status: 'CONFIRMED',
      reference: 'TX-0001',
    });
    // Once completed, a later visit finds nothing left to do.
    expectStatus(again, 410);
    expect(confirmPayment).toHaveBeenCalledTimes(2);
  });

  it('a confirmation of a tranche no longer payable is recorded and logged, not refused', async () => {
    await fakes.payments.closePayment({
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 4_320_000,
      status: 'CANCELLED',
      reason: 'terminated',
      now: fakes.clock.now(),
    });

    const page = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'TX-0001' });

    expectStatus(page, 200);
    expect(deps.log).toHaveBeenCalledWith(expect.stringContaining('not payable'), {
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      status: 'CANCELLED',
    });
  });
});

const MIDTERM_ID = 'PUR-2026-MDTRMRVWABCDEFGH';
const REVIEW_TOKEN = 'sfn-midterm-review-token-EEEEsecretFFFF';
const LATE_TOKEN = 'sfn-late-report-token-GGGGsecretHHHH';

function seedMidterm(): void {
  fakes.purchases.seed(purchaseRecord(MIDTERM_ID, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
}

async function openMidtermReview(context: Record<string, string | number> = { round: 1, maxRounds: 3 }) {
  const { task: opened } = await fakes.tasks.openTask({
    purchaseId: MIDTERM_ID,
    stepKey: `MIDTERM_REVIEW:${context.round ?? 1}`,
    purpose: 'MIDTERM_REVIEW',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: REVIEW_TOKEN,
    context,
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened;
}

async function openLateReport(): Promise<HumanTask> {
  const { task: opened } = await fakes.tasks.openTask({
    purchaseId: MIDTERM_ID,
    stepKey: 'LATE_REPORT:1',
    purpose: 'LATE_REPORT',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: SECTION_CHIEF,
    taskToken: LATE_TOKEN,
    context: { dueDate: '2026-02-01', round: 1 },
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  return opened;
}

describe('mid-term review links', () => {
  let review: HumanTask;
  const postTo = (form: DecisionForm) => post(form, review.taskId);

  beforeEach(async () => {
    seedMidterm();
    review = await openMidtermReview();
  });

  it('GET shows the review page with the round, the report link the deps give for this task, and all three buttons', async () => {
    const documentUrl = vi.fn(
      async (t: HumanTask): Promise<ReviewedDocument[]> => [
        {
          kind: 'MIDTERM_REPORT',
          url: `https://documents.example/${t.purchaseId}/report.pdf?X-Amz-Signature=s`,
        },
      ],
    );
    deps.documentUrls = documentUrl;

    const page = await show(review.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Mid-term review');
    expect(page.html).toContain('Round 1 of 3');
    expect(page.html).toContain(
      `href="https://documents.example/${MIDTERM_ID}/report.pdf?X-Amz-Signature=s"`,
    );
    expect(page.html).toContain(`name="nonce" value="${review.nonce}"`);
    for (const decision of ['PASS', 'RECTIFY', 'TERMINATE'])
      expect(page.html).toContain(`value="${decision}"`);
    expect(page.html).not.toContain(REVIEW_TOKEN);
    expect(documentUrl.mock.calls[0]?.[0].taskId).toBe(review.taskId);
  });

  it('GET in the last round offers no Rectify button', async () => {
    const last = await openMidtermReview({ round: 3, maxRounds: 3 });

    const page = await show(last.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('value="PASS"');
    expect(page.html).toContain('value="TERMINATE"');
    expect(page.html).not.toContain('value="RECTIFY"');
  });

  it('accepts only PASS, RECTIFY and TERMINATE: decisions of other purposes answer 400 and decide nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['APPROVE', 'COUNTERSIGN', 'REFUSE', 'CONFIRM', 'EXTEND', 'SUBMIT', undefined]) {
      const page = await postTo({ nonce: review.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Pass, the Rectify or the Terminate button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a rectification without saying what to fix answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, '', '  \n ']) {
      const page = await postTo({ nonce: review.nonce, decision: 'RECTIFY', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('say what the NGO must fix');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a termination without its reason answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const comment of [undefined, ' ']) {
      const page = await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment });
      expectStatus(page, 400);
      expect(page.html).toContain('When terminating the purchase, give the reason');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a rectification in the last round answers 400 naming the round, and decides nothing', async () => {
    const last = await openMidtermReview({ round: 3, maxRounds: 3 });
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await post({ nonce: last.nonce, decision: 'RECTIFY', comment: '补充台账' }, last.taskId);

    expectStatus(page, 400);
    expect(page.html).toContain('This is the last round (round 3 of 3)');
    expect(page.html).toContain('已是最后一轮（第 3 轮，共 3 轮）');
    expect(decide).not.toHaveBeenCalled();
    expect(fakes.tasks.stored(last.taskId).status).toBe('PENDING');
  });

  it('a rectification of a review whose context lacks the last round answers 400 saying so', async () => {
    const unknown = await openMidtermReview({ round: 2 });
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await post(
      { nonce: unknown.nonce, decision: 'RECTIFY', comment: '补充台账' },
      unknown.taskId,
    );

    expectStatus(page, 400);
    expect(page.html).toContain('does not record its round or the last round');
    expect(decide).not.toHaveBeenCalled();
  });

  it('a pass is recorded under its step and delivered to the waiting execution once', async () => {
    const page = await postTo({ nonce: review.nonce, decision: 'PASS', comment: '' });
    await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment: '改主意' });

    expectStatus(page, 200);
    expect(page.html).toContain('Your decision has been recorded');
    expect(page.html).toContain('通过 Passed');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: REVIEW_TOKEN,
        output: { decision: 'PASS', by: SECTION_CHIEF.email, comment: '', taskId: review.taskId },
      },
    ]);
    expect(fakes.tasks.stored(review.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
    const purchase = await fakes.purchases.getPurchase(MIDTERM_ID);
    expect(purchase?.decisions['MIDTERM_REVIEW:1']).toMatchObject({
      decision: 'PASS',
      by: SECTION_CHIEF.email,
    });
  });

  it('a rectification before the last round carries what to fix to the execution', async () => {
    await postTo({ nonce: review.nonce, decision: 'RECTIFY', comment: ' 请补充服务台账 ' });

    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: REVIEW_TOKEN,
        output: {
          decision: 'RECTIFY',
          by: SECTION_CHIEF.email,
          comment: '请补充服务台账',
          taskId: review.taskId,
        },
      },
    ]);
  });

  it('a termination carries its reason to the execution', async () => {
    const page = await postTo({ nonce: review.nonce, decision: 'TERMINATE', comment: '服务未按合同开展' });

    expectStatus(page, 200);
    expect(page.html).toContain('终止 Terminated');
    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: REVIEW_TOKEN,
      output: { decision: 'TERMINATE', comment: '服务未按合同开展' },
    });
  });

  it('when no execution waits and the purchase left MIDTERM_REVIEW, answers 410; while in MIDTERM_REVIEW, shows it recorded', async () => {
    fakes.callbacks.closed.add(REVIEW_TOKEN);
    const stored = fakes.purchases.records.get(MIDTERM_ID);
    if (stored) stored.stage = 'TERMINATED';
    expectStatus(await postTo({ nonce: review.nonce, decision: 'PASS' }), 410);

    if (stored) stored.stage = 'MIDTERM_REVIEW';
    const again = await postTo({ nonce: review.nonce, decision: 'PASS' });
    expectStatus(again, 410);
    expect(fakes.tasks.stored(review.taskId).deliveredAt).toBeUndefined();
  });
});

describe('late report links', () => {
  let lateTask: HumanTask;
  const postTo = (form: DecisionForm) => post(form, lateTask.taskId);

  beforeEach(async () => {
    seedMidterm();
    lateTask = await openLateReport();
  });

  it('GET shows the due date, the days late to today and the Extend / Terminate buttons, without the token', async () => {
    const page = await show(lateTask.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Mid-term report overdue');
    expect(page.html).toContain('2026-02-01');
    // 2026-03-02 16:00 in China is 29 days after 2026-02-01.
    expect(page.html).toContain('29 天 29 days');
    expect(page.html).toContain('value="EXTEND"');
    expect(page.html).toContain('value="TERMINATE"');
    expect(page.html).not.toContain('value="PASS"');
    expect(page.html).not.toContain(LATE_TOKEN);
  });

  it('GET asks for no document link', async () => {
    const documentUrl = vi.fn(
      async (): Promise<ReviewedDocument[]> => [
        { kind: 'MIDTERM_REPORT', url: 'https://documents.example/x.pdf' },
      ],
    );
    deps.documentUrls = documentUrl;

    const page = await show(lateTask.taskId);

    expect(page.html).not.toMatch(/<a\b/);
    expect(documentUrl).not.toHaveBeenCalled();
  });

  it('accepts only EXTEND and TERMINATE: a decision of the review or another purpose answers 400', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    for (const decision of ['PASS', 'RECTIFY', 'APPROVE', 'COUNTERSIGN', 'CONFIRM', undefined]) {
      const page = await postTo({ nonce: lateTask.nonce, decision, comment: '意见' });
      expectStatus(page, 400);
      expect(page.html).toContain('Extend or the Terminate button');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a termination without its reason answers 400 and decides nothing', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const page = await postTo({ nonce: lateTask.nonce, decision: 'TERMINATE', comment: '' });
    expectStatus(page, 400);
    expect(page.html).toContain('give the reason');
    expect(decide).not.toHaveBeenCalled();
  });

  it('an extension without a comment is recorded and delivered to the waiting execution', async () => {
    const page = await postTo({ nonce: lateTask.nonce, decision: 'EXTEND' });

    expectStatus(page, 200);
    expect(page.html).toContain('延期 Extended');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: LATE_TOKEN,
        output: { decision: 'EXTEND', by: SECTION_CHIEF.email, comment: '', taskId: lateTask.taskId },
      },
    ]);
    const purchase = await fakes.purchases.getPurchase(MIDTERM_ID);
    expect(purchase?.decisions['LATE_REPORT:1']).toMatchObject({ decision: 'EXTEND' });
  });

  it('a termination with its reason is delivered to the waiting execution', async () => {
    await postTo({ nonce: lateTask.nonce, decision: 'TERMINATE', comment: '多次催告仍未提交' });

    expect(fakes.callbacks.succeeded[0]).toMatchObject({
      taskToken: LATE_TOKEN,
      output: { decision: 'TERMINATE', comment: '多次催告仍未提交' },
    });
  });

  it('when no execution waits and the purchase left MIDTERM_REVIEW, answers 410', async () => {
    fakes.callbacks.closed.add(LATE_TOKEN);
    const stored = fakes.purchases.records.get(MIDTERM_ID);
    if (stored) stored.stage = 'TERMINATED';

    expectStatus(await postTo({ nonce: lateTask.nonce, decision: 'EXTEND' }), 410);
  });
});

const EVALUATION_ID = 'PUR-2026-VLTNABCDEFGHJKMN';
const EVALUATION_TOKEN = 'sfn-evaluation-token-IIIIsecretJJJJ';
const AGENCY = {
  name: '嘉禾社会研究中心',
  email: 'evaluation@jiahe-research.example.org',
  role: 'EVALUATOR',
};
const REPORTS: ReviewedDocument[] = [
  { kind: 'MIDTERM_REPORT', url: 'https://documents.example/midterm.pdf?X-Amz-Signature=m' },
  { kind: 'FINAL_REPORT', url: 'https://documents.example/final.pdf?X-Amz-Signature=f' },
];

describe('evaluation links', () => {
  let evaluation: HumanTask;
  let documentUrls: Mock<(task: HumanTask) => Promise<ReviewedDocument[]>>;
  const postTo = (form: DecisionForm) => post(form, evaluation.taskId);
  const declare = () => postTo({ nonce: evaluation.nonce, declare: '1' });
  const submit = (scores: Record<string, string>, comment = '') =>
    postTo({ nonce: evaluation.nonce, decision: 'SUBMIT', comment, scores });
  const GOOD_SCORES = { PROFESSIONAL_SERVICE: '85.5', OUTCOMES: '90', MANAGEMENT: '70' };

  beforeEach(async () => {
    fakes.purchases.seed(purchaseRecord(EVALUATION_ID, largeElderlyCareProposal(), { stage: 'EVALUATION' }));
    ({ task: evaluation } = await fakes.tasks.openTask({
      purchaseId: EVALUATION_ID,
      stepKey: 'EVALUATION:1',
      purpose: 'EVALUATION',
      attempt: 'FIRST',
      assignee: AGENCY,
      taskToken: EVALUATION_TOKEN,
      context: { agencyId: 'jiahe-research' },
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    }));
    documentUrls = vi.fn(async () => REPORTS);
    deps.documentUrls = documentUrls;
    deps.rubric = [
      { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
      { criterion: 'OUTCOMES', weight: 40 },
      { criterion: 'MANAGEMENT', weight: 20 },
    ];
    deps.bands = { excellent: 90, good: 80, pass: 60 };
  });

  it('GET before the declaration shows the declaration form and no file link, without presigning any', async () => {
    const page = await show(evaluation.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('Declare independence');
    expect(page.html).toContain(largeElderlyCareProposal().ngo.creditCode);
    expect(page.html).toContain('name="declare" value="1" required');
    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).not.toContain('score_');
    expect(page.html).not.toContain(EVALUATION_TOKEN);
    expect(documentUrls).not.toHaveBeenCalled();
  });

  it('a declaration by POST is recorded and answers with the reports and the rubric', async () => {
    const page = await declare();

    expectStatus(page, 200);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBe('2026-03-02T08:00:00.000Z');
    expect(page.html).toContain('href="https://documents.example/final.pdf?X-Amz-Signature=f"');
    expect(page.html).toContain('href="https://documents.example/midterm.pdf?X-Amz-Signature=m"');
    for (const criterion of ['PROFESSIONAL_SERVICE', 'OUTCOMES', 'MANAGEMENT'])
      expect(page.html).toContain(`name="score_${criterion}"`);
    expect(page.html).toContain('value="SUBMIT"');
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('PENDING');
  });

  it('the first declaration wins: a second one changes nothing and shows the scoring page again', async () => {
    await declare();
    fakes.clock.set('2026-03-03T08:00:00.000Z');

    const page = await declare();

    expectStatus(page, 200);
    expect(page.html).toContain('value="SUBMIT"');
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBe('2026-03-02T08:00:00.000Z');
    const audit = await fakes.purchases.listAudit(EVALUATION_ID);
    expect(audit.filter((e) => e.action === 'evaluation.independence-declared')).toHaveLength(1);
  });

  it('after the declaration a GET shows the scoring page with the reports', async () => {
    await declare();

    const page = await show(evaluation.taskId);

    expect(page.html).toContain('https://documents.example/final.pdf');
    expect(page.html).toContain('name="score_MANAGEMENT"');
    expect(page.html).not.toContain('name="declare"');
  });

  it('a declaration with a wrong nonce answers 400 and records nothing; an expired link answers 410', async () => {
    expectStatus(await postTo({ nonce: 'wrong-nonce', declare: '1' }), 400);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBeUndefined();

    fakes.clock.set('2026-03-05T08:00:00.000Z');
    expectStatus(await declare(), 410);
    expect(fakes.tasks.stored(evaluation.taskId).declaredAt).toBeUndefined();
  });

  it('a POST without the ticked declaration and without scores answers 400 and records nothing', async () => {
    const declareIndependence = vi.spyOn(fakes.tasks, 'declareIndependence');

    expectStatus(await postTo({ nonce: evaluation.nonce }), 400);
    expectStatus(await postTo({ nonce: evaluation.nonce, declare: 'yes' }), 400);
    expect(declareIndependence).not.toHaveBeenCalled();
  });

  it('a declaration on a link of another purpose answers 400 and declares nothing', async () => {
    const declareIndependence = vi.spyOn(fakes.tasks, 'declareIndependence');

    expectStatus(await post({ nonce: task.nonce, declare: '1' }), 400);
    expect(declareIndependence).not.toHaveBeenCalled();
  });

  it('scores submitted before the declaration answer 400 saying the declaration comes first', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await submit(GOOD_SCORES);

    expectStatus(page, 400);
    expect(page.html).toContain('Declare your independence from the NGO and the bureau first');
    expect(decide).not.toHaveBeenCalled();
  });

  it('accepts only SUBMIT: decisions of other purposes answer 400', async () => {
    await declare();
    const decide = vi.spyOn(fakes.tasks, 'decide');

    for (const decision of ['PASS', 'APPROVE', 'CONFIRM', undefined]) {
      expectStatus(await postTo({ nonce: evaluation.nonce, decision, scores: GOOD_SCORES }), 400);
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('a missing, out-of-range, over-precise or non-numeric score answers 400 naming the criterion', async () => {
    await declare();
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const cases: [Record<string, string>, string][] = [
      [{ PROFESSIONAL_SERVICE: '85', OUTCOMES: '90' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, OUTCOMES: '100.1' }, 'score_OUTCOMES'],
      [{ ...GOOD_SCORES, OUTCOMES: '-1' }, 'score_OUTCOMES'],
      [{ ...GOOD_SCORES, PROFESSIONAL_SERVICE: '85.25' }, 'score_PROFESSIONAL_SERVICE'],
      [{ ...GOOD_SCORES, MANAGEMENT: '七十' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, MANAGEMENT: '' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, MANAGEMENT: '1e1' }, 'score_MANAGEMENT'],
      [{ ...GOOD_SCORES, INNOVATION: '80' }, 'score_INNOVATION'],
    ];
    for (const [scores, field] of cases) {
      const page = await submit(scores);
      expectStatus(page, 400);
      expect(page.html).toContain(field);
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('valid scores record SUBMIT with the scores, weighted total and grade, deliver to the token once, and show the total', async () => {
    await declare();

    const page = await submit(GOOD_SCORES, '  服务记录完整  ');
    await submit({ PROFESSIONAL_SERVICE: '10', OUTCOMES: '10', MANAGEMENT: '10' });

    expectStatus(page, 200);
    // 0.4 x 85.5 + 0.4 x 90 + 0.2 x 70 = 84.2
    expect(page.html).toContain('84.2');
    expect(page.html).toContain('良好 Good');
    const purchase = await fakes.purchases.getPurchase(EVALUATION_ID);
    expect(purchase?.decisions['EVALUATION:1']).toMatchObject({
      decision: 'SUBMIT',
      by: AGENCY.email,
      comment: '服务记录完整',
      data: {
        scores: { PROFESSIONAL_SERVICE: 85.5, OUTCOMES: 90, MANAGEMENT: 70 },
        totalTenths: 842,
        grade: 'GOOD',
      },
    });
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: EVALUATION_TOKEN,
        output: { decision: 'SUBMIT', by: AGENCY.email, comment: '服务记录完整', taskId: evaluation.taskId },
      },
    ]);
    expect(fakes.tasks.stored(evaluation.taskId).deliveredAt).toBe('2026-03-02T08:00:00.000Z');
  });

  it('grades by the configured bands: the same total fails under stricter bands', async () => {
    deps.bands = { excellent: 95, good: 90, pass: 85 };
    await declare();

    const page = await submit(GOOD_SCORES);

    expect(page.html).toContain('不合格 Fail');
    const purchase = await fakes.purchases.getPurchase(EVALUATION_ID);
    expect(purchase?.decisions['EVALUATION:1']?.data).toMatchObject({ totalTenths: 842, grade: 'FAIL' });
  });

  it('a declaration after the scores were submitted shows the recorded evaluation', async () => {
    await declare();
    await submit(GOOD_SCORES);

    const page = await declare();

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(page.html).toContain('84.2');
  });

  it('when no execution waits and the purchase left EVALUATION, answers 410 with the scores still recorded', async () => {
    await declare();
    fakes.callbacks.closed.add(EVALUATION_TOKEN);
    const stored = fakes.purchases.records.get(EVALUATION_ID);
    if (stored) stored.stage = 'CLOSED';

    expectStatus(await submit(GOOD_SCORES), 410);
    expect(fakes.tasks.stored(evaluation.taskId).status).toBe('DECIDED');
  });
});

describe('reviewedUploadLinks', () => {
  const presignGet = vi.fn(
    async (key: string, seconds: number) => `https://s3.example/${key}?expires=${seconds}`,
  );

  const upload = (
    purchaseId: string,
    uploadId: string,
    at: string,
    status: 'ACCEPTED' | 'REJECTED',
    kind: 'SIGNED_CONTRACT' | 'MIDTERM_REPORT' | 'EVIDENCE',
  ) =>
    fakes.deliverables.recordDeliverable(
      {
        purchaseId,
        uploadId,
        kind,
        key: `uploads/${purchaseId}/${kind}/${uploadId}/file.pdf`,
        fileName: 'file.pdf',
        size: 1000,
        sha256: 'a'.repeat(64),
        uploadedBy: 'ngo:52350200MJ0000000X',
        uploadedAt: at,
        eTag: '"e"',
        status,
        reasons: [],
      },
      at,
    );

  it('reviews the signed contract on a countersignature, the mid-term report on a mid-term review, both reports on an evaluation', () => {
    expect(REVIEWED_UPLOAD_KINDS).toEqual({
      COUNTERSIGN: ['SIGNED_CONTRACT'],
      MIDTERM_REVIEW: ['MIDTERM_REPORT'],
      EVALUATION: ['FINAL_REPORT', 'MIDTERM_REPORT'],
    });
  });

  it('presigns the latest accepted signed contract for a countersignature, and none when there is none', async () => {
    seedContracting();
    const countersign = await openCountersign();
    const link = reviewedUploadLinks({ deliverables: fakes.deliverables, objects: { presignGet } });

    expect(await link(countersign)).toEqual([]);

    await upload(CONTRACTING_ID, 'first-upload-1', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    await upload(
      CONTRACTING_ID,
      'second-upload-2',
      '2026-03-01T02:00:00.000Z',
      'ACCEPTED',
      'SIGNED_CONTRACT',
    );
    await upload(
      CONTRACTING_ID,
      'third-upload-33',
      '2026-03-01T03:00:00.000Z',
      'REJECTED',
      'SIGNED_CONTRACT',
    );
    await upload(CONTRACTING_ID, 'report-upload-4', '2026-03-01T04:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');

    expect(await link(countersign)).toEqual([
      {
        kind: 'SIGNED_CONTRACT',
        url: `https://s3.example/uploads/${CONTRACTING_ID}/SIGNED_CONTRACT/second-upload-2/file.pdf?expires=${DOCUMENT_LINK_SECONDS}`,
      },
    ]);
    expect(DOCUMENT_LINK_SECONDS).toBeLessThanOrEqual(15 * 60);
  });

  it('presigns the latest accepted mid-term report for a mid-term review, never the signed contract or evidence', async () => {
    seedMidterm();
    const review = await openMidtermReview();
    const link = reviewedUploadLinks({ deliverables: fakes.deliverables, objects: { presignGet } });

    await upload(MIDTERM_ID, 'contract-upload', '2026-03-01T01:00:00.000Z', 'ACCEPTED', 'SIGNED_CONTRACT');
    expect(await link(review)).toEqual([]);

    await upload(MIDTERM_ID, 'report-round-1', '2026-03-01T02:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'report-round-2', '2026-03-01T03:00:00.000Z', 'ACCEPTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'report-refused', '2026-03-01T04:00:00.000Z', 'REJECTED', 'MIDTERM_REPORT');
    await upload(MIDTERM_ID, 'evidence-upload', '2026-03-01T05:00:00.000Z', 'ACCEPTED', 'EVIDENCE');

    expect(await link(review)).toEqual([
      {
        kind: 'MIDTERM_REPORT',
        url: `https://s3.example/uploads/${MIDTERM_ID}/MIDTERM_REPORT/report-round-2/file.pdf?expires=${DOCUMENT_LINK_SECONDS}`,
      },
    ]);
  });

  it('links nothing, without reading the deliverables, for a purpose that reviews no upload', async () => {
    seedMidterm();
    const lateTask = await openLateReport();
    const listDeliverables = vi.spyOn(fakes.deliverables, 'listDeliverables');
    const link = reviewedUploadLinks({ deliverables: fakes.deliverables, objects: { presignGet } });

    expect(await link(lateTask)).toEqual([]);
    expect(listDeliverables).not.toHaveBeenCalled();
  });
});
