import { beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import type { PurchaseView, UploadFile, UploadGrant } from '../../infra/local/users.js';
import { approvedPurchase, type JourneyContext } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_LIFECYCLE } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 12 Medium 3: upload abuse. An NGO link in the wrong hands (or a script gone wrong) asks
 * for grant after grant, posts file after file and posts one grant's form again and again. All it
 * holds is the link: everything goes over HTTP and S3, and what the product made of it is read
 * back from the NGO page and the staff API. The app runs with the configured limits.
 */

const journeyApp = useJourneyApp({ sub: 'officer-li', email: 'li.officer@civil-affairs.example.gov.cn' });
let app: LocalAppUnderTest;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
});

const { grantsPerKindPerDay, objectsPerKindPerDay } = TEST_LIFECYCLE.uploads.limits;
/** Posts of one grant's form again: past a page of the audit trail, each one an entry of its own. */
const REPOSTS = 110;

const contract = (n: number): UploadFile => ({
  kind: 'SIGNED_CONTRACT',
  name: `signed-${n}.pdf`,
  type: 'application/pdf',
  bytes: samplePdf(`signed contract, copy ${n}`),
});

/** Every page of the audit trail from the newest back, as a client following auditNext reads it. */
async function wholeTrail(purchaseId: string, first: PurchaseView) {
  const pages: PurchaseView[] = [first];
  for (let next = first.auditNext; next; ) {
    const page = await app.users.purchase(journey.officer, purchaseId, { auditBefore: next });
    pages.push(page);
    next = page.auditNext;
  }
  return pages;
}

describe('12 Medium 3: upload abuse', () => {
  it("refuses grants and files past the day's limits and says why on the NGO page; the purchase view stays paged", async (context) => {
    const { purchaseId, ngoPage } = await approvedPurchase(journey, smallMinorProtectionProposalToday());

    // Files: one more than the day's limit of the kind, each with a grant of its own.
    const grants: UploadGrant[] = [];
    for (let n = 1; n <= objectsPerKindPerDay + 1; n++) {
      const { status, grant } = await app.users.requestUploadGrant(ngoPage, contract(n));
      expect(status).toBe(200);
      expect(await app.users.postUpload(grant, contract(n))).toBeLessThan(300);
      grants.push(grant);
    }
    const landed = await app.users.waitForPurchase(
      journey.officer,
      purchaseId,
      (v) => (v.deliverables ?? []).length === objectsPerKindPerDay + 1,
      { expected: `${objectsPerKindPerDay + 1} files recorded`, timeoutMs: 60_000 },
    );
    const refusedFiles = (landed.deliverables ?? []).filter((d) => d.status === 'REJECTED');
    expect((landed.deliverables ?? []).filter((d) => d.status === 'ACCEPTED')).toHaveLength(
      objectsPerKindPerDay,
    );
    expect(refusedFiles).toHaveLength(1);
    expect(refusedFiles[0]?.reasons.map((r) => r.rule)).toEqual(['daily-limit']);

    // Grants: the rest of the day's, then one more.
    for (let n = grants.length + 1; n <= grantsPerKindPerDay; n++) {
      const { status, grant } = await app.users.requestUploadGrant(ngoPage, contract(n));
      expect(status).toBe(200);
      grants.push(grant);
    }
    const refusedGrant = await app.users.requestUploadGrant(ngoPage, contract(grantsPerKindPerDay + 1));
    const refusal = refusedGrant.grant as unknown as { notice: { zh: string; en: string } };
    expect(refusedGrant.status).toBe(429);
    expect(refusal.notice.zh).toBe(
      `今天已为“已签署合同”申请 ${grantsPerKindPerDay} 次上传，已达每日上限；请于北京时间零点后再试，或联系经办人。`,
    );

    // The page says why, before the NGO tries again, and lists the refused file with its reason.
    const page = await app.users.open(ngoPage);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`今天已为“已签署合同”申请 ${grantsPerKindPerDay} 次上传，已达每日上限`);
    expect(page.html).toContain(
      `今天已收到 ${objectsPerKindPerDay} 个“已签署合同”文件，已达每日上限，此文件未被接收`,
    );
    expect(page.html).toContain(`${objectsPerKindPerDay} files of “Signed contract” already arrived today`);

    // One unused grant's form posted again and again: its first post is a file (refused, the day's
    // files being used up), every one after it a later version under its key, quarantined and
    // flagged. One at a time: the local S3 tags only a key's newest version (AWS tags any).
    const reused = grants.at(-1);
    if (!reused) throw new Error('no grant');
    let flooded = landed;
    for (let n = 0; n < REPOSTS; n++) {
      expect(await app.users.postUpload(reused, contract(1000 + n))).toBeLessThan(300);
      flooded = await app.users.waitForPurchase(
        journey.officer,
        purchaseId,
        (v) =>
          n === 0
            ? (v.deliverables ?? []).length === objectsPerKindPerDay + 2
            : v.laterVersionsQuarantined === n,
        { expected: `post ${n + 1} of the reused grant recorded` },
      );
    }
    const pages = await wholeTrail(purchaseId, flooded);
    const seqs = pages.flatMap((p) => p.audit.map((e) => e.seq)).sort((a, b) => a - b);
    const total = flooded.auditChain.entries ?? 0;
    const largest = Math.max(...pages.map((p) => Buffer.byteLength(JSON.stringify(p))));

    expect(flooded.auditChain.valid).toBe(true);
    expect(total).toBeGreaterThan(REPOSTS);
    expect(flooded.audit).toHaveLength(100);
    expect(flooded.auditNext).toBeDefined();
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const badCursor = await fetch(`${app.runtime.urls.api}/purchases/${purchaseId}?auditBefore=forged`, {
      headers: { authorization: `Bearer ${journey.officer}` },
    });
    const badCursorBody = (await badCursor.json()) as { errors?: { field: string; rule: string }[] };
    expect(badCursor.status).toBe(400);
    expect(badCursorBody.errors).toEqual([
      expect.objectContaining({ field: 'auditBefore', rule: 'cursor-malformed' }),
    ]);

    recordCase(context, {
      case: '12-3 Upload abuse: grants, files and reposts past the day',
      attempts: grantsPerKindPerDay + 1 + objectsPerKindPerDay + 1 + REPOSTS,
      expected: `grant ${grantsPerKindPerDay + 1} refused (429) and file ${objectsPerKindPerDay + 1} refused (daily-limit), both said on the NGO page; the purchase view paged`,
      observed: `grant ${grantsPerKindPerDay + 1} HTTP ${refusedGrant.status}; ${refusedFiles.length} of ${landed.deliverablesTotal} files refused (${refusedFiles[0]?.reasons.map((r) => r.rule).join(', ')}); page names both limits; ${total} audit entries read in ${pages.length} pages of at most ${Math.max(...pages.map((p) => p.audit.length))} (largest answer ${Math.round(largest / 1024)} KB), chain valid; a forged cursor HTTP ${badCursor.status}`,
    });
  }, 300_000);
});
