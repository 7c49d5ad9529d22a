import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../../infra/local/samples/files.js';
import { largeElderlyCareProposalToday } from '../../../infra/local/samples/live-proposals.js';
import {
  type MailboxMail,
  type PurchaseView,
  reviewedUploadsOn,
  type UploadGrant,
  UsersClient,
} from '../../../infra/local/users.js';
import { mailAbout, midtermDueSoon } from '../../support/journey.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * The stages after contracting on the local runtime, over HTTP and the mailbox only: the NGO
 * uploads its reports from its page, the section chief passes the mid-term report (second
 * tranche) or asks for rectification and terminates; an independent agency declares and
 * scores; the grade decides the final tranche; the purchase closes; a failed NGO is barred.
 */

const settings = TEST_SETTINGS;
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
const ngo = largeElderlyCareProposalToday().ngo;
let app: LocalAppUnderTest;
let officer: string;
const seen = new Set<string>();
const users = () => app.users;
beforeAll(async () => {
  app = await startLocalApp();
  officer = await users().devToken('officer-qian', ['officer'], 'qian.officer@civil-affairs.example.gov.cn');
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function decideFromMail(
  to: string,
  purchaseId: string,
  form: { decision: string; comment?: string; reference?: string },
) {
  const mail = await users().waitForMail(to, mailAbout(purchaseId), seen);
  const { answer } = await users().decideAsPerson(UsersClient.linkIn(mail), form);
  expect(answer.status, `${form.decision} on "${mail.subject}"`).toBe(200);
  return mail;
}

async function uploadFromMail(purchaseId: string, kind: string, text: string) {
  const mail = await users().waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(purchaseId), seen);
  const posted = await users().ngoUpload(UsersClient.ngoLinkIn(mail), {
    kind,
    name: `${kind.toLowerCase()}.pdf`,
    type: 'application/pdf',
    bytes: samplePdf(text),
  });
  expect(posted.uploadStatus).toBe(204);
  return mail;
}

/**
 * An approved, countersigned purchase whose first tranche is paid: it waits for the mid-term report,
 * due in a few days (the live sample's is long past, which leaves a minute before the late path).
 */
async function atMidterm(): Promise<string> {
  const submitted = await users().submit(officer, midtermDueSoon(largeElderlyCareProposalToday()));
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
    // The reviewer's words reach the NGO: in the mail asking again, and on its page.
    expect(again.subject).toContain('rectify and submit again');
    expect(again.body.text).toContain('请补充满意度调查');
    const page = await users().open(UsersClient.ngoLinkIn(again));
    expect(page.html).toContain('请补充满意度调查');
    await decideFromMail(chief, purchaseId, { decision: 'TERMINATE', comment: '整改后仍不达标' });
    const view = await users().waitForStage(officer, purchaseId, ['TERMINATED']);
    const ended = await users().waitForMail(
      ngo.contactEmail,
      (m) => mailAbout(purchaseId)(m) && m.subject.includes('The purchase is terminated'),
      seen,
    );
    expect(ended.body.text).toContain('整改后仍不达标');
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

async function evaluate(purchaseId: string, scores: Record<string, string>) {
  const agencies = settings.lifecycle.evaluation.agencies.map((a) => a.email);
  const invitation = await users().waitForMail(
    '',
    (m) => m.destination.to.some((to) => agencies.includes(to)) && mailAbout(purchaseId)(m),
    seen,
  );
  // Never the agency linked to the NGO (the sample roster links one to it).
  const linked = settings.lifecycle.evaluation.agencies.find((a) =>
    a.linkedNgoCreditCodes.includes(ngo.creditCode),
  );
  expect(invitation.destination.to).not.toContain(linked?.email);
  const link = UsersClient.linkIn(invitation);
  const before = await users().open(link);
  expect(before.html).not.toContain('X-Amz-Signature');
  const declared = await users().decide(link, { nonce: before.nonce, fields: { declare: '1' } });
  expect(declared.status).toBe(200);
  expect(declared.html).toContain('X-Amz-Signature');
  const scored = await users().decide(link, {
    nonce: before.nonce,
    reviewed: reviewedUploadsOn(declared.html),
    decision: 'SUBMIT',
    comment: 'scored',
    fields: Object.fromEntries(Object.entries(scores).map(([k, v]) => [`score_${k}`, v])),
  });
  expect(scored.status).toBe(200);
}

async function atEvaluation(): Promise<string> {
  const purchaseId = await atMidterm();
  await uploadFromMail(purchaseId, 'MIDTERM_REPORT', `report ${purchaseId}`);
  await decideFromMail(chief, purchaseId, { decision: 'PASS' });
  await decideFromMail(finance, purchaseId, { decision: 'CONFIRM', reference: 'CCB-2026-0002' });
  await users().waitForStage(officer, purchaseId, ['EVALUATION']);
  await uploadFromMail(purchaseId, 'FINAL_REPORT', `final ${purchaseId}`);
  return purchaseId;
}

describe('a restart while the mid-term report is awaited', () => {
  it('loses nothing: the mailed NGO page link still works and the review goes on', async () => {
    const purchaseId = await atMidterm();
    const ask = await users().waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(purchaseId), seen);
    await app.restart();
    officer = await users().devToken(
      'officer-qian',
      ['officer'],
      'qian.officer@civil-affairs.example.gov.cn',
    );
    const posted = await users().ngoUpload(UsersClient.ngoLinkIn(ask), {
      kind: 'MIDTERM_REPORT',
      name: 'report.pdf',
      type: 'application/pdf',
      bytes: samplePdf(`after restart ${purchaseId}`),
    });
    expect(posted.uploadStatus).toBe(204);
    await decideFromMail(chief, purchaseId, { decision: 'PASS' });
    // The second tranche is notified by the step after the pass, a moment after the stage.
    const notified = (view: PurchaseView) =>
      view.audit.filter((e) => e.action === 'payment.notified').map((e) => e.detail.tranche);
    const view = await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.stage === 'EVALUATION' && notified(v).length >= 2,
      { expected: 'in EVALUATION with tranche 2 notified' },
    );
    expect(notified(view)).toEqual([1, 2]);
    expect(view.auditChain.valid).toBe(true);
  });
});

describe('evaluation and closing on the local runtime', () => {
  it('a GOOD grade pays the final tranche and the purchase closes with a verified audit chain', async () => {
    const purchaseId = await atEvaluation();
    await evaluate(purchaseId, { PROFESSIONAL_SERVICE: '88', OUTCOMES: '84.5', MANAGEMENT: '90' });
    await decideFromMail(finance, purchaseId, { decision: 'CONFIRM', reference: 'CCB-2026-0003' });
    // The stage and the payments are written by different steps: wait for both.
    const view = await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.stage === 'CLOSED' && (v.payments ?? []).every((p) => p.status === 'CONFIRMED'),
      { expected: 'CLOSED with every tranche confirmed' },
    );
    expect(view.payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CONFIRMED'],
      [3, 'CONFIRMED'],
    ]);
    expect(view.audit.find((e) => e.action === 'evaluation.concluded')?.detail).toMatchObject({
      grade: 'GOOD',
      finalTranche: 'PAY_IN_FULL',
    });
    expect(view.audit.find((e) => e.action === 'purchase.closed')?.detail).toMatchObject({
      auditChainValid: true,
    });
    expect(view.auditChain.valid).toBe(true);
  });

  it('an agency declines; the next is mailed at once, declares, saves a draft, uploads its report and submits with it', async () => {
    const purchaseId = await atEvaluation();
    const agencies = settings.lifecycle.evaluation.agencies;
    const invitedAbout = (m: MailboxMail) =>
      m.destination.to.some((to) => agencies.some((a) => a.email === to)) && mailAbout(purchaseId)(m);

    // The first agency declines from its page, before seeing any file.
    const first = await users().waitForMail('', invitedAbout, seen);
    const firstLink = UsersClient.linkIn(first);
    const declining = await users().open(firstLink);
    expect(declining.html).toContain('value="DECLINE"');
    const declined = await users().decide(firstLink, {
      nonce: declining.nonce,
      decision: 'DECLINE',
      comment: '本机构本季度评估任务已满',
    });
    expect(declined.status).toBe(200);

    // The next independent agency is invited at once, on a link of its own.
    const second = await users().waitForMail('', invitedAbout, seen);
    expect(second.destination.to).not.toEqual(first.destination.to);
    const link = UsersClient.linkIn(second);
    const opened = await users().open(link);
    const declared = await users().decide(link, { nonce: opened.nonce, fields: { declare: '1' } });
    expect(declared.status).toBe(200);

    // A draft is kept and shown again when the link is opened again.
    const drafted = await users().decide(link, {
      nonce: opened.nonce,
      comment: '走访记录待核实',
      fields: { draft: '1', score_OUTCOMES: '83.5' },
    });
    expect(drafted.status).toBe(200);
    const reopened = await users().open(link);
    expect(reopened.html).toMatch(/name="score_OUTCOMES"[^>]* value="83.5"/);
    expect(reopened.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);

    // The written report goes straight to the bucket through the grant the page's script asks for.
    const report = {
      kind: 'EVALUATION_REPORT',
      name: '评估报告.pdf',
      type: 'application/pdf',
      bytes: samplePdf(`evaluation report ${purchaseId}`),
    };
    const grantUrl = new URL(link);
    grantUrl.pathname = `${grantUrl.pathname}/report`;
    const granted = await fetch(grantUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        nonce: opened.nonce,
        fileName: report.name,
        contentType: report.type,
        size: report.bytes.length,
      }),
    });
    expect(granted.status).toBe(200);
    expect(await users().postUpload((await granted.json()) as UploadGrant, report)).toBe(204);
    // The first agency's link gets no grant: it stepped aside.
    const refused = await fetch(
      new URL(`${new URL(firstLink).pathname}/report${new URL(firstLink).search}`, firstLink),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          nonce: declining.nonce,
          fileName: 'x.pdf',
          contentType: 'application/pdf',
          size: 10,
        }),
      },
    );
    expect(refused.status).toBe(410);

    // The bucket's event records the report a moment after the upload: the page shows it then.
    let withReport = await users().open(link);
    for (let tries = 0; !withReport.html.includes('评估报告.pdf') && tries < 60; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      withReport = await users().open(link);
    }
    expect(withReport.html).toContain('评估报告.pdf');
    const submitted = await users().decide(link, {
      nonce: withReport.nonce,
      reviewed: withReport.reviewed,
      decision: 'SUBMIT',
      comment: '服务规范',
      fields: { score_PROFESSIONAL_SERVICE: '86', score_OUTCOMES: '83.5', score_MANAGEMENT: '90' },
    });
    expect(submitted.status).toBe(200);

    const view = (await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.audit.some((e) => e.action === 'evaluation.concluded'),
      { expected: 'the evaluation concluded' },
    )) as PurchaseView & {
      decisions?: Record<string, { data?: { reviewed?: unknown[] } }>;
      evaluation?: { declarations?: unknown[] };
      deliverables?: { uploadedBy?: string }[];
    };
    const assigned = view.audit.filter((e) => e.action === 'evaluation.assigned').map((e) => e.detail);
    expect(assigned.map((d) => d.because)).toEqual([null, 'DECLINE']);
    expect(view.audit.map((e) => e.action)).toContain('evaluation.draft-saved');
    const reportUpload = view.deliverables?.find((d) => d.kind === 'EVALUATION_REPORT');
    expect(reportUpload).toMatchObject({ status: 'ACCEPTED', uploadedBy: `agency:${assigned[1]?.agencyId}` });
    const decision = view.decisions?.['EVALUATION:2'];
    expect(decision?.data?.reviewed).toContainEqual({
      kind: 'EVALUATION_REPORT',
      uploadId: reportUpload?.uploadId,
      sha256: reportUpload?.sha256,
    });
    expect(view.evaluation?.declarations).toEqual([
      expect.objectContaining({ decision: 'DECLINE', reason: '本机构本季度评估任务已满' }),
    ]);
  });

  // Last in the file: the FAIL bars the NGO from new purchases, which the cases above still register.
  it('a FAIL withholds the final tranche, closes, and bars the NGO from new proposals', async () => {
    const purchaseId = await atEvaluation();
    await evaluate(purchaseId, { PROFESSIONAL_SERVICE: '55', OUTCOMES: '52', MANAGEMENT: '60' });
    const view = await users().waitForStage(officer, purchaseId, ['CLOSED']);
    expect(view.payments?.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'CONFIRMED'],
      [2, 'CONFIRMED'],
      [3, 'WITHHELD'],
    ]);
    const again = await users().submit(officer, largeElderlyCareProposalToday());
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([
      expect.objectContaining({ field: 'ngo.creditCode', rule: 'ngo-barred' }),
    ]);
  });
});
