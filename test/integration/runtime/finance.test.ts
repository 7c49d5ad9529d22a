import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../../infra/local/samples/files.js';
import { largeElderlyCareProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { type MailboxMail, reviewedUploadsOn, UsersClient } from '../../../infra/local/users.js';
import { mailAbout, midtermDueSoon } from '../../support/journey.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * What finance does on the local runtime, over HTTP and the mailbox only: confirms tranches from
 * the notices' links, and, as the head of the finance section, waives a tranche with a reason so
 * that a purchase waiting at closing for it can close.
 */

const settings = TEST_SETTINGS;
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
const ngo = largeElderlyCareProposalToday().ngo;
let app: LocalAppUnderTest;
let officer: string;
let clerk: string;
let head: string;
const seen = new Set<string>();
const users = () => app.users;
const isNotice = (purchaseId: string) => (m: MailboxMail) =>
  mailAbout(purchaseId)(m) && m.subject.startsWith('Payment due');
/** The NGO's mail that tranche 1 was paid: `part paid`, or all of it. */
const toldPaid = (purchaseId: string, part: boolean) => (m: MailboxMail) =>
  mailAbout(purchaseId)(m) &&
  (part ? /Tranche 1 \(.*\): part paid】/ : /Tranche 1 \(.*\) paid】/).test(m.subject);

beforeAll(async () => {
  app = await startLocalApp();
  officer = await users().devToken('officer-qian', ['officer'], 'qian.officer@civil-affairs.example.gov.cn');
  clerk = await users().devToken('finance-chen', ['finance'], 'finance.clerk@civil-affairs.example.gov.cn');
  head = await users().devToken(
    'finance-head-huang',
    ['finance-head'],
    'finance.head@civil-affairs.example.gov.cn',
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function decideFromMail(
  to: string,
  purchaseId: string,
  form: { decision: string; comment?: string; reference?: string },
  matches: (m: MailboxMail) => boolean = mailAbout(purchaseId),
) {
  const mail = await users().waitForMail(to, matches, seen);
  const { answer } = await users().decideAsPerson(UsersClient.linkIn(mail), form);
  expect(answer.status, `${form.decision} on "${mail.subject}"`).toBe(200);
  return mail;
}

async function uploadFromMail(purchaseId: string, kind: string) {
  const mail = await users().waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(purchaseId), seen);
  const posted = await users().ngoUpload(UsersClient.ngoLinkIn(mail), {
    kind,
    name: `${kind.toLowerCase()}.pdf`,
    type: 'application/pdf',
    bytes: samplePdf(`${kind} ${purchaseId}`),
  });
  expect(posted.uploadStatus).toBe(204);
}

/** An approved, countersigned purchase whose first tranche finance was told to pay. */
async function contracted(): Promise<string> {
  const submitted = await users().submit(officer, midtermDueSoon(largeElderlyCareProposalToday()));
  const purchaseId = String(submitted.body.purchaseId);
  await approveAllLevels(users(), officer, purchaseId, seen);
  await uploadFromMail(purchaseId, 'SIGNED_CONTRACT');
  await decideFromMail(chief, purchaseId, { decision: 'COUNTERSIGN' });
  await users().waitForStage(officer, purchaseId, ['MIDTERM_REVIEW']);
  return purchaseId;
}

async function evaluate(purchaseId: string) {
  const agencies = settings.lifecycle.evaluation.agencies.map((a) => a.email);
  const invitation = await users().waitForMail(
    '',
    (m) => m.destination.to.some((to) => agencies.includes(to)) && mailAbout(purchaseId)(m),
    seen,
  );
  const link = UsersClient.linkIn(invitation);
  const before = await users().open(link);
  const declared = await users().decide(link, { nonce: before.nonce, fields: { declare: '1' } });
  const scored = await users().decide(link, {
    nonce: before.nonce,
    reviewed: reviewedUploadsOn(declared.html),
    decision: 'SUBMIT',
    fields: { score_PROFESSIONAL_SERVICE: '88', score_OUTCOMES: '84.5', score_MANAGEMENT: '90' },
  });
  expect(scored.status).toBe(200);
}

/** Finance confirms from a notice's link what was paid: all of it, or `amount` (yuan as typed). */
async function confirmFromLink(link: string, reference: string, amount?: string) {
  const page = await users().open(link);
  expect(page.status).toBe(200);
  const answer = await users().decide(link, {
    nonce: page.nonce,
    decision: 'CONFIRM',
    reference,
    actingEmail: 'finance.clerk@civil-affairs.example.gov.cn',
    ...(amount === undefined ? {} : { fields: { amount } }),
  });
  expect(answer.status, answer.html.slice(0, 2000)).toBe(200);
  return answer;
}

describe('a tranche paid in parts', () => {
  it('finance confirms part of the first tranche from the notice, then the rest from the link the page gives, and the parts sum to it; the NGO is mailed each, once', async () => {
    const purchaseId = await contracted();
    const notice = await users().waitForMail(finance, isNotice(purchaseId), seen);
    // The notice names where to pay, in full.
    expect(notice.body.text).toContain('账号 3515 0198 0101 0000 4215');

    const first = await confirmFromLink(UsersClient.linkIn(notice), 'CCB-2026-0101', '100,000');
    expect(first.html).toContain('¥44,000.00 of this tranche is still due.');
    const href = /<a href="([^"]+)">确认余额付款/.exec(first.html)?.[1] ?? '';
    expect(href).toMatch(/^[A-Za-z0-9_-]{24}\?sig=/);
    const partly = await users().purchase(officer, purchaseId);
    expect(partly.payments?.[0]).toMatchObject({ tranche: 1, status: 'NOTIFIED', paidFen: 10_000_000 });
    // The officer's view masks the account.
    expect(JSON.stringify(partly)).not.toContain('35150198010100004215');
    // The NGO hears of the part: what came now, what is still due, the reference, its account masked.
    const toldPart = await users().waitForMail(ngo.contactEmail, toldPaid(purchaseId, true), seen);
    for (const fact of ['¥100,000.00', '¥44,000.00', 'CCB-2026-0101', '****4215'])
      expect(toldPart.body.text).toContain(fact);
    expect(toldPart.body.text).not.toContain('35150198010100004215');
    expect(toldPart.body.text).not.toContain('sig=');

    await confirmFromLink(new URL(href, UsersClient.linkIn(notice)).toString(), 'CCB-2026-0102');

    const paid = await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.payments?.[0]?.status === 'CONFIRMED',
      { expected: 'with tranche 1 confirmed' },
    );
    expect(paid.payments?.[0]).toMatchObject({
      amountFen: 14_400_000,
      paidFen: 14_400_000,
      reference: 'CCB-2026-0102',
      transfers: [
        { seq: 1, amountFen: 10_000_000, reference: 'CCB-2026-0101' },
        { seq: 2, amountFen: 4_400_000, reference: 'CCB-2026-0102' },
      ],
    });
    const actions = paid.audit.map((e) => e.action);
    expect(actions).toContain('payment.part-paid');
    expect(actions).toContain('payment.confirmed');
    expect(paid.auditChain.valid).toBe(true);
    const toldRest = await users().waitForMail(ngo.contactEmail, toldPaid(purchaseId, false), seen);
    expect(toldRest.body.text).toContain('¥44,000.00');
    expect(toldRest.body.text).toContain('CCB-2026-0102');
    // The NGO's page lists both, and each was mailed once although the links were opened again.
    await users().open(new URL(href, UsersClient.linkIn(notice)).toString());
    const request = (await users().mails()).find(UsersClient.asksNgoToUpload(purchaseId));
    const page = await users().open(UsersClient.ngoLinkIn(request as MailboxMail));
    expect(page.html).toContain('第 1 期款（合同签订后）已部分支付');
    expect(page.html).toContain('第 1 期款（合同签订后）已支付');
    const mailedNgo = (await users().mails()).filter(
      (m) =>
        m.destination.to.includes(ngo.contactEmail) &&
        (toldPaid(purchaseId, true)(m) || toldPaid(purchaseId, false)(m)),
    );
    expect(mailedNgo.map((m) => m.messageId).sort()).toEqual([toldPart.messageId, toldRest.messageId].sort());
  });
});

describe('correcting a payment record', () => {
  it('finance corrects a mistyped bank reference with a reason: the reference confirmed is kept, the correction is on the record and the audit trail', async () => {
    const purchaseId = await contracted();
    const notice = await users().waitForMail(finance, isNotice(purchaseId), seen);
    await confirmFromLink(UsersClient.linkIn(notice), 'CCB-2026-O201');
    await users().waitForPurchase(officer, purchaseId, (v) => v.payments?.[0]?.status === 'CONFIRMED', {
      expected: 'with tranche 1 confirmed',
    });
    const reason = '字母 O 误录为数字 0 · the letter O was typed for the digit 0';

    expect(
      (
        await users().correctPaymentRecord(
          officer,
          purchaseId,
          { tranche: 1, seq: 1 },
          { reference: 'CCB-2026-0201', reason },
        )
      ).status,
    ).toBe(403);
    const blank = await users().correctPaymentRecord(
      clerk,
      purchaseId,
      { tranche: 1, seq: 1 },
      { reference: 'CCB 0201', reason: '' },
    );
    expect(blank.status).toBe(400);
    const corrected = await users().correctPaymentRecord(
      clerk,
      purchaseId,
      { tranche: 1, seq: 1 },
      { reference: 'CCB-2026-0201', reason },
    );
    expect(corrected.status).toBe(200);

    const view = await users().purchase(officer, purchaseId);
    expect(view.payments?.[0]).toMatchObject({
      status: 'CONFIRMED',
      reference: 'CCB-2026-0201',
      transfers: [
        {
          seq: 1,
          reference: 'CCB-2026-O201',
          corrections: [
            { reference: 'CCB-2026-0201', reason, by: 'finance.clerk@civil-affairs.example.gov.cn' },
          ],
        },
      ],
    });
    expect(view.audit.find((e) => e.action === 'payment.reference-corrected')).toMatchObject({
      actor: 'finance.clerk@civil-affairs.example.gov.cn',
      detail: { tranche: 1, seq: 1, from: 'CCB-2026-O201', to: 'CCB-2026-0201', reason },
    });
    expect(view.auditChain.valid).toBe(true);
  });
});

describe('a purchase closes only once every tranche is paid or waived', () => {
  it('with the second tranche unconfirmed it waits at closing; the finance head waives it with a reason and it closes', async () => {
    const purchaseId = await contracted();
    await decideFromMail(
      finance,
      purchaseId,
      { decision: 'CONFIRM', reference: 'CCB-2026-0001' },
      isNotice(purchaseId),
    );
    await uploadFromMail(purchaseId, 'MIDTERM_REPORT');
    await decideFromMail(chief, purchaseId, { decision: 'PASS' });
    // Finance is told of the second tranche and never confirms it.
    await users().waitForMail(finance, isNotice(purchaseId), seen);
    await users().waitForStage(officer, purchaseId, ['EVALUATION']);
    await uploadFromMail(purchaseId, 'FINAL_REPORT');
    await evaluate(purchaseId);
    await decideFromMail(
      finance,
      purchaseId,
      { decision: 'CONFIRM', reference: 'CCB-2026-0003' },
      isNotice(purchaseId),
    );

    const waiting = await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.payments?.find((p) => p.tranche === 3)?.status === 'CONFIRMED',
      { expected: 'with the final tranche confirmed' },
    );
    // Give the closing step time it would need to close: it must not.
    await new Promise((r) => setTimeout(r, 3_000));
    const still = await users().purchase(officer, purchaseId);
    expect(still.stage).toBe('EVALUATION');
    expect(still.audit.map((e) => e.action)).not.toContain('purchase.closed');
    expect(waiting.payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'NOTIFIED'],
      [3, 'CONFIRMED'],
    ]);

    // The clerk who confirms payments may not waive; a waiver without a reason is refused.
    expect((await users().waiveTranche(clerk, purchaseId, 2, { reason: '不再支付' })).status).toBe(403);
    const blank = await users().waiveTranche(head, purchaseId, 2, { reason: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([
      expect.objectContaining({ field: 'reason', rule: 'waiver-reason-required' }),
    ]);
    const reason = '机构已书面放弃第二期款项 · the NGO renounced the second tranche in writing';
    const waived = await users().waiveTranche(head, purchaseId, 2, { reason });
    expect(waived.status).toBe(200);
    expect(waived.body).toMatchObject({ outcome: 'WAIVED', closingResumed: true });

    const closed = await users().waitForStage(officer, purchaseId, ['CLOSED']);
    expect(closed.payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'WAIVED'],
      [3, 'CONFIRMED'],
    ]);
    expect(closed.audit.find((e) => e.action === 'payment.waived')).toMatchObject({
      actor: 'finance.head@civil-affairs.example.gov.cn',
      detail: { tranche: 2, reason },
    });
    expect(closed.audit.find((e) => e.action === 'purchase.closed')?.detail).toMatchObject({
      paidFen: 14_400_000 + 14_400_000,
      tranches: ['1:CONFIRMED', '2:WAIVED', '3:CONFIRMED'],
      auditChainValid: true,
    });
    expect(closed.auditChain.valid).toBe(true);
  });
});
