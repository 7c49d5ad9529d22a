import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PurchaseNotFoundError } from '../../../shared/adapters/dynamodb/errors.js';
import { LATER, NOW, type Subject, upload } from './subject.js';

export function deliverableContract(s: Subject): void {
  describe('deliverables', () => {
    it('the same upload recorded twice in parallel gives one record and one audit entry', async () => {
      const purchaseId = await s.newPurchase();
      const record = upload(purchaseId);

      const results = await Promise.all([
        s.repos.deliverables.recordDeliverable(record, LATER),
        s.repos.deliverables.recordDeliverable(record, LATER),
        s.repos.deliverables.recordDeliverable(record, LATER),
      ]);

      expect(results.filter((r) => r.created)).toHaveLength(1);
      for (const r of results) expect(r.deliverable).toEqual(record);
      expect(await s.repos.deliverables.listDeliverables(purchaseId)).toEqual([record]);
      const accepted = (await s.repos.purchases.listAudit(purchaseId)).filter(
        (e) => e.action === 'deliverable.accepted',
      );
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatchObject({
        actor: record.uploadedBy,
        at: LATER,
        eventId: `deliverable:${record.uploadId}`,
        detail: {
          uploadId: record.uploadId,
          kind: 'MIDTERM_REPORT',
          key: record.key,
          fileName: 'report.pdf',
          size: record.size,
          sha256: record.sha256,
          detectedType: 'PDF',
          reasons: [],
        },
      });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({ version: 2, updatedAt: LATER });
      await s.expectChainIntact(purchaseId);
    });

    it('an upload recorded again with other content returns the first record, created false', async () => {
      const purchaseId = await s.newPurchase();
      const record = upload(purchaseId);
      await s.repos.deliverables.recordDeliverable(record, LATER);

      const again = await s.repos.deliverables.recordDeliverable({ ...record, size: 999 }, LATER);

      expect(again).toEqual({ deliverable: record, created: false });
      expect(await s.repos.deliverables.listDeliverables(purchaseId)).toEqual([record]);
      expect(await s.actions(purchaseId)).toEqual(['proposal.submitted', 'deliverable.accepted']);
    });

    it('a refused upload is recorded with its reasons and audited as rejected', async () => {
      const purchaseId = await s.newPurchase();
      const refused = upload(purchaseId, {
        status: 'REJECTED',
        detectedType: 'EXECUTABLE',
        reasons: [{ rule: 'FILE_TYPE', message: { zh: '不允许的文件类型', en: 'file type not allowed' } }],
      });

      await s.repos.deliverables.recordDeliverable(refused, LATER);

      expect(await s.repos.deliverables.listDeliverables(purchaseId)).toEqual([refused]);
      expect((await s.repos.purchases.listAudit(purchaseId)).at(-1)).toMatchObject({
        action: 'deliverable.rejected',
        detail: { reasons: ['FILE_TYPE'], detectedType: 'EXECUTABLE' },
      });
    });

    it('an upload for a purchase that does not exist is refused with PurchaseNotFoundError', async () => {
      const purchaseId = randomUUID();
      await expect(s.repos.deliverables.recordDeliverable(upload(purchaseId), LATER)).rejects.toBeInstanceOf(
        PurchaseNotFoundError,
      );
      expect(await s.repos.deliverables.listDeliverables(purchaseId)).toEqual([]);
    });

    it('the uploads of a purchase are listed oldest first, only its own, undefined fields left out', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.deliverables.recordDeliverable(upload(await s.newPurchase()), NOW);
      const late = upload(purchaseId, { uploadId: 'a-late', uploadedAt: '2026-04-03T00:00:00.000Z' });
      const early = upload(purchaseId, {
        uploadId: 'z-early',
        uploadedAt: '2026-04-01T09:00:00.000Z',
        detectedType: undefined,
        declaredContentType: undefined,
      });
      const sameTime = upload(purchaseId, { uploadId: 'b-late', uploadedAt: late.uploadedAt });
      for (const record of [late, early, sameTime]) {
        await s.repos.deliverables.recordDeliverable(record, record.uploadedAt);
      }

      const listed = await s.repos.deliverables.listDeliverables(purchaseId);

      expect(listed.map((d) => d.uploadId)).toEqual(['z-early', 'a-late', 'b-late']);
      expect(listed[0]).not.toHaveProperty('detectedType');
      expect(listed[0]).not.toHaveProperty('declaredContentType');
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.find((e) => e.detail.uploadId === 'z-early')?.detail).not.toHaveProperty('detectedType');
    });
  });
}
