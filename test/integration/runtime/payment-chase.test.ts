import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { nextCronTime } from '../../../infra/local/services/schedule-expressions.js';
import { type MailboxMail, sleep, UsersClient } from '../../../infra/local/users.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { chinaCalendarDate } from '../../../shared/domain/china-time.js';
import { officialCalendar } from '../../../shared/domain/official-calendar.js';
import { workingDaysOverdue } from '../../../shared/domain/payment-reminders.js';
import { decideOnce, mailAbout, midtermDueSoon, uploadFromMail } from '../../support/journey.js';
import { useJourneyApp } from '../../support/journey-app.js';
import { localDocumentClient } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * Finance's chase on the local runtime: the app's daily scheduled rule (09:00 China time) runs on
 * the engine's clock, which the test speeds up to reach the next 09:00 in seconds, and reminds
 * finance of a tranche still unconfirmed past its due date, over SNS into the mailbox.
 */

const current = useJourneyApp({ sub: 'officer-zhou', email: 'zhou.officer@civil-affairs.example.gov.cn' });
const settings = TEST_SETTINGS;
const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
const DAY_MS = 86_400_000;
/** A China date `days` before `date`. */
function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** A purchase whose first tranche finance was told to pay, and that notice. */
async function firstTrancheNotified(): Promise<{ purchaseId: string; notice: MailboxMail }> {
  const { journey } = current();
  const proposal = midtermDueSoon(smallMinorProtectionProposalToday());
  const submitted = await journey.users().submit(journey.officer, proposal);
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
  const ask = await journey.inboxes.next(chief, mailAbout(purchaseId));
  await decideOnce(journey, UsersClient.linkIn(ask), 'APPROVE', { comment: '同意。' });
  await uploadFromMail(
    journey,
    purchaseId,
    proposal.ngo.contactEmail,
    'SIGNED_CONTRACT',
    'signed-contract.pdf',
  );
  const countersign = await journey.inboxes.next(chief, mailAbout(purchaseId));
  await decideOnce(journey, UsersClient.linkIn(countersign), 'COUNTERSIGN', { comment: '已会签。' });
  const notice = await journey.inboxes.next(
    finance,
    (m) => mailAbout(purchaseId)(m) && m.subject.startsWith('Payment due'),
  );
  return { purchaseId, notice };
}

describe('the daily chase of unconfirmed tranches on the local runtime', () => {
  it('a tranche still unconfirmed past its due date: at the next 09:00 of the sped-up engine clock finance is reminded once, with the confirmation link again (on a rest day nothing is sent)', async () => {
    const { app, journey } = current();
    const { purchaseId, notice } = await firstTrancheNotified();

    // The chase runs at the next 01:00 UTC (09:00 in China) of the engine's clock and chases the
    // China date the rule's event names. The month goes by in the record instead: the tranche's due
    // date is set back just far enough for a reminder on that day.
    const schedule = app.runtime.app.eventRules.find((r) =>
      r.logicalId.startsWith('ChaseUnconfirmedTranchesDaily'),
    )?.schedule;
    if (schedule?.kind !== 'cron') throw new Error('the app has no daily chase rule');
    expect(schedule.expression).toBe('cron(0 1 * * ? *)');
    const now = app.runtime.stepFunctions.now().getTime();
    const nineInChina = nextCronTime(schedule, now) ?? now;
    const chaseDay = chinaCalendarDate(new Date(nineInChina).toISOString());
    const calendar = officialCalendar(settings.policy);
    let dueDate = daysBefore(chaseDay, 1);
    while (workingDaysOverdue(dueDate, chaseDay, calendar) < settings.lifecycle.payments.reminderWorkingDays)
      dueDate = daysBefore(dueDate, 1);
    const db = localDocumentClient(app.runtime.urls.dynamodb);
    const [table] = app.runtime.app.tables;
    if (!table) throw new Error('the app has no table');
    const paymentKey = { TableName: table.tableName, Key: keys.payment(purchaseId, 1) };
    await db.send(
      new UpdateCommand({
        ...paymentKey,
        UpdateExpression: 'SET dueDate = :due',
        ConditionExpression: '#status = :notified',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':due': dueDate, ':notified': 'NOTIFIED' },
      }),
    );

    // The next 09:00 is reached in about three seconds; the rule was armed at real time when the app
    // started, so this also shows a clock change re-arming it.
    const chases = () =>
      app.runtime.calls
        .where({ service: 'lambda', caller: 'events' })
        .filter((c) => c.target?.startsWith('ChaseUnconfirmedTranches'));
    expect(chases()).toEqual([]);
    app.runtime.stepFunctions.setClock({ msPerSecond: 3000 / ((nineInChina - now) / 1000) });
    try {
      const deadline = Date.now() + 60_000;
      while (!chases().some((c) => c.outcome === 'ok') && Date.now() < deadline) await sleep(200);
    } finally {
      app.runtime.stepFunctions.setClock({ msPerSecond: 1000 });
    }
    expect(chases().map((c) => c.outcome)).toContain('ok');

    const isReminder = (m: MailboxMail) =>
      mailAbout(purchaseId)(m) && m.subject.startsWith(`Reminder: payment overdue since ${dueDate}`);
    const stored = async () => (await db.send(new GetCommand({ ...paymentKey, ConsistentRead: true }))).Item;
    if (calendar.standing(chaseDay).working) {
      const reminder = await journey.inboxes.next(finance, isReminder, 30_000);
      expect(reminder.subject).toContain(`tranche 1 of ${purchaseId}`);
      expect(reminder.body.text).toContain('该笔款项已过付款期限');
      // The same confirmation task as the notice: finance can still confirm from either mail.
      expect(new URL(UsersClient.linkIn(reminder)).pathname).toBe(
        new URL(UsersClient.linkIn(notice)).pathname,
      );
      const page = await journey.users().open(UsersClient.linkIn(reminder));
      expect(page.status).toBe(200);
      expect((await stored())?.remindedAt).toEqual(expect.any(String));
    } else {
      expect(await journey.inboxes.arrival(isReminder, 5_000)).toBe(false);
      expect((await stored())?.remindedAt).toBeUndefined();
    }
    // Sent once: no other reminder of this tranche, and the tranche is still waiting for finance.
    expect(journey.inboxes.all.filter(isReminder).length).toBeLessThanOrEqual(1);
    expect((await stored())?.status).toBe('NOTIFIED');
    db.destroy();
  }, 300_000);
});
