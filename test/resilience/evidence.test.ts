import { createHash } from 'node:crypto';
import { GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/assembly/local-account.js';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import { approvedPurchase, type Inboxes, type JourneyContext } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 12: evidence that cannot be swapped. Each case is an attack on the synthesized app on the
 * local runtime, over HTTP and S3 only, and what the product does about it.
 */

const officerEmail = 'li.officer@civil-affairs.example.gov.cn';
const journeyApp = useJourneyApp({ sub: 'officer-li', email: officerEmail });
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A purchase approved by the section chief, and its NGO page link. */
const approved = () => approvedPurchase(journey, smallMinorProtectionProposalToday());

describe('12 High: an accepted file replaced by posting its grant again', () => {
  it('keeps the checked version as the evidence, quarantines the later one and flags it to staff', async (context) => {
    const { purchaseId, ngoPage } = await approved();
    const clean = {
      kind: 'SIGNED_CONTRACT',
      name: 'signed.pdf',
      type: 'application/pdf',
      bytes: samplePdf('clean'),
    };
    const { status, grant } = await app.users.requestUploadGrant(ngoPage, clean);
    expect(status).toBe(200);
    expect(await app.users.postUpload(grant, clean)).toBeLessThan(300);
    const accepted = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => (v.deliverables ?? []).some((d) => d.status === 'ACCEPTED'),
      { expected: 'the clean contract accepted' },
    );
    const first = accepted.deliverables?.[0];
    if (!first) throw new Error('no deliverable');

    // The attack: the same grant again, within its validity, with other bytes.
    const swapped = { ...clean, bytes: samplePdf('swapped terms: the NGO is paid twice') };
    expect(await app.users.postUpload(grant, swapped)).toBeLessThan(300);
    const flagged = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => v.audit.some((e) => e.action === 'deliverable.later-version-quarantined'),
      { expected: 'the later version flagged', timeoutMs: 30_000 },
    );

    // The record is still the checked file: its hash, its version, one deliverable.
    expect(flagged.deliverables).toHaveLength(1);
    expect(flagged.deliverables?.[0]).toMatchObject({
      sha256: sha256(clean.bytes),
      versionId: first.versionId,
    });
    const flag = flagged.audit.find((e) => e.action === 'deliverable.later-version-quarantined');
    expect(flag?.detail).toMatchObject({ uploadId: first.uploadId, checkedVersionId: first.versionId });
    const laterVersion = flag?.detail.versionId as string;
    expect(laterVersion).not.toBe(first.versionId);

    // What staff download is the checked version, not the one written later under the key.
    const link = await fetch(`${app.runtime.urls.api}/purchases/${purchaseId}/documents/${first.uploadId}`, {
      headers: { authorization: `Bearer ${journey.officer}` },
    });
    const { url } = (await link.json()) as { url: string };
    const downloaded = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(clean.bytes));

    // The later version carries the quarantine tag.
    const s3 = new S3Client({
      endpoint: app.runtime.urls.s3,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    });
    const key = (flag?.detail.key as string) ?? '';
    const bucket = new URL(grant.url).pathname.split('/')[1] ?? '';
    const tags = await s3.send(
      new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: laterVersion }),
    );
    s3.destroy();
    expect(tags.TagSet).toContainEqual({ Key: 'quarantine', Value: 'true' });

    recordCase(context, {
      case: '12-1 Evidence: a grant posted again after acceptance',
      attempts: 2,
      expected:
        'the checked version stays the record and the download; the later version quarantined and flagged',
      observed: `record sha256 ${first.sha256.slice(0, 12)}… version ${first.versionId}; later version ${laterVersion} tagged quarantine; download hashes to the record; flag on the audit trail`,
    });
  }, 120_000);
});

describe('12 Medium 1: a decision on a file the reviewer did not see', () => {
  it('refuses a countersignature posted from a page that showed an older signed contract, and records the one shown', async (context) => {
    const { purchaseId, ngoPage } = await approved();
    const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF.email;
    const signed = (name: string, text: string) => ({
      kind: 'SIGNED_CONTRACT',
      name,
      type: 'application/pdf',
      bytes: samplePdf(text),
    });
    const first = signed('signed-v1.pdf', 'the contract as signed first');
    expect((await app.users.ngoUpload(ngoPage, first)).uploadStatus).toBe(204);
    const ask = await inboxes.next(
      chief,
      (m) => (m.body.text ?? '').includes(purchaseId) && m.subject.includes('Countersign'),
      30_000,
    );
    const link = UsersClient.linkIn(ask);
    const page = await app.users.open(link);
    expect(page.html).toContain(sha256(first.bytes));

    // While the page is open, the NGO uploads another signed contract.
    const second = signed('signed-v2.pdf', 'other terms, uploaded after the page was opened');
    expect((await app.users.ngoUpload(ngoPage, second)).uploadStatus).toBe(204);
    await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => (v.deliverables ?? []).filter((d) => d.status === 'ACCEPTED').length === 2,
      { expected: 'both signed contracts accepted' },
    );

    const stale = await app.users.decide(link, {
      nonce: page.nonce,
      reviewed: page.reviewed,
      decision: 'COUNTERSIGN',
    });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('signed-v2.pdf');
    expect(stale.html).toContain(sha256(second.bytes));

    const reopened = await app.users.open(link);
    expect(reopened.html).toContain(sha256(second.bytes));
    const decided = await app.users.decide(link, {
      nonce: reopened.nonce,
      reviewed: reopened.reviewed,
      decision: 'COUNTERSIGN',
    });
    expect(decided.status).toBe(200);
    const view = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => v.stage !== 'CONTRACTING',
      { expected: 'the countersigned contract taking the purchase on' },
    );
    const countersigned = (
      view as { tasks?: { purpose: string; decision?: { data?: unknown } }[] }
    ).tasks?.find((t) => t.purpose === 'COUNTERSIGN' && t.decision);
    expect(countersigned?.decision?.data).toMatchObject({
      reviewed: [{ kind: 'SIGNED_CONTRACT', sha256: sha256(second.bytes) }],
    });

    recordCase(context, {
      case: '12-M1 Evidence: a decision posted from a page showing an older file',
      attempts: 2,
      expected:
        'the stale POST refused (409, the newer file shown), the decision recorded against the file shown',
      observed: `stale POST HTTP ${stale.status} naming signed-v2.pdf; reopened POST HTTP ${decided.status}; decision records sha256 ${sha256(second.bytes).slice(0, 12)}…`,
    });
  }, 180_000);
});
