import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import type { DecisionForm } from '../../../../shared/usecases/task-links/decision-form.js';
import {
  CONTRACTING_ID,
  deps,
  expectStatus,
  fakes,
  post,
  seedContracting,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

const FINANCE = { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' };

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

/** Every test starts from a contract-signed purchase whose first tranche awaits finance's confirmation. */
let confirm: HumanTask;
const postTo = (form: DecisionForm) => post(form, confirm.taskId);

beforeEach(async () => {
  seedContracting();
  confirm = await openPaymentConfirmation();
});

describe('payment confirmation links', () => {
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
      const page = await postTo({
        nonce: confirm.nonce,
        decision: 'CONFIRM',
        actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
        reference,
      });
      expectStatus(page, 400);
      expect(page.html).toContain('reference');
      expect(page.html).toContain('银行交易流水号');
    }
    expect(decide).not.toHaveBeenCalled();
    expect(confirmPayment).not.toHaveBeenCalled();
  });

  it('a confirmation records the reference on the decision and confirms the payment once, even on a double POST', async () => {
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');

    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: ' BOC-2026/03_0042 ',
    });
    const second = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'OTHER-9999',
    });

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
      by: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'BOC-2026/03_0042',
      taskId: confirm.taskId,
      now: '2026-03-02T08:00:00.000Z',
    });
    expect(fakes.tasks.stored(confirm.taskId).decision?.data).toEqual({
      reference: 'BOC-2026/03_0042',
      actedBy: 'clerk.wang@civil-affairs.example.gov.cn',
    });
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]).toMatchObject({
      status: 'CONFIRMED',
      confirmedBy: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'BOC-2026/03_0042',
    });
    // Nobody waits on a payment confirmation: nothing is sent to Step Functions.
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('confirming the purchase’s last tranche due resumes its waiting closing step, once', async () => {
    await fakes.payments.armSettlementWait({
      purchaseId: CONTRACTING_ID,
      taskToken: 'closing-token',
      now: fakes.clock.now(),
    });
    const form = {
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'TX-0001',
    };

    expectStatus(await postTo(form), 200);
    fakes.callbacks.closed.add('closing-token');
    expectStatus(await postTo(form), 410);

    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'closing-token', output: { next: 'CLOSE' } }]);
  });

  it('with another tranche still due, a confirmation leaves the closing step waiting', async () => {
    await fakes.payments.openPayment(
      {
        purchaseId: CONTRACTING_ID,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 5_760_000,
        dueDate: '2026-04-01',
        notifiedAt: fakes.clock.now(),
      },
      fakes.clock.now(),
    );
    await fakes.payments.armSettlementWait({
      purchaseId: CONTRACTING_ID,
      taskToken: 'closing-token',
      now: fakes.clock.now(),
    });

    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'TX-0001',
    });

    expectStatus(page, 200);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a confirmation recorded whose payment step was missed (a crash) is completed by the next POST', async () => {
    const confirmPayment = vi.spyOn(fakes.payments, 'confirmPayment');
    confirmPayment.mockRejectedValueOnce(new Error('connection reset'));
    await expect(
      postTo({
        nonce: confirm.nonce,
        decision: 'CONFIRM',
        actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
        reference: 'TX-0001',
      }),
    ).rejects.toThrow('connection reset');
    expect(fakes.tasks.stored(confirm.taskId).status).toBe('DECIDED');

    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'TX-0002',
    });

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
    await expect(
      postTo({
        nonce: confirm.nonce,
        decision: 'CONFIRM',
        actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
        reference: 'TX-0001',
      }),
    ).rejects.toThrow('connection reset');

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

  it('a tranche closed between the check and the confirmation (a race) leaves the decision recorded and is logged', async () => {
    const due = await fakes.payments.listPayments(CONTRACTING_ID);
    await fakes.payments.closePayment({
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 4_320_000,
      status: 'CANCELLED',
      reason: 'terminated',
      now: fakes.clock.now(),
    });
    // The check still saw the tranche due: the termination landed just after it.
    vi.spyOn(fakes.payments, 'listPayments').mockResolvedValueOnce(due);

    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'TX-0001',
    });

    expectStatus(page, 200);
    expect(deps.log).toHaveBeenCalledWith(expect.stringContaining('not payable'), {
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      status: 'CANCELLED',
    });
  });
});

describe('a tranche paid in parts', () => {
  const CLERK = 'clerk.wang@civil-affairs.example.gov.cn';
  const part = (form: Partial<DecisionForm> = {}) =>
    postTo({ nonce: confirm.nonce, decision: 'CONFIRM', actingEmail: CLERK, reference: 'TX-0001', ...form });

  it('the page asks for the amount paid now, filled in with all that is due', async () => {
    const page = await show(confirm.taskId);

    expect(page.html).toMatch(/<input type="text" id="amount" name="amount" value="43200.00" required/);
    expect(page.html).toContain('If only part of it was paid, put what was paid: the rest stays due');
  });

  it('a part is recorded as such: the tranche stays due with what is left, and a link for the rest is opened and shown', async () => {
    const page = await part({ amount: '30,000' });

    expectStatus(page, 200);
    expect(page.html).toContain('¥30,000.00');
    expect(page.html).toContain('¥13,200.00 of this tranche is still due.');
    const [payment] = await fakes.payments.listPayments(CONTRACTING_ID);
    expect(payment).toMatchObject({
      status: 'NOTIFIED',
      amountFen: 4_320_000,
      paidFen: 3_000_000,
      transfers: [{ seq: 1, amountFen: 3_000_000, reference: 'TX-0001', by: CLERK, taskId: confirm.taskId }],
    });
    const rest = fakes.tasks.stored(payment?.confirmTaskId ?? '');
    expect(rest).toMatchObject({
      stepKey: 'PAYMENT:1:2',
      purpose: 'PAYMENT_CONFIRMATION',
      status: 'PENDING',
      assignee: FINANCE,
      expiresAt: confirm.expiresAt,
      context: {
        tranche: 1,
        amountFen: 1_320_000,
        trancheFen: 4_320_000,
        paidFen: 3_000_000,
        dueDate: '2026-04-01',
      },
    });
    // The link for the rest, relative to this page's address.
    expect(page.html).toMatch(new RegExp(`<a href="${rest.taskId}\\?sig=[A-Za-z0-9_.-]+">确认余额付款`));
    const restPage = await show(rest.taskId);
    expect(restPage.html).toContain('已付');
    expect(restPage.html).toContain('¥30,000.00');
    expect(restPage.html).toContain('value="13200.00"');
  });

  it('the rest confirmed from its own link settles the tranche, and the two transfers sum to it', async () => {
    await part({ amount: '30000' });
    const restId = (await fakes.payments.listPayments(CONTRACTING_ID))[0]?.confirmTaskId ?? '';
    await fakes.payments.armSettlementWait({
      purchaseId: CONTRACTING_ID,
      taskToken: 'closing',
      now: fakes.clock.now(),
    });
    const rest = fakes.tasks.stored(restId);

    const page = await post(
      { nonce: rest.nonce, decision: 'CONFIRM', actingEmail: CLERK, reference: 'TX-0002' },
      restId,
    );

    expectStatus(page, 200);
    expect(page.html).not.toContain('still due');
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]).toMatchObject({
      status: 'CONFIRMED',
      paidFen: 4_320_000,
      reference: 'TX-0002',
      transfers: [{ amountFen: 3_000_000 }, { amountFen: 1_320_000, reference: 'TX-0002', taskId: restId }],
    });
    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'closing', output: { next: 'CLOSE' } }]);
  });

  it('refuses more than the link asks for, nothing, or what is no amount, naming the field; nothing is recorded', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const above = await part({ amount: '43,200.01' });
    expectStatus(above, 400);
    expect(above.html).toContain('cannot be more than the ¥43,200.00 due on this link');
    for (const amount of ['0', '-5', 'abc', '1.234']) {
      const page = await part({ amount });
      expectStatus(page, 400);
      expect(page.html).toContain('本次实付金额');
    }
    expect(decide).not.toHaveBeenCalled();
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]?.transfers).toBeUndefined();
  });

  it('a part posted twice records one transfer and opens one task for the rest', async () => {
    await part({ amount: '10000' });
    const again = await part({ amount: '10000' });

    expectStatus(again, 410);
    const [payment] = await fakes.payments.listPayments(CONTRACTING_ID);
    expect(payment?.transfers).toHaveLength(1);
    expect([...fakes.tasks.records.values()].filter((t) => t.stepKey.startsWith('PAYMENT:1:'))).toHaveLength(
      1,
    );
  });
});

describe('payment confirmation from the shared finance mailbox', () => {
  it('refuses a confirmation that does not say who is acting, or with an address that is none; nothing is recorded', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const missing = await postTo({ nonce: confirm.nonce, decision: 'CONFIRM', reference: 'TX-0001' });
    expectStatus(missing, 400);
    expect(missing.html).toContain('shared mailbox');
    for (const actingEmail of [
      'clerk',
      'clerk@',
      'a b@example.gov.cn',
      `${'x'.repeat(250)}@example.gov.cn`,
    ]) {
      const page = await postTo({
        nonce: confirm.nonce,
        decision: 'CONFIRM',
        reference: 'TX-0001',
        actingEmail,
      });
      expectStatus(page, 400);
      expect(page.html).toContain('actingEmail');
    }
    expect(decide).not.toHaveBeenCalled();
  });

  it('records who acted beside the assignee, on the decision, the payment and the decided page', async () => {
    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      reference: 'TX-0001',
      actingEmail: ' Clerk.Wang@civil-affairs.example.gov.cn ',
    });

    expectStatus(page, 200);
    expect(page.html).toContain('clerk.wang@civil-affairs.example.gov.cn（代表 for 陈会计 &lt;finance@');
    const decided = fakes.tasks.stored(confirm.taskId).decision;
    expect(decided).toMatchObject({
      by: FINANCE.email,
      data: { actedBy: 'clerk.wang@civil-affairs.example.gov.cn' },
    });
    const [payment] = await fakes.payments.listPayments(CONTRACTING_ID);
    expect(payment?.confirmedBy).toBe('clerk.wang@civil-affairs.example.gov.cn');
  });
});

describe('a confirmation of a tranche that is not due', () => {
  it('is refused with 409 before anything is recorded, naming the tranche and its state', async () => {
    await fakes.payments.closePayment({
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 4_320_000,
      status: 'WITHHELD',
      reason: 'test: withheld while the link was open',
      now: fakes.clock.now(),
    });
    const decide = vi.spyOn(fakes.tasks, 'decide');

    const page = await postTo({
      nonce: confirm.nonce,
      decision: 'CONFIRM',
      reference: 'TX-0001',
      actingEmail: 'clerk@civil-affairs.example.gov.cn',
    });

    expectStatus(page, 409);
    expect(page.html).toContain('Tranche 1 is withheld');
    expect(decide).not.toHaveBeenCalled();
    expect(fakes.tasks.stored(confirm.taskId).status).toBe('PENDING');
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]?.status).toBe('WITHHELD');
  });
});

describe('the NGO is told what finance confirmed it was paid', () => {
  const CLERK = 'clerk.wang@civil-affairs.example.gov.cn';
  const NGO_CONTACT = 'projects@leling-sw.example.org';
  const confirmFrom = (task: HumanTask, form: Partial<DecisionForm> = {}) =>
    post(
      { nonce: task.nonce, decision: 'CONFIRM', actingEmail: CLERK, reference: 'TX-0001', ...form },
      task.taskId,
    );
  const toldIds = async () =>
    (await fakes.purchases.listAudit(CONTRACTING_ID))
      .map((e) => e.eventId)
      .filter((id) => id?.startsWith('ngo.told:'));

  it('a tranche paid in full is mailed to the NGO contact once, however often the link is posted or opened', async () => {
    expectStatus(await confirmFrom(confirm, { reference: 'BOC-2026/03_0042' }), 200);
    expectStatus(await confirmFrom(confirm, { reference: 'OTHER-9999' }), 410);
    expectStatus(await show(confirm.taskId), 410);

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(NGO_CONTACT);
    expect(mail?.subject).toContain('第 1 期款（合同签订后）已支付');
    for (const part of [mail?.html, mail?.text]) {
      expect(part).toContain('¥43,200.00');
      expect(part).toContain('BOC-2026/03_0042');
      expect(part).toContain('2026-03-02');
      expect(part).toContain('****4215');
      expect(part).not.toContain('35150198010100004215');
      expect(part).not.toContain('OTHER-9999');
      expect(part).not.toContain('Still due');
    }
    expect(await toldIds()).toEqual(['ngo.told:tranche-paid:1']);
  });

  it('a part is mailed with what is still due, and the rest when it is confirmed: one mail per transfer', async () => {
    expectStatus(await confirmFrom(confirm, { amount: '30000', reference: 'TX-PART' }), 200);
    expectStatus(await confirmFrom(confirm, { amount: '30000', reference: 'TX-PART' }), 410);

    expect(fakes.mailer.sent).toHaveLength(1);
    const [part] = fakes.mailer.sent;
    expect(part?.subject).toContain('part paid');
    expect(part?.text).toContain('¥30,000.00');
    expect(part?.text).toContain('余款 ¥13,200.00 仍待支付');
    expect(part?.text).toContain('TX-PART');

    const rest = fakes.tasks.stored(
      (await fakes.payments.listPayments(CONTRACTING_ID))[0]?.confirmTaskId ?? '',
    );
    expectStatus(await confirmFrom(rest, { reference: 'TX-REST' }), 200);

    expect(fakes.mailer.sent).toHaveLength(2);
    const paid = fakes.mailer.sent[1];
    expect(paid?.subject).toContain('已支付');
    expect(paid?.text).toContain('¥13,200.00');
    expect(paid?.text).toContain('TX-REST');
    expect(paid?.text).not.toContain('Still due');
    expect(await toldIds()).toEqual(['ngo.told:tranche-part-paid:1:1', 'ngo.told:tranche-paid:1']);
  });

  it('a mail that fails loses nothing: the payment is confirmed and the closing resumed, and the retried POST mails it once', async () => {
    await fakes.payments.armSettlementWait({
      purchaseId: CONTRACTING_ID,
      taskToken: 'closing-token',
      now: fakes.clock.now(),
    });
    fakes.mailer.failNext();

    await expect(confirmFrom(confirm)).rejects.toThrow('Throttling');

    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]).toMatchObject({
      status: 'CONFIRMED',
      reference: 'TX-0001',
    });
    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'closing-token', output: { next: 'CLOSE' } }]);
    expect(fakes.mailer.sent).toEqual([]);
    expect(await toldIds()).toEqual([]);

    fakes.callbacks.closed.add('closing-token');
    const retry = await confirmFrom(confirm, { reference: 'TX-RETRY' });
    const opened = await show(confirm.taskId);

    expectStatus(retry, 410);
    expect(retry.html).toContain('TX-0001');
    expectStatus(opened, 410);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.mailer.sent[0]?.text).toContain('TX-0001');
    expect((await fakes.payments.listPayments(CONTRACTING_ID))[0]?.transfers).toHaveLength(1);
    expect(await toldIds()).toEqual(['ngo.told:tranche-paid:1']);
  });

  it('a failed mail of a part is sent by opening the link again, without a second transfer or task for the rest', async () => {
    fakes.mailer.failNext();
    await expect(confirmFrom(confirm, { amount: '10000' })).rejects.toThrow('Throttling');

    expectStatus(await show(confirm.taskId), 410);

    expect(fakes.mailer.sent.map((m) => m.subject)).toEqual([expect.stringContaining('part paid')]);
    const [payment] = await fakes.payments.listPayments(CONTRACTING_ID);
    expect(payment?.transfers).toHaveLength(1);
    expect([...fakes.tasks.records.values()].filter((t) => t.stepKey.startsWith('PAYMENT:1:'))).toHaveLength(
      1,
    );
  });

  it('a mail SES keeps refusing does not lock finance out of its link: visits show the decision and log it, until one goes through', async () => {
    const send = vi.spyOn(fakes.mailer, 'send');
    const refused = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    send.mockRejectedValueOnce(refused).mockRejectedValueOnce(refused).mockRejectedValueOnce(refused);
    await expect(confirmFrom(confirm)).rejects.toThrow('not verified');

    const repeat = await confirmFrom(confirm);
    const opened = await show(confirm.taskId);

    expectStatus(repeat, 410);
    expectStatus(opened, 410);
    expect(opened.html).toContain('TX-0001');
    expect(deps.log).toHaveBeenCalledWith(expect.stringContaining('could not be told'), {
      purchaseId: CONTRACTING_ID,
      tranche: 1,
      error: 'MessageRejected',
    });
    expect(await toldIds()).toEqual([]);

    expectStatus(await show(confirm.taskId), 410);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(await toldIds()).toEqual(['ngo.told:tranche-paid:1']);
  });

  it('tells only of the tranche confirmed: another paid before these mails existed is not told now', async () => {
    await fakes.payments.openPayment(
      {
        purchaseId: CONTRACTING_ID,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 5_760_000,
        dueDate: '2026-04-01',
        notifiedAt: fakes.clock.now(),
      },
      fakes.clock.now(),
    );
    await fakes.payments.confirmPayment({
      purchaseId: CONTRACTING_ID,
      tranche: 2,
      by: CLERK,
      reference: 'OLD-2',
      now: fakes.clock.now(),
    });

    await confirmFrom(confirm);

    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.mailer.sent[0]?.subject).toContain('第 1 期款');
    expect(await toldIds()).toEqual(['ngo.told:tranche-paid:1']);
  });
});
