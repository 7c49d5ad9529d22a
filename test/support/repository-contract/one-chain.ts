import { describe, expect, it } from 'vitest';
import { evaluator, LATER, type Subject, upload } from './subject.js';

export function oneChainContract(s: Subject): void {
  describe('one audit chain for every stage', () => {
    it('uploads, payments, decisions and a declaration racing on one purchase all land in one valid chain', async () => {
      const purchaseId = await s.newPurchase();
      const review = await s.openTask(purchaseId, {
        stepKey: 'MIDTERM_REVIEW:1',
        purpose: 'MIDTERM_REVIEW',
        taskToken: 't-review',
      });
      const evaluation = await s.openTask(purchaseId, {
        stepKey: 'EVALUATION',
        purpose: 'EVALUATION',
        assignee: evaluator,
        taskToken: 't-eval',
      });
      const uploads = Array.from({ length: 5 }, () => upload(purchaseId));

      await Promise.all([
        ...uploads.map((u) => s.repos.deliverables.recordDeliverable(u, LATER)),
        ...[1, 2, 3].map((tranche) =>
          s.repos.payments.openPayment(
            {
              purchaseId,
              tranche,
              milestone: 'CONTRACT_SIGNED',
              amountFen: 1_000_000,
              dueDate: '2026-05-01',
              notifiedAt: LATER,
            },
            LATER,
          ),
        ),
        s.repos.tasks.decide({
          taskId: review.taskId,
          nonce: review.nonce,
          decision: 'RECTIFY',
          comment: 'add attendance sheets',
          now: LATER,
        }),
        s.repos.tasks.declareIndependence({ taskId: evaluation.taskId, nonce: evaluation.nonce, now: LATER }),
        s.repos.purchases.change({
          purchaseId,
          from: 'PROPOSAL',
          to: 'APPROVAL',
          audit: { actor: 'system:x', action: 'approval.requested' },
          eventId: 'start-approval',
          now: LATER,
        }),
      ]);

      const audit = await s.repos.purchases.listAudit(purchaseId);
      // Created, five uploads, three payment notices, one decision, one declaration, one stage move.
      expect(audit).toHaveLength(12);
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 12 });
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.decisions['MIDTERM_REVIEW:1']?.decision).toBe('RECTIFY');
      expect(purchase).toMatchObject({ stage: 'APPROVAL', version: 12, auditSeq: 12 });
    });
  });
}
