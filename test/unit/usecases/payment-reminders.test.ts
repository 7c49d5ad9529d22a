import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { signTaskLink } from '../../../shared/links/signing.js';
import type { PaymentPublisher } from '../../../shared/ports/payment-publisher.js';
import { chaseUnconfirmedTranches } from '../../../shared/usecases/payment-reminders.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

// The handler's module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('LIFECYCLE_SETTINGS', 'PAYMENTS_TOPIC_ARN');
const { createHandler } = await import('../../../functions/chase-unconfirmed-tranches/handler.js');

const PURCHASE_ID = 'PUR-2026-CHASEAAAAAAAAAAA';
const BASE_URL = 'https://purchases.civil-affairs.example.gov.cn';
// Notified on Monday 2 February 2026; due on Wednesday 4 March, a month without public holidays.
const NOTIFIED = '2026-02-02T02:00:00.000Z';
const DUE_DATE = '2026-03-04';
/** 09:00 China time on a China date. */
const morningOf = (date: string) => `${date}T01:00:00.000Z`;

type Notice = Parameters<PaymentPublisher['publish']>[0];
let fakes: Fakes;
let published: Notice[];
let failPublish: boolean;

const publisher: PaymentPublisher = {
  publish: async (notice) => {
    if (failPublish) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    published.push(structuredClone(notice));
  },
};

function deps() {
  return {
    purchases: fakes.purchases,
    payments: fakes.payments,
    publisher,
    mailer: fakes.mailer,
    policy: TEST_POLICY,
    lifecycle: TEST_LIFECYCLE,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: BASE_URL,
    now: fakes.clock.now,
  };
}

const chaseOn = (date: string) => {
  fakes.clock.set(morningOf(date));
  return chaseUnconfirmedTranches(deps());
};

beforeEach(async () => {
  fakes = createFakes(NOTIFIED);
  published = [];
  failPublish = false;
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'MIDTERM_REVIEW' }));
  // As notifyPayment leaves it, with the due date fixed here (however paymentDueDate counts).
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'PAYMENT:1',
    purpose: 'PAYMENT_CONFIRMATION',
    level: 'FINANCE_SECTION',
    attempt: 'FIRST',
    assignee: { ...TEST_POLICY.approval.approvers.FINANCE_SECTION, role: 'FINANCE_SECTION' },
    context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 14_400_000, dueDate: DUE_DATE },
    expiresAt: '2026-06-01T00:00:00.000Z',
    now: NOTIFIED,
  });
  await fakes.payments.openPayment(
    {
      purchaseId: PURCHASE_ID,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 14_400_000,
      dueDate: DUE_DATE,
      notifiedAt: NOTIFIED,
      confirmTaskId: task.taskId,
    },
    NOTIFIED,
  );
});

describe('chaseUnconfirmedTranches', () => {
  it('reminds finance on the payments topic 5 working days after the due date, once, with the confirmation link again', async () => {
    expect(await chaseOn('2026-03-10')).toEqual([]);

    const sent = await chaseOn('2026-03-11');
    await chaseOn('2026-03-12');

    expect(sent).toEqual([{ purchaseId: PURCHASE_ID, tranche: 1, chase: 'REMINDER', overdueWorkingDays: 5 }]);
    expect(published).toHaveLength(1);
    const [reminder] = published as [Notice];
    const [payment] = await fakes.payments.listPayments(PURCHASE_ID);
    expect(reminder.subject).toBe(
      `Reminder: payment overdue since ${DUE_DATE}: tranche 1 of ${PURCHASE_ID}, CNY 144,000.00`,
    );
    expect(reminder.message).toContain('该笔款项已过付款期限 5 个工作日，尚未确认付款');
    expect(reminder.message).toContain('This tranche is 5 working days past its due date');
    expect(reminder.message).toContain(signTaskLink(BASE_URL, payment?.confirmTaskId ?? '', TEST_LINK_KEY));
    expect(payment?.remindedAt).toBe(morningOf('2026-03-11'));
    expect(
      (await fakes.purchases.listAudit(PURCHASE_ID)).filter((e) => e.action === 'payment.reminded'),
    ).toHaveLength(1);
    expect(fakes.mailer.sent).toEqual([]);
  });

  it('escalates 15 working days after the due date to the finance section and the director of the roster, once', async () => {
    await chaseOn('2026-03-11');

    const sent = await chaseOn('2026-03-25');
    await chaseOn('2026-03-26');

    expect(sent.map((s) => s.chase)).toEqual(['ESCALATION']);
    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    const { FINANCE_SECTION, BUREAU_DIRECTOR } = TEST_POLICY.approval.approvers;
    expect(mail?.to).toEqual([FINANCE_SECTION.email, BUREAU_DIRECTOR.email]);
    expect(mail?.subject).toContain('付款逾期 Payment overdue');
    expect(mail?.text).toContain('以下款项已过付款期限 15 个工作日');
    expect(mail?.text).toContain('¥144,000.00');
    expect(mail?.text).toContain('Tranches due page');
    // The confirmation link is the clerks': the escalation carries none.
    expect(mail?.text).not.toContain('/tasks/');
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'payment.escalated')).toHaveLength(1);
  });

  it('chases nothing once the tranche is confirmed, and nothing on a Saturday', async () => {
    expect(await chaseOn('2026-03-14')).toEqual([]);
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 1,
      by: 'clerk@civil-affairs.example.gov.cn',
      reference: 'BOC-1',
      now: morningOf('2026-03-16'),
    });

    expect(await chaseOn('2026-03-31')).toEqual([]);
    expect(published).toEqual([]);
    expect(fakes.mailer.sent).toEqual([]);
  });

  it('counts working days on the official calendar: the Qingming holiday does not count', async () => {
    // A tranche due on Wednesday 1 April 2026; Qingming is Saturday 4 to Monday 6 April.
    await fakes.payments.openPayment(
      {
        purchaseId: PURCHASE_ID,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 19_200_000,
        dueDate: '2026-04-01',
        notifiedAt: NOTIFIED,
        confirmTaskId: (await fakes.payments.listPayments(PURCHASE_ID))[0]?.confirmTaskId ?? '',
      },
      NOTIFIED,
    );
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 1,
      by: 'clerk@civil-affairs.example.gov.cn',
      reference: 'BOC-1',
      now: NOTIFIED,
    });

    // Thursday 2, Friday 3, Tuesday 7, Wednesday 8: four working days.
    expect(await chaseOn('2026-04-08')).toEqual([]);
    expect(await chaseOn('2026-04-09')).toEqual([
      { purchaseId: PURCHASE_ID, tranche: 2, chase: 'REMINDER', overdueWorkingDays: 5 },
    ]);
  });

  it('a reminder that could not be published is not marked, and goes out on the next run', async () => {
    failPublish = true;
    await expect(chaseOn('2026-03-11')).rejects.toMatchObject({ name: 'ThrottledException' });
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.remindedAt).toBeUndefined();

    failPublish = false;
    const sent = await chaseOn('2026-03-12');

    expect(sent.map((s) => s.chase)).toEqual(['REMINDER']);
    expect(published).toHaveLength(1);
  });
});

describe("the daily rule's handler", () => {
  const scheduled = (time: string) => ({
    version: '0',
    id: 'c8a1b2d3-0000-4000-8000-000000000001',
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:000000000000:rule/ChaseUnconfirmedTranchesDaily'],
    detail: {},
  });

  it('chases the day the scheduled event names; another invocation, or a time that is not one, chases today', async () => {
    // Now is the morning before the reminder day; the rule's event may name a later one (the local
    // runtime fires rules on its engine clock, which can run ahead of this machine's).
    fakes.clock.set(morningOf('2026-03-10'));
    const handler = createHandler(deps());
    const run = (event: unknown) => handler(event, lambdaContext('chase-unconfirmed-tranches'));

    expect(await run({})).toEqual({ reminded: 0, escalated: 0 });
    expect(await run(scheduled('tomorrow'))).toEqual({ reminded: 0, escalated: 0 });
    expect(await run(scheduled('2026-03-11T01:00:00Z'))).toEqual({ reminded: 1, escalated: 0 });

    expect(published).toHaveLength(1);
    // Marked when it happened, not at the time the schedule named.
    const [payment] = await fakes.payments.listPayments(PURCHASE_ID);
    expect(payment?.remindedAt).toBe(morningOf('2026-03-10'));
  });
});
