import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../../infra/local/sample-files.js';
import { type MailboxMail, UsersClient } from '../../../infra/local/users.js';
import { loadSettings } from '../../../infra/settings.js';
import { largeElderlyCareProposal } from '../../../shared/domain/sample-proposals.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';

/**
 * The mid-term review on the local runtime, over HTTP and the mailbox only: the NGO uploads
 * its report from its page, the section chief passes it (second tranche to finance) or, on
 * another purchase, asks for rectification once and then terminates it.
 */

const settings = loadSettings('config/settings.json');
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
const ngo = largeElderlyCareProposal().ngo;
let app: LocalAppUnderTest;
let officer: string;
const seen = new Set<string>();
const users = () => app.users;
const about = (purchaseId: string) => (m: MailboxMail) => (m.body.text ?? '').includes(purchaseId);

beforeAll(async () => {
  app = await startLocalApp();
  officer = await users().devToken('officer-qian', ['staff'], 'qian.officer@civil-affairs.example.gov.cn');
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function decideFromMail(
  to: string,
  purchaseId: string,
  form: { decision: string; comment?: string; reference?: string },
) {
  const mail = await users().waitForMail(to, about(purchaseId), seen);
  const link = UsersClient.linkIn(mail);
  const page = await users().open(link);
  const result = await users().decide(link, { nonce: page.nonce, ...form });
  expect(result.status, `${form.decision} on "${mail.subject}"`).toBe(200);
  return mail;
}

async function uploadFromMail(purchaseId: string, kind: string, text: string) {
  const mail = await users().waitForMail(ngo.contactEmail, about(purchaseId), seen);
  const posted = await users().ngoUpload(UsersClient.ngoLinkIn(mail), {
    kind,
    name: `${kind.toLowerCase()}.pdf`,
    type: 'application/pdf',
    bytes: samplePdf(text),
  });
  expect(posted.uploadStatus).toBe(204);
  return mail;
}

/** An approved, countersigned purchase whose first tranche is paid: it waits for the mid-term report. */
async function atMidterm(): Promise<string> {
  const submitted = await users().submit(officer, largeElderlyCareProposal());
  const purchaseId = String(submitted.body.purchaseId);
  await approveAllLevels(users(), officer, purchaseId, seen);
  await uploadFromMail(purchaseId, 'SIGNED_CONTRACT', `signed ${purchaseId}`);
  await decideFromMail(chief, purchaseId, { decision: 'COUNTERSIGN' });
  await decideFromMail(finance, purchaseId, { decision: 'CONFIRM', reference: 'CCB-2026-0001' });
  await users().waitForStage(officer, purchaseId, ['MIDTERM_REVIEW']);
  return purchaseId;
}

describe('mid-term review on the local runtime', () => {
  it('a passed report moves the purchase to EVALUATION and sends finance the second tranche', async () => {
    const purchaseId = await atMidterm();
    const ask = await uploadFromMail(purchaseId, 'MIDTERM_REPORT', `report ${purchaseId}`);
    expect(ask.subject).toContain('mid-term report');
    const review = await decideFromMail(chief, purchaseId, { decision: 'PASS', comment: '通过' });
    expect(review.subject).toContain('Review the mid-term report');
    const notice = await decideFromMail(finance, purchaseId, {
      decision: 'CONFIRM',
      reference: 'CCB-2026-0002',
    });
    expect(notice.body.text).toContain('192,000.00');
    const view = await users().waitForStage(officer, purchaseId, ['EVALUATION']);
    expect(view.audit.map((e) => e.action)).toContain('midterm.passed');
    expect(view.auditChain.valid).toBe(true);
  });

  it('rectify then terminate: a second round, then TERMINATED with unpaid tranches cancelled and budget returned', async () => {
    const purchaseId = await atMidterm();
    await uploadFromMail(purchaseId, 'MIDTERM_REPORT', `report 1 ${purchaseId}`);
    await decideFromMail(chief, purchaseId, { decision: 'RECTIFY', comment: '请补充满意度调查' });
    const again = await uploadFromMail(purchaseId, 'MIDTERM_REPORT', `report 2 ${purchaseId}`);
    expect(again.body.text).toContain('mid-term report');
    await decideFromMail(chief, purchaseId, { decision: 'TERMINATE', comment: '整改后仍不达标' });
    const view = await users().waitForStage(officer, purchaseId, ['TERMINATED']);
    expect(view.payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CANCELLED'],
      [3, 'CANCELLED'],
    ]);
    expect(view.audit.find((e) => e.action === 'purchase.terminated')?.detail).toMatchObject({
      budgetReleased: true,
      tranchesKept: [1],
    });
    expect(view.deliverables?.filter((d) => d.kind === 'MIDTERM_REPORT')).toHaveLength(2);
    expect(view.auditChain.valid).toBe(true);
  });
});
