import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LATER, NOW, type Subject, upload } from './subject.js';

export function waitContract(s: Subject): void {
  describe('upload waits', () => {
    it('a first arm registers the round WAITING with its token, its start as a UTC instant', async () => {
      const purchaseId = await s.newPurchase();
      const wait = await s.repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'token-1',
        since: '2026-04-01T16:00:00+08:00',
        now: NOW,
      });
      const expected = {
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'token-1',
        since: NOW,
        status: 'WAITING',
        updatedAt: NOW,
      };
      expect(wait).toEqual(expected);
      expect(await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT')).toEqual(expected);
      expect(await s.repos.waits.getWait(purchaseId, 'FINAL_REPORT')).toBeUndefined();
    });

    it('a wait nobody armed is not satisfied', async () => {
      const purchaseId = await s.newPurchase();
      const record = upload(purchaseId, { uploadedAt: LATER });
      await s.repos.deliverables.recordDeliverable(record, LATER);
      expect(
        await s.repos.waits.satisfyWait({
          purchaseId,
          kind: 'MIDTERM_REPORT',
          taskToken: 't',
          uploadId: record.uploadId,
          now: LATER,
        }),
      ).toBe(false);
      expect(await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT')).toBeUndefined();
    });

    it('of 20 parallel satisfactions of one wait exactly one succeeds', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'wait-1',
        since: NOW,
        now: NOW,
      });
      const uploads = Array.from({ length: 20 }, () => upload(purchaseId, { uploadedAt: LATER }));
      for (const u of uploads) await s.repos.deliverables.recordDeliverable(u, LATER);

      const results = await Promise.all(
        uploads.map((u) =>
          s.repos.waits.satisfyWait({
            purchaseId,
            kind: 'MIDTERM_REPORT',
            taskToken: 'wait-1',
            uploadId: u.uploadId,
            now: LATER,
          }),
        ),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      const wait = await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT');
      expect(wait).toMatchObject({ status: 'SATISFIED', updatedAt: LATER, taskToken: 'wait-1', since: NOW });
      expect(uploads[results.indexOf(true)]?.uploadId).toBe(wait?.uploadId);
      await s.expectChainIntact(purchaseId);
    });

    it('re-arming replaces the token: the old one no longer satisfies, a satisfied round stays satisfied', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.waits.armWait({
        purchaseId,
        kind: 'SIGNED_CONTRACT',
        taskToken: 'old',
        since: NOW,
        now: NOW,
      });
      const rearmed = await s.repos.waits.armWait({
        purchaseId,
        kind: 'SIGNED_CONTRACT',
        taskToken: 'new',
        since: NOW,
        now: LATER,
      });
      expect(rearmed).toEqual({
        purchaseId,
        kind: 'SIGNED_CONTRACT',
        taskToken: 'new',
        since: NOW,
        status: 'WAITING',
        updatedAt: LATER,
      });
      const signed = upload(purchaseId, { kind: 'SIGNED_CONTRACT', uploadedAt: LATER });
      await s.repos.deliverables.recordDeliverable(signed, LATER);
      const satisfy = (taskToken: string) =>
        s.repos.waits.satisfyWait({
          purchaseId,
          kind: 'SIGNED_CONTRACT',
          taskToken,
          uploadId: signed.uploadId,
          now: LATER,
        });

      expect([await satisfy('old'), await satisfy('new'), await satisfy('new')]).toEqual([
        false,
        true,
        false,
      ]);
      const again = await s.repos.waits.armWait({
        purchaseId,
        kind: 'SIGNED_CONTRACT',
        taskToken: 'third',
        since: NOW,
        now: LATER,
      });
      expect(again).toMatchObject({ status: 'SATISFIED', taskToken: 'new', uploadId: signed.uploadId });
      expect(await s.repos.waits.getWait(purchaseId, 'SIGNED_CONTRACT')).toEqual(again);
    });

    it('a wait is not satisfied by an upload of another kind, a refused one, one not recorded, or under another token', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 't',
        since: NOW,
        now: NOW,
      });
      const evidence = upload(purchaseId, { kind: 'EVIDENCE' });
      const refused = upload(purchaseId, { status: 'REJECTED', reasons: [] });
      const fine = upload(purchaseId);
      const ofOtherPurchase = upload(await s.newPurchase());
      for (const record of [evidence, refused, fine, ofOtherPurchase]) {
        await s.repos.deliverables.recordDeliverable(record, NOW);
      }
      const satisfy = (uploadId: string, taskToken = 't') =>
        s.repos.waits.satisfyWait({ purchaseId, kind: 'MIDTERM_REPORT', taskToken, uploadId, now: LATER });

      expect([
        await satisfy(evidence.uploadId),
        await satisfy(refused.uploadId),
        await satisfy(randomUUID()),
        await satisfy(ofOtherPurchase.uploadId),
        await satisfy(fine.uploadId, 'other-token'),
      ]).toEqual([false, false, false, false, false]);
      expect((await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT'))?.status).toBe('WAITING');
      // An upload made exactly when the round began counts.
      expect(await satisfy(fine.uploadId)).toBe(true);
    });

    it('a new round (later since) waits again and needs an upload made after it began', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r1',
        since: NOW,
        now: NOW,
      });
      const first = upload(purchaseId, { uploadedAt: '2026-04-01T10:00:00.000Z' });
      await s.repos.deliverables.recordDeliverable(first, first.uploadedAt);
      expect(
        await s.repos.waits.satisfyWait({
          purchaseId,
          kind: 'MIDTERM_REPORT',
          taskToken: 'r1',
          uploadId: first.uploadId,
          now: first.uploadedAt,
        }),
      ).toBe(true);

      const round2 = '2026-05-01T08:00:00.000Z';
      const rearmed = await s.repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r2',
        since: round2,
        now: round2,
      });
      expect(rearmed).toEqual({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r2',
        since: round2,
        status: 'WAITING',
        updatedAt: round2,
      });
      expect(await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT')).toEqual(rearmed);
      // A late retry of round 1 re-arms nothing back to it.
      expect(
        await s.repos.waits.armWait({
          purchaseId,
          kind: 'MIDTERM_REPORT',
          taskToken: 'r2b',
          since: NOW,
          now: round2,
        }),
      ).toMatchObject({ since: round2, taskToken: 'r2b', status: 'WAITING' });

      const byOldUpload = await s.repos.waits.satisfyWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r2b',
        uploadId: first.uploadId,
        now: round2,
      });
      const second = upload(purchaseId, { uploadedAt: '2026-05-02T08:00:00.000Z' });
      await s.repos.deliverables.recordDeliverable(second, second.uploadedAt);
      const byNewUpload = await s.repos.waits.satisfyWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r2b',
        uploadId: second.uploadId,
        now: second.uploadedAt,
      });

      expect([byOldUpload, byNewUpload]).toEqual([false, true]);
      expect((await s.repos.waits.getWait(purchaseId, 'MIDTERM_REPORT'))?.uploadId).toBe(second.uploadId);
    });
  });
}
