import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PurchaseNotFoundError } from '../../../shared/adapters/dynamodb/errors.js';
import { GENESIS_HASH } from '../../../shared/domain/audit-chain.js';
import { IllegalTransitionError, StageConflictError } from '../../../shared/domain/lifecycle.js';
import { WithdrawnPurchaseError } from '../../../shared/domain/withdrawal.js';
import { chief, LATER, NOW, padding, proposal, type Subject } from './subject.js';

export function purchaseContract(s: Subject): void {
  describe('purchases and their audit chain', () => {
    it('a purchase created, moved and changed keeps a verifiable audit chain and leaves the open list when final', async () => {
      const purchaseId = randomUUID();
      const { purchase, created } = await s.repos.purchases.createPurchase({
        purchaseId,
        proposal,
        createdBy: 'officer-1',
        idempotencyKey: 'form-42',
        now: NOW,
      });
      expect(created).toBe(true);
      expect(purchase).toEqual({
        purchaseId,
        version: 1,
        stage: 'PROPOSAL',
        proposal,
        createdBy: 'officer-1',
        createdAt: NOW,
        updatedAt: NOW,
        approvalLevels: [],
        approvals: {},
        decisions: {},
        auditSeq: 1,
        auditHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toEqual(purchase);
      expect(await s.repos.purchases.listOpenPurchases()).toContainEqual({ purchaseId, stage: 'PROPOSAL' });

      const moved = await s.repos.purchases.change({
        purchaseId,
        from: 'PROPOSAL',
        to: 'APPROVAL',
        set: { approvalLevels: ['SECTION_CHIEF'] },
        audit: {
          actor: 'system:plan-approvals',
          action: 'approval.planned',
          detail: { levels: ['SECTION_CHIEF'] },
        },
        eventId: 'plan-approvals',
        now: LATER,
      });
      expect(moved).toMatchObject({
        stage: 'APPROVAL',
        version: 2,
        auditSeq: 2,
        approvalLevels: ['SECTION_CHIEF'],
        updatedAt: LATER,
      });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toEqual(moved);
      expect(await s.repos.purchases.listOpenPurchases()).toContainEqual({ purchaseId, stage: 'APPROVAL' });

      const outcome = { result: 'REJECTED' as const, reason: 'over budget', by: chief.email, at: LATER };
      const rejected = await s.repos.purchases.change({
        purchaseId,
        from: 'APPROVAL',
        to: 'REJECTED',
        set: { outcome },
        audit: { actor: chief.email, action: 'purchase.rejected' },
        eventId: 'reject',
        now: LATER,
      });
      expect(rejected).toMatchObject({ stage: 'REJECTED', outcome, version: 3 });

      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.map((e) => [e.seq, e.action, e.actor, e.eventId])).toEqual([
        [1, 'proposal.submitted', 'officer-1', `create:${purchaseId}`],
        [2, 'approval.planned', 'system:plan-approvals', 'plan-approvals'],
        [3, 'purchase.rejected', chief.email, 'reject'],
      ]);
      expect(audit[0]).toMatchObject({
        purchaseId,
        at: NOW,
        prevHash: GENESIS_HASH,
        detail: { title: proposal.title, totalFen: proposal.totalFen, budgetLineRef: proposal.budgetLineRef },
      });
      expect(audit[1]?.detail).toEqual({
        levels: ['SECTION_CHIEF'],
        stageFrom: 'PROPOSAL',
        stageTo: 'APPROVAL',
      });
      expect(audit[2]?.prevHash).toBe(audit[1]?.hash);
      expect(audit[2]?.hash).toBe(rejected.auditHash);
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 3 });
      expect((await s.repos.purchases.listOpenPurchases()).map((p) => p.purchaseId)).not.toContain(
        purchaseId,
      );
    });

    it('a change without a stage move sets its fields and audits its own detail only', async () => {
      const purchaseId = await s.newPurchase();
      const changed = await s.repos.purchases.change({
        purchaseId,
        set: { approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION'], outcome: undefined },
        audit: { actor: 'system:x', action: 'note.added', detail: { note: 'n', dropped: undefined } },
        eventId: 'note',
        now: LATER,
      });
      expect(changed).toMatchObject({ stage: 'PROPOSAL', version: 2, updatedAt: LATER });
      expect(changed).not.toHaveProperty('outcome');
      const stored = await s.repos.purchases.getPurchase(purchaseId);
      expect(stored?.approvalLevels).toEqual(['SECTION_CHIEF', 'FINANCE_SECTION']);
      expect(stored).not.toHaveProperty('outcome');
      expect((await s.repos.purchases.listAudit(purchaseId)).at(-1)?.detail).toEqual({ note: 'n' });
    });

    it('a repeated create with the same idempotency key returns the first purchase and writes nothing new', async () => {
      const keyed = { proposal, createdBy: 'officer-2', idempotencyKey: `double-click-${randomUUID()}` };
      const first = await s.repos.purchases.createPurchase({ ...keyed, purchaseId: randomUUID(), now: NOW });
      const secondId = randomUUID();
      const second = await s.repos.purchases.createPurchase({ ...keyed, purchaseId: secondId, now: LATER });

      expect(second).toEqual({ purchase: first.purchase, created: false });
      expect(await s.repos.purchases.getPurchase(secondId)).toBeUndefined();
      expect(await s.repos.purchases.listAudit(secondId)).toEqual([]);
      expect(await s.repos.purchases.listAudit(first.purchase.purchaseId)).toHaveLength(1);
    });

    it('finds the purchase an idempotency key created, for its creator only', async () => {
      const key = `found-${randomUUID()}`;
      expect(await s.repos.purchases.findByIdempotencyKey('officer-3', key)).toBeUndefined();
      const { purchase } = await s.repos.purchases.createPurchase({
        purchaseId: randomUUID(),
        proposal,
        createdBy: 'officer-3',
        idempotencyKey: key,
        now: NOW,
      });
      expect(await s.repos.purchases.findByIdempotencyKey('officer-3', key)).toEqual(purchase);
      expect(await s.repos.purchases.findByIdempotencyKey('officer-4', key)).toBeUndefined();
    });

    it('an idempotency key is its creator’s: another creator with the same key gets a purchase of their own', async () => {
      const key = `key-${randomUUID()}`;
      const mine = await s.repos.purchases.createPurchase({
        purchaseId: randomUUID(),
        proposal,
        createdBy: 'officer-a',
        idempotencyKey: key,
        now: NOW,
      });
      const theirs = await s.repos.purchases.createPurchase({
        purchaseId: randomUUID(),
        proposal,
        createdBy: 'officer-b',
        idempotencyKey: key,
        now: NOW,
      });
      expect([mine.created, theirs.created]).toEqual([true, true]);
      expect(theirs.purchase.purchaseId).not.toBe(mine.purchase.purchaseId);
    });

    it('creating a purchase id that exists returns the stored purchase and changes nothing', async () => {
      const purchaseId = await s.newPurchase('officer-1');
      const stored = await s.repos.purchases.getPurchase(purchaseId);
      const again = await s.repos.purchases.createPurchase({
        purchaseId,
        proposal: { ...proposal, title: 'Something else entirely' },
        createdBy: 'officer-9',
        now: LATER,
      });
      expect(again).toEqual({ purchase: stored, created: false });
      expect(await s.repos.purchases.listAudit(purchaseId)).toHaveLength(1);
    });

    it('repeating a change with the same eventId applies and audits it once, also when the repeats race', async () => {
      const purchaseId = await s.newPurchase();
      const input = {
        purchaseId,
        from: 'PROPOSAL' as const,
        to: 'APPROVAL' as const,
        audit: { actor: 'system:x', action: 'approval.requested' },
        eventId: 'start-approval',
        now: LATER,
      };
      const results = await Promise.all([s.repos.purchases.change(input), s.repos.purchases.change(input)]);
      // The purchase is past `from` now: a repeat of the applied move is no conflict.
      const again = await s.repos.purchases.change(input);
      expect(results.map((r) => r.stage)).toEqual(['APPROVAL', 'APPROVAL']);
      expect(again).toEqual(await s.repos.purchases.getPurchase(purchaseId));
      expect(again).toMatchObject({ stage: 'APPROVAL', version: 2, auditSeq: 2 });
      expect(await s.repos.purchases.listAudit(purchaseId)).toHaveLength(2);
    });

    it('a stage move from the wrong stage throws StageConflictError, a disallowed one IllegalTransitionError; nothing changes', async () => {
      const purchaseId = await s.newPurchase();
      const base = { purchaseId, audit: { actor: 'system:x', action: 'x' }, now: LATER };
      const conflict = s.repos.purchases.change({
        ...base,
        from: 'APPROVAL',
        to: 'CONTRACTING',
        eventId: 'a',
      });
      await expect(conflict).rejects.toThrow(StageConflictError);
      await expect(conflict).rejects.toMatchObject({ expected: 'APPROVAL', actual: 'PROPOSAL' });
      await expect(s.repos.purchases.change({ ...base, to: 'CLOSED', eventId: 'b' })).rejects.toThrow(
        IllegalTransitionError,
      );
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({
        stage: 'PROPOSAL',
        version: 1,
        auditSeq: 1,
      });
      expect(await s.repos.purchases.listAudit(purchaseId)).toHaveLength(1);
    });

    it('a withdrawn purchase moves only to REJECTED: any other stage move throws WithdrawnPurchaseError', async () => {
      const purchaseId = await s.newPurchase();
      const base = { purchaseId, audit: { actor: 'officer@x.example', action: 'x' }, now: LATER };
      await s.repos.purchases.change({ ...base, from: 'PROPOSAL', to: 'APPROVAL', eventId: 'planned' });
      const withdrawal = { by: 'officer@x.example', reason: 'not needed', at: LATER };
      const withdrawn = await s.repos.purchases.change({
        ...base,
        set: { withdrawal },
        eventId: 'withdrawn',
      });
      expect(withdrawn.withdrawal).toEqual(withdrawal);
      await expect(
        s.repos.purchases.change({ ...base, from: 'APPROVAL', to: 'CONTRACTING', eventId: 'approved' }),
      ).rejects.toThrow(WithdrawnPurchaseError);
      const ended = await s.repos.purchases.change({ ...base, to: 'REJECTED', eventId: 'rejected' });
      expect(ended).toMatchObject({ stage: 'REJECTED', withdrawal });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({
        stage: 'REJECTED',
        withdrawal,
      });
    });

    it('concurrent audit appends from different changes all land and keep one valid chain', async () => {
      const purchaseId = await s.newPurchase();
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          s.repos.purchases.change({
            purchaseId,
            audit: { actor: `system:worker-${i}`, action: 'note.added', detail: { i } },
            eventId: `note-${i}`,
            now: LATER,
          }),
        ),
      );
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(audit.map((e) => e.eventId)).size).toBe(7);
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 7 });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({ version: 7, auditSeq: 7 });
    });

    it('the audit trail is the purchase, its whole log and the log verified against its chain head', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.purchases.change({
        purchaseId,
        audit: { actor: 'system:x', action: 'note.added' },
        eventId: 'note',
        now: LATER,
      });
      const trail = await s.repos.purchases.auditTrail(purchaseId);
      expect(trail?.purchase).toEqual(await s.repos.purchases.getPurchase(purchaseId));
      expect(trail?.entries).toEqual(await s.repos.purchases.listAudit(purchaseId));
      expect(trail?.entries.map((e) => e.action)).toEqual(['proposal.submitted', 'note.added']);
      expect(trail?.chain).toEqual({ valid: true, entries: 2 });
      expect(await s.repos.purchases.auditTrail(randomUUID())).toBeUndefined();
    });

    it('a purchase that does not exist reads as undefined with no audit, and cannot be changed or verified', async () => {
      const purchaseId = randomUUID();
      expect(await s.repos.purchases.getPurchase(purchaseId)).toBeUndefined();
      expect(await s.repos.purchases.listAudit(purchaseId)).toEqual([]);
      await expect(
        s.repos.purchases.change({
          purchaseId,
          audit: { actor: 'system:x', action: 'x' },
          eventId: 'e',
          now: LATER,
        }),
      ).rejects.toThrow(PurchaseNotFoundError);
      await expect(s.repos.purchases.verifyAuditChain(purchaseId)).rejects.toThrow(PurchaseNotFoundError);
    });

    it('undefined values are left out of the stored purchase', async () => {
      const purchaseId = randomUUID();
      const { purchase } = await s.repos.purchases.createPurchase({
        purchaseId,
        proposal: { ...proposal, justification: undefined },
        createdBy: 'officer-1',
        idempotencyKey: undefined,
        now: NOW,
      });
      expect(purchase.proposal).not.toHaveProperty('justification');
      expect((await s.repos.purchases.getPurchase(purchaseId))?.proposal).not.toHaveProperty('justification');
    });

    it('an edited audit entry is reported by verifyAuditChain at that entry', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.purchases.change({
        purchaseId,
        set: { approvalLevels: ['SECTION_CHIEF'] },
        audit: { actor: 'system:x', action: 'approval.planned' },
        eventId: 'e1',
        now: LATER,
      });
      await s.backdoor.editAuditEntry(purchaseId, 1, { actor: 'someone-else' });
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({
        valid: false,
        brokenAt: 1,
      });
    });

    it('a forged audit entry appended past the chain head is reported', async () => {
      const purchaseId = await s.newPurchase();
      const [entry] = await s.repos.purchases.listAudit(purchaseId);
      if (!entry) throw new Error('a new purchase has its first audit entry');
      await s.backdoor.insertAuditEntry({ ...entry, seq: 2, prevHash: entry.hash, eventId: 'forged' });
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({
        valid: false,
        brokenAt: 2,
      });
    });

    it('the audit log is listed whole when it outgrows a page of the table (1 MB)', async () => {
      const purchaseId = await s.newPurchase();
      const notes = 36;
      for (let i = 0; i < notes; i++) {
        await s.repos.purchases.change({
          purchaseId,
          audit: { actor: 'system:x', action: 'note.added', detail: { i, text: padding(30_000) } },
          eventId: `big-note-${i}`,
          now: LATER,
        });
      }
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: notes + 1 }, (_, i) => i + 1));
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toEqual({
        valid: true,
        entries: notes + 1,
      });
    });
  });
}
