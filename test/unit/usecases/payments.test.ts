import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { signTaskLink } from '../../../shared/links/signing.js';
import type { PaymentPublisher } from '../../../shared/ports/payment-publisher.js';
import { notifyPayment, type PaymentDeps } from '../../../shared/usecases/payments.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const BASE_URL = 'https://purchases.civil-affairs.example.gov.cn';
// 17:00 UTC is already the next day in China: the due date counts from 2026-03-03.
const NOW = '2026-03-02T17:00:00.000Z';
const DUE_DATE = '2026-04-02';
// 30% of the sample's ¥480,000.
const FIRST_TRANCHE_FEN = 14_400_000;

type Notice = Parameters<PaymentPublisher['publish']>[0];

/** The payments topic: keeps what it was asked to publish; `failNext` makes the next publish fail. */
class RecordingPublisher implements PaymentPublisher {
  readonly published: Notice[] = [];
  private failures = 0;
  failNext(): void {
    this.failures = 1;
  }
  async publish(notice: Notice): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    }
    this.published.push(structuredClone(notice));
  }
}

let fakes: Fakes;
let publisher: RecordingPublisher;

function deps(): PaymentDeps {
  return {
    purchases: fakes.purchases,
    tasks: fakes.tasks,
    payments: fakes.payments,
    publisher,
    policy: TEST_POLICY,
    lifecycle: TEST_LIFECYCLE,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: BASE_URL,
    now: fakes.clock.now,
  };
}

const notifyFirstTranche = () =>
  notifyPayment(deps(), { purchaseId: PURCHASE_ID, milestone: 'CONTRACT_SIGNED' });

beforeEach(() => {
  fakes = createFakes(NOW);
  publisher = new RecordingPublisher();
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
});

describe('notifyPayment of the first tranche', () => {
  it('takes the amount from the tranche plan (30% of the total) and the due date 30 days after the China date of today', async () => {
    const payment = await notifyFirstTranche();

    expect(payment).toMatchObject({
      purchaseId: PURCHASE_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: FIRST_TRANCHE_FEN,
      dueDate: DUE_DATE,
      status: 'NOTIFIED',
      notifiedAt: NOW,
    });
  });

  it("opens a PAYMENT_CONFIRMATION task for the finance section, with no token and the tranche's context", async () => {
    const payment = await notifyFirstTranche();

    const tasks = [...fakes.tasks.records.values()];
    expect(tasks).toHaveLength(1);
    const [task] = tasks;
    expect(task).toMatchObject({
      taskId: payment.confirmTaskId,
      purchaseId: PURCHASE_ID,
      stepKey: 'PAYMENT:1',
      purpose: 'PAYMENT_CONFIRMATION',
      level: 'FINANCE_SECTION',
      status: 'PENDING',
      assignee: { ...TEST_POLICY.approval.approvers.FINANCE_SECTION, role: 'FINANCE_SECTION' },
      context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: FIRST_TRANCHE_FEN, dueDate: DUE_DATE },
    });
    expect(task?.taskToken).toBeUndefined();
    // The link outlives the due date: finance may confirm a late payment.
    expect(Date.parse(task?.expiresAt ?? '')).toBeGreaterThan(Date.parse(`${DUE_DATE}T23:59:59+08:00`));
  });

  it('records one payment step NOTIFIED, with its audit entry', async () => {
    await notifyFirstTranche();

    const payments = await fakes.payments.listPayments(PURCHASE_ID);
    expect(payments).toHaveLength(1);
    expect(payments[0]?.status).toBe('NOTIFIED');
    const notified = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'payment.notified',
    );
    expect(notified).toHaveLength(1);
    expect(notified[0]?.detail).toMatchObject({
      tranche: 1,
      amountFen: FIRST_TRANCHE_FEN,
      dueDate: DUE_DATE,
    });
  });

  it('publishes one notice with the confirmation link (a /tasks/ link) and attributes that carry the fen', async () => {
    const payment = await notifyFirstTranche();

    expect(publisher.published).toHaveLength(1);
    const [notice] = publisher.published as [Notice];
    const link = signTaskLink(BASE_URL, payment.confirmTaskId ?? '', TEST_LINK_KEY);
    expect(link).toContain(`${BASE_URL}/tasks/`);
    expect(notice.message).toContain(link);
    expect(notice.message).toContain(DUE_DATE);
    expect(notice.message).toContain(largeElderlyCareProposal().ngo.creditCode);
    expect(notice.attributes).toEqual({
      purchaseId: PURCHASE_ID,
      tranche: '1',
      amountFen: String(FIRST_TRANCHE_FEN),
      milestone: 'CONTRACT_SIGNED',
    });
    expect(notice.subject).toContain(DUE_DATE);
    expect(notice.subject.length).toBeLessThan(100);
  });

  it("names where to pay: the NGO's registered bank, account name and number in full, in both languages", async () => {
    await notifyFirstTranche();

    const [notice] = publisher.published as [Notice];
    expect(notice.message).toContain(
      '收款账户：中国建设银行厦门思明支行（示例），户名 厦门市思明区乐龄社会工作服务中心，账号 3515 0198 0101 0000 4215',
    );
    expect(notice.message).toContain(
      'Account: 中国建设银行厦门思明支行（示例）, in the name of 厦门市思明区乐龄社会工作服务中心, number 3515 0198 0101 0000 4215',
    );
    expect(notice.message).not.toContain('Check first');
    // The subject (a mail header some systems log) carries no account.
    expect(notice.subject).not.toContain('4215');
  });

  it('tells finance to check first when the account is not in the NGO’s name, and when none is registered', async () => {
    const proposal = largeElderlyCareProposal();
    const account = { bankName: '某银行', accountName: '王五', accountNumber: '6222000011112222' };
    fakes.purchases.seed(
      purchaseRecord(
        PURCHASE_ID,
        { ...proposal, ngo: { ...proposal.ngo, bankAccount: account } },
        { stage: 'MIDTERM_REVIEW' },
      ),
    );
    await notifyFirstTranche();
    const { bankAccount: _none, ...withoutAccount } = proposal.ngo;
    fakes.purchases.seed(
      purchaseRecord(
        'PUR-2026-NOACCOUNTAAAAAAAA',
        { ...proposal, ngo: withoutAccount },
        { stage: 'MIDTERM_REVIEW' },
      ),
    );
    await notifyPayment(deps(), { purchaseId: 'PUR-2026-NOACCOUNTAAAAAAAA', milestone: 'CONTRACT_SIGNED' });

    const [warned, none] = publisher.published as [Notice, Notice];
    expect(warned.message).toContain('注意：户名与承接机构名称不一致，付款前请与经办人核实。');
    expect(warned.message).toContain("Check first: the account is not in the NGO's name.");
    expect(none.message).toContain('收款账户：未登记。请向经办人索取机构的收款账户并核实后再付款。');
  });

  it('run twice: one publish, one payment record, one task', async () => {
    const first = await notifyFirstTranche();
    fakes.clock.advanceSeconds(3600);
    const second = await notifyFirstTranche();

    expect(second).toEqual(first);
    expect(publisher.published).toHaveLength(1);
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toHaveLength(1);
    expect(fakes.tasks.records.size).toBe(1);
  });

  it('a retry on the next China day keeps the due date it was first notified with', async () => {
    const first = await notifyFirstTranche();
    fakes.clock.advanceSeconds(2 * 86_400);

    const second = await notifyFirstTranche();

    expect(second.dueDate).toBe(first.dueDate);
  });

  it('a failed publish gives the claim back, so the next run publishes (and still keeps one record)', async () => {
    publisher.failNext();

    await expect(notifyFirstTranche()).rejects.toMatchObject({ name: 'ThrottledException' });
    expect(publisher.published).toEqual([]);
    const [task] = fakes.tasks.records.values();
    expect(task?.mailsSent).toEqual([]);

    await notifyFirstTranche();

    expect(publisher.published).toHaveLength(1);
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toHaveLength(1);
    expect(fakes.tasks.records.size).toBe(1);
  });

  it('the second tranche takes its own share (40%) and step', async () => {
    const payment = await notifyPayment(deps(), { purchaseId: PURCHASE_ID, milestone: 'MIDTERM_PASSED' });

    expect(payment).toMatchObject({ tranche: 2, amountFen: 19_200_000 });
    expect(fakes.tasks.stored(payment.confirmTaskId ?? '').stepKey).toBe('PAYMENT:2');
  });

  it('fails for a purchase that does not exist, publishing nothing', async () => {
    await expect(
      notifyPayment(deps(), { purchaseId: 'PUR-2026-ZZZZZZZZZZZZZZZZ', milestone: 'CONTRACT_SIGNED' }),
    ).rejects.toThrow(/does not exist/);
    expect(publisher.published).toEqual([]);
  });
});

describe('notifyPayment of a final tranche the grade reduced', () => {
  beforeEach(() => {
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'EVALUATION',
        evaluation: {
          agencyId: 'mingjian-eval',
          grade: 'PASS',
          total: 705,
          evaluatedAt: NOW,
          finalTranche: {
            decision: 'REDUCE',
            grade: 'PASS',
            sharePercent: 80,
            plannedFen: 14_400_000,
            amountFen: 11_520_000,
            releasedFen: 2_880_000,
          },
        },
      }),
    );
  });

  it('asks finance for the reduced amount and records the plan, the share and the grade on the payment step', async () => {
    const payment = await notifyPayment(deps(), { purchaseId: PURCHASE_ID, milestone: 'EVALUATION_PASSED' });

    expect(payment).toMatchObject({
      tranche: 3,
      amountFen: 11_520_000,
      reduction: { plannedFen: 14_400_000, sharePercent: 80, grade: 'PASS' },
      status: 'NOTIFIED',
    });
    const notified = (await fakes.purchases.listAudit(PURCHASE_ID)).find(
      (e) => e.action === 'payment.notified',
    );
    expect(notified?.detail).toMatchObject({
      amountFen: 11_520_000,
      reduction: { plannedFen: 14_400_000, sharePercent: 80, grade: 'PASS' },
    });
    expect(fakes.tasks.stored(payment.confirmTaskId ?? '').context).toMatchObject({
      amountFen: 11_520_000,
      plannedFen: 14_400_000,
      sharePercent: 80,
    });
  });

  it('the notice says the planned amount, the grade and the share paid, in both languages', async () => {
    await notifyPayment(deps(), { purchaseId: PURCHASE_ID, milestone: 'EVALUATION_PASSED' });

    const [notice] = publisher.published as [Notice];
    expect(notice.message).toContain('付款金额：¥115,200.00（11520000 分）');
    expect(notice.message).toContain('核减说明：计划金额 ¥144,000.00，第三方评估等级“合格”，按 80% 支付');
    expect(notice.message).toContain(
      'Reduced: planned ¥144,000.00; the third-party evaluation graded Pass, which pays 80%',
    );
    expect(notice.attributes.amountFen).toBe('11520000');
  });

  it('earlier tranches are not touched by the final tranche’s reduction', async () => {
    const payment = await notifyPayment(deps(), { purchaseId: PURCHASE_ID, milestone: 'MIDTERM_PASSED' });

    expect(payment.amountFen).toBe(19_200_000);
    expect(payment).not.toHaveProperty('reduction');
  });
});
