import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleExecutable, samplePdf } from '../../../infra/local/samples/files.js';
import { largeElderlyCareProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { objectCreatedRecord } from '../../../infra/local/services/s3.js';
import { ACTING_FINANCE_CLERK, type PurchaseView, UsersClient } from '../../../infra/local/users.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * Contracting on the local runtime, over HTTP and the mailbox only: the NGO uploads through
 * its page's presigned POST, the section chief countersigns from a link (after refusing a
 * first copy), finance confirms the first tranche, and a restart in the middle loses nothing.
 */

const settings = TEST_SETTINGS;
const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
const finance = settings.lifecycle.payments.financeSubscribers[0] as string;
const ngo = largeElderlyCareProposalToday().ngo;
let app: LocalAppUnderTest;
let officer: string;
const seen = new Set<string>();

const users = () => app.users;
const mentions = (purchaseId: string) => (m: { body: { text?: string } }) =>
  (m.body.text ?? '').includes(purchaseId);

beforeAll(async () => {
  app = await startLocalApp();
  officer = await users().devToken('officer-zhao', ['officer'], 'zhao.officer@civil-affairs.example.gov.cn');
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

/** Submits the ¥480,000 sample and approves it at all three levels from the mailed links. */
async function approvedPurchase(): Promise<string> {
  const submitted = await users().submit(officer, largeElderlyCareProposalToday());
  const purchaseId = String(submitted.body.purchaseId);
  await approveAllLevels(users(), officer, purchaseId, seen);
  return purchaseId;
}

async function ngoPageFor(purchaseId: string): Promise<string> {
  return UsersClient.ngoLinkIn(
    await users().waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(purchaseId), seen),
  );
}

async function deliverables(purchaseId: string, count: number) {
  const view = await users().waitForPurchase(
    officer,
    purchaseId,
    (v) => (v.deliverables ?? []).length >= count,
    { expected: `with ${count} deliverables recorded`, timeoutMs: 10_000 },
  );
  return view.deliverables ?? [];
}

const pdf = (text: string) => ({
  kind: 'SIGNED_CONTRACT',
  name: '服务合同 已签署.pdf',
  type: 'application/pdf',
  bytes: samplePdf(text),
});

describe('contracting on the local runtime', () => {
  it('runs from the issued contract to the confirmed first tranche, with a refused copy on the way', async () => {
    const purchaseId = await approvedPurchase();
    const page = await ngoPageFor(purchaseId);
    expect((await users().open(page)).status).toBe(200);

    // A Windows program named .pdf passes the POST policy (its declared type is allowed) but not its bytes.
    const exe = await users().ngoUpload(page, {
      ...pdf('x'),
      name: 'contract.pdf',
      bytes: sampleExecutable(),
    });
    expect([exe.presignStatus, exe.uploadStatus]).toEqual([200, 204]);
    const [refused] = await deliverables(purchaseId, 1);
    expect(refused).toMatchObject({ status: 'REJECTED', fileName: 'contract.pdf' });
    expect(refused?.reasons.map((r) => r.rule)).toContain('file-type-not-allowed');

    // Round 1: a real PDF, which the section chief refuses with a reason.
    const first = await users().ngoUpload(page, pdf(`round 1 ${purchaseId}`));
    expect(first.uploadStatus).toBe(204);
    const ask1 = UsersClient.linkIn(await users().waitForMail(chief, mentions(purchaseId), seen));
    const ask1Page = await users().open(ask1);
    expect(ask1Page.html).toContain('COUNTERSIGN');
    const refusal = await users().decide(ask1, {
      nonce: ask1Page.nonce,
      reviewed: ask1Page.reviewed,
      decision: 'REFUSE',
      comment: '缺少机构公章 / the NGO seal is missing',
    });
    expect(refusal.status).toBe(200);

    // Round 2: the NGO is told what to fix, uploads again, the chief countersigns.
    const again = await users().waitForMail(ngo.contactEmail, UsersClient.asksNgoToUpload(purchaseId), seen);
    expect(again.body.text).toContain('the NGO seal is missing');
    const second = await users().ngoUpload(UsersClient.ngoLinkIn(again), pdf(`round 2 ${purchaseId}`));
    expect(second.uploadStatus).toBe(204);
    const ask2 = UsersClient.linkIn(await users().waitForMail(chief, mentions(purchaseId), seen));
    const ask2Page = await users().open(ask2);
    expect(
      (
        await users().decide(ask2, {
          nonce: ask2Page.nonce,
          reviewed: ask2Page.reviewed,
          decision: 'COUNTERSIGN',
        })
      ).status,
    ).toBe(200);

    // The first payment step reaches finance, who confirms the transfer.
    const notice = await users().waitForMail(
      finance,
      (m) => mentions(purchaseId)(m) && m.subject.startsWith('Payment due'),
      seen,
    );
    expect(notice.body.text).toContain('144,000.00');
    const confirm = UsersClient.linkIn(notice);
    const confirmPage = await users().open(confirm);
    const confirmed = await users().decide(confirm, {
      nonce: confirmPage.nonce,
      decision: 'CONFIRM',
      actingEmail: ACTING_FINANCE_CLERK,
      reference: 'ICBC-2026-7781',
    });
    expect(confirmed.status).toBe(200);

    const view = await users().waitForPurchase(
      officer,
      purchaseId,
      (v) => v.stage === 'MIDTERM_REVIEW' && v.payments?.[0]?.status === 'CONFIRMED',
      { expected: 'in MIDTERM_REVIEW with tranche 1 confirmed' },
    );
    expect(view.payments).toEqual([
      expect.objectContaining({
        tranche: 1,
        amountFen: 14_400_000,
        status: 'CONFIRMED',
        reference: 'ICBC-2026-7781',
      }),
    ]);
    expect((view.deliverables ?? []).map((d) => d.status)).toEqual(['REJECTED', 'ACCEPTED', 'ACCEPTED']);
    expect(view.auditChain.valid).toBe(true);
    const actions = view.audit.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'contract.issued',
        'contract.published',
        'payment.notified',
        'payment.confirmed',
      ]),
    );
    expect(JSON.stringify(view)).not.toMatch(/taskToken|nonce|X-Amz-Signature/);
  });

  it('refuses what the page must not sign: a wrong type, too large a file, a forged link', async () => {
    const purchaseId = await approvedPurchase();
    const page = await ngoPageFor(purchaseId);
    const text = await users().ngoUpload(page, { ...pdf('x'), name: 'notes.txt', type: 'text/plain' });
    expect(text.presignStatus).toBe(400);
    const huge = await users().ngoUpload(page, {
      ...pdf('x'),
      bytes: new Uint8Array(settings.lifecycle.uploads.maxBytes + 1),
    });
    expect(huge.presignStatus).toBe(400);
    const forged = page.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await users().open(forged)).status).toBe(403);
    expect((await users().ngoUpload(forged, pdf('x'))).presignStatus).toBe(403);
    expect((await users().purchase(officer, purchaseId)).deliverables).toEqual([]);
  });

  it('the bucket refuses what the grant does not cover: a larger file, another key (outside the prefix)', async () => {
    const purchaseId = await approvedPurchase();
    const page = await ngoPageFor(purchaseId);
    const url = new URL(page);
    url.pathname = `${url.pathname}/uploads`;
    const small = samplePdf(`grant ${purchaseId}`);
    const grantReply = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'SIGNED_CONTRACT',
        fileName: 'c.pdf',
        contentType: 'application/pdf',
        size: small.length,
      }),
    });
    const grant = (await grantReply.json()) as {
      url: string;
      fields: Record<string, string>;
      maxBytes: number;
    };
    const post = async (fields: Record<string, string>, bytes: Uint8Array) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('file', new Blob([bytes], { type: 'application/pdf' }), 'c.pdf');
      return fetch(grant.url, { method: 'POST', body: form });
    };
    const tooLarge = await post(grant.fields, new Uint8Array(grant.maxBytes + 1));
    expect(tooLarge.status).toBeGreaterThanOrEqual(400);
    const elsewhere = await post(
      { ...grant.fields, key: `uploads/PUR-2026-OTHERPURCHASE0000/SIGNED_CONTRACT/x/c.pdf` },
      small,
    );
    expect(elsewhere.status).toBe(403);
    const outside = await post({ ...grant.fields, key: 'contracts/evil.pdf' }, small);
    expect(outside.status).toBe(403);
    await new Promise((r) => setTimeout(r, 500));
    expect((await users().purchase(officer, purchaseId)).deliverables).toEqual([]);
  });

  it('records an upload once when its event is delivered twice', async () => {
    const purchaseId = await approvedPurchase();
    const page = await ngoPageFor(purchaseId);
    const file = pdf(`once ${purchaseId}`);
    const posted = await users().ngoUpload(page, file);
    await deliverables(purchaseId, 1);
    // The countersignature is asked for two steps after the upload is recorded.
    const asked = (v: PurchaseView) => v.audit.filter((e) => e.action === 'task.requested').length;
    await users().waitForPurchase(officer, purchaseId, (v) => asked(v) >= 1, {
      expected: 'with the countersignature asked for',
    });
    const key = posted.grant.fields.key as string;
    const s3 = app.runtime.s3;
    if (!s3) throw new Error('the app has no local S3');
    await s3.deliver(
      objectCreatedRecord({
        region: 'us-east-1',
        principal: 'local',
        eventName: 'ObjectCreated:Post',
        bucket: posted.grant.url.split('/').at(-1) as string,
        key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
        size: file.bytes.length,
        eTag: createHash('md5').update(file.bytes).digest('hex'),
        sourceIp: '127.0.0.1',
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const view = await users().purchase(officer, purchaseId);
    expect(view.deliverables).toHaveLength(1);
    expect(view.audit.filter((e) => e.action === 'deliverable.accepted')).toHaveLength(1);
    // The countersignature was asked for once.
    expect(asked(view)).toBe(1);
  });

  it('continues after a restart while it waits for the signed contract; the mailed page link still works', async () => {
    const purchaseId = await approvedPurchase();
    const page = await ngoPageFor(purchaseId);
    await app.restart();
    officer = await users().devToken(
      'officer-zhao',
      ['officer'],
      'zhao.officer@civil-affairs.example.gov.cn',
    );
    expect((await users().open(page)).status).toBe(200);
    expect((await users().ngoUpload(page, pdf(`after restart ${purchaseId}`))).uploadStatus).toBe(204);
    const ask = UsersClient.linkIn(await users().waitForMail(chief, mentions(purchaseId), seen));
    const askPage = await users().open(ask);
    expect(
      (
        await users().decide(ask, {
          nonce: askPage.nonce,
          reviewed: askPage.reviewed,
          decision: 'COUNTERSIGN',
        })
      ).status,
    ).toBe(200);
    const view = await users().waitForStage(officer, purchaseId, ['MIDTERM_REVIEW']);
    expect(view.auditChain.valid).toBe(true);
    expect(view.audit.filter((e) => e.action === 'contract.issued')).toHaveLength(1);
  });
});
