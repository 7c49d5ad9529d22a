import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PurchaseNotFoundError } from '../../../shared/adapters/dynamodb/errors.js';
import { clerk, LATER, NOW, notice, type Subject } from './subject.js';

export function paymentContract(s: Subject): void {
  describe('payment steps', () => {
    it('a payment is opened once and confirmed once, even by parallel confirmations', async () => {
      const purchaseId = await s.newPurchase();
      const opened = await Promise.all([
        s.repos.payments.openPayment(notice(purchaseId, 1), NOW),
        s.repos.payments.openPayment(notice(purchaseId, 1), NOW),
      ]);
      expect(opened.filter((o) => o.created)).toHaveLength(1);
      for (const o of opened) expect(o.payment).toEqual({ ...notice(purchaseId, 1), status: 'NOTIFIED' });
      const notified = (await s.repos.purchases.listAudit(purchaseId)).at(-1);
      expect(notified).toMatchObject({
        action: 'payment.notified',
        actor: 'system:payments',
        eventId: 'payment:1:notified',
        detail: {
          tranche: 1,
          milestone: 'CONTRACT_SIGNED',
          amountFen: 10_000_000,
          dueDate: '2026-05-01',
          confirmTaskId: 'task-1',
        },
      });

      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          s.repos.payments.confirmPayment({
            purchaseId,
            tranche: 1,
            by: clerk.email,
            reference: `BOC-${i}`,
            now: LATER,
          }),
        ),
      );

      expect(results.filter((r) => r.outcome === 'CONFIRMED')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'ALREADY_CONFIRMED')).toHaveLength(5);
      const winner = results.find((r) => r.outcome === 'CONFIRMED');
      const [stored] = await s.repos.payments.listPayments(purchaseId);
      expect(stored).toEqual(winner?.payment);
      expect(stored).toEqual({
        ...notice(purchaseId, 1),
        status: 'CONFIRMED',
        confirmedBy: clerk.email,
        confirmedAt: LATER,
        reference: expect.stringMatching(/^BOC-\d$/),
        paidFen: 10_000_000,
        transfers: [
          { seq: 1, amountFen: 10_000_000, reference: stored?.reference, by: clerk.email, at: LATER },
        ],
      });
      for (const r of results) expect(r.payment).toEqual(stored);
      // Paid money is not withheld afterwards.
      const closed = await s.repos.payments.closePayment({
        purchaseId,
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 10_000_000,
        status: 'WITHHELD',
        reason: 'late',
        now: LATER,
      });
      expect(closed).toEqual(stored);
      const audit = await s.repos.purchases.listAudit(purchaseId);
      const actions = audit.map((e) => e.action);
      expect(actions.filter((a) => a === 'payment.notified')).toHaveLength(1);
      expect(actions.filter((a) => a === 'payment.confirmed')).toHaveLength(1);
      expect(actions).not.toContain('payment.withheld');
      expect(audit.find((e) => e.action === 'payment.confirmed')).toMatchObject({
        actor: clerk.email,
        eventId: 'payment:1:confirmed',
        detail: {
          tranche: 1,
          milestone: 'CONTRACT_SIGNED',
          amountFen: 10_000_000,
          reference: stored?.reference,
        },
      });
      await s.expectChainIntact(purchaseId);
    });

    it('a tranche paid in parts stays due with what is paid so far until the last part confirms it', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 1), NOW);
      const pay = (amountFen: number | undefined, taskId: string, reference: string) =>
        s.repos.payments.confirmPayment({
          purchaseId,
          tranche: 1,
          by: clerk.email,
          reference,
          ...(amountFen === undefined ? {} : { amountFen }),
          taskId,
          nextConfirmTaskId: `${taskId}-rest`,
          now: LATER,
        });

      const first = await pay(6_000_000, 'task-1', 'BOC-A');
      expect(first).toMatchObject({
        outcome: 'PART_PAID',
        payment: { status: 'NOTIFIED', paidFen: 6_000_000, confirmTaskId: 'task-1-rest' },
      });
      // The same confirmation twice records one transfer; more than is left is refused.
      expect((await pay(6_000_000, 'task-1', 'BOC-A')).outcome).toBe('ALREADY_RECORDED');
      expect((await pay(4_000_001, 'task-2', 'BOC-B')).outcome).toBe('MORE_THAN_DUE');
      expect((await pay(0, 'task-2', 'BOC-B')).outcome).toBe('MORE_THAN_DUE');
      // No amount: all that is left.
      const last = await pay(undefined, 'task-2', 'BOC-B');

      expect(last.outcome).toBe('CONFIRMED');
      const [stored] = await s.repos.payments.listPayments(purchaseId);
      expect(stored).toEqual({
        ...notice(purchaseId, 1),
        confirmTaskId: 'task-1-rest',
        status: 'CONFIRMED',
        paidFen: 10_000_000,
        confirmedAt: LATER,
        confirmedBy: clerk.email,
        reference: 'BOC-B',
        transfers: [
          { seq: 1, amountFen: 6_000_000, reference: 'BOC-A', by: clerk.email, at: LATER, taskId: 'task-1' },
          { seq: 2, amountFen: 4_000_000, reference: 'BOC-B', by: clerk.email, at: LATER, taskId: 'task-2' },
        ],
      });
      expect(last.payment).toEqual(stored);
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(
        audit.filter((e) => e.action.startsWith('payment.')).map((e) => [e.action, e.eventId, e.detail]),
      ).toEqual([
        ['payment.notified', 'payment:1:notified', expect.anything()],
        [
          'payment.part-paid',
          'payment:1:part:1',
          {
            tranche: 1,
            milestone: 'CONTRACT_SIGNED',
            amountFen: 6_000_000,
            paidFen: 6_000_000,
            outstandingFen: 4_000_000,
            reference: 'BOC-A',
          },
        ],
        [
          'payment.confirmed',
          'payment:1:confirmed',
          {
            tranche: 1,
            milestone: 'CONTRACT_SIGNED',
            amountFen: 4_000_000,
            paidFen: 10_000_000,
            reference: 'BOC-B',
          },
        ],
      ]);
      await s.expectChainIntact(purchaseId);
    });

    it('a mistyped reference is corrected with a reason: the one confirmed is kept, each correction appended and audited', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 1), NOW);
      const confirm = (amountFen: number | undefined, taskId: string, reference: string) =>
        s.repos.payments.confirmPayment({
          purchaseId,
          tranche: 1,
          by: clerk.email,
          reference,
          ...(amountFen === undefined ? {} : { amountFen }),
          taskId,
          now: NOW,
        });
      await confirm(4_000_000, 'task-1', 'BOC-0001');
      await confirm(undefined, 'task-2', 'BOC-O002');
      const correct = (seq: number, reference: string, reason: string) =>
        s.repos.payments.correctTransfer({
          purchaseId,
          tranche: 1,
          seq,
          reference,
          reason,
          by: 'head@bureau.example',
          now: LATER,
        });

      const first = await correct(2, 'BOC-0002', 'the letter O was typed for a zero');
      const again = await correct(2, 'BOC-0002', 'the letter O was typed for a zero');
      const other = await correct(1, 'BOC-0001X', 'the bank added a suffix');

      expect(first.outcome).toBe('CORRECTED');
      expect(again.outcome).toBe('UNCHANGED');
      expect(other.outcome).toBe('CORRECTED');
      expect(await correct(3, 'BOC-0003', 'no such transfer')).toMatchObject({ outcome: 'NO_SUCH_TRANSFER' });
      const [stored] = await s.repos.payments.listPayments(purchaseId);
      // The record's reference is the completing transfer's, as corrected; each transfer keeps what was confirmed.
      expect(stored).toMatchObject({ status: 'CONFIRMED', reference: 'BOC-0002', paidFen: 10_000_000 });
      expect(stored?.transfers).toEqual([
        {
          seq: 1,
          amountFen: 4_000_000,
          reference: 'BOC-0001',
          by: clerk.email,
          at: NOW,
          taskId: 'task-1',
          corrections: [
            {
              reference: 'BOC-0001X',
              reason: 'the bank added a suffix',
              by: 'head@bureau.example',
              at: LATER,
            },
          ],
        },
        {
          seq: 2,
          amountFen: 6_000_000,
          reference: 'BOC-O002',
          by: clerk.email,
          at: NOW,
          taskId: 'task-2',
          corrections: [
            {
              reference: 'BOC-0002',
              reason: 'the letter O was typed for a zero',
              by: 'head@bureau.example',
              at: LATER,
            },
          ],
        },
      ]);
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(
        audit
          .filter((e) => e.action === 'payment.reference-corrected')
          .map((e) => [e.actor, e.eventId, e.detail]),
      ).toEqual([
        [
          'head@bureau.example',
          'payment:1:transfer:2:correction:1',
          {
            tranche: 1,
            seq: 2,
            from: 'BOC-O002',
            to: 'BOC-0002',
            reason: 'the letter O was typed for a zero',
          },
        ],
        [
          'head@bureau.example',
          'payment:1:transfer:1:correction:1',
          { tranche: 1, seq: 1, from: 'BOC-0001', to: 'BOC-0001X', reason: 'the bank added a suffix' },
        ],
      ]);
      await s.expectChainIntact(purchaseId);
    });

    it('parallel parts of one tranche never pay more than is due', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 1), NOW);

      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((taskId) =>
          s.repos.payments.confirmPayment({
            purchaseId,
            tranche: 1,
            by: clerk.email,
            reference: `BOC-${taskId}`,
            amountFen: 4_000_000,
            taskId,
            now: LATER,
          }),
        ),
      );

      expect(results.filter((r) => r.outcome === 'PART_PAID')).toHaveLength(2);
      expect(results.filter((r) => r.outcome === 'MORE_THAN_DUE')).toHaveLength(2);
      const [stored] = await s.repos.payments.listPayments(purchaseId);
      expect(stored).toMatchObject({ status: 'NOTIFIED', paidFen: 8_000_000 });
      expect(stored?.transfers?.map((t) => t.seq)).toEqual([1, 2]);
      await s.expectChainIntact(purchaseId);
    });

    it('a withheld or cancelled tranche is never confirmed, and the first close stands', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 2), NOW);
      const withheld = await s.repos.payments.closePayment({
        purchaseId,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 10_000_000,
        status: 'WITHHELD',
        reason: 'evaluation failed',
        now: LATER,
      });
      expect(withheld).toEqual({
        ...notice(purchaseId, 2),
        status: 'WITHHELD',
        reason: 'evaluation failed',
        closedAt: LATER,
      });
      // Finance was never told about tranche 3: cancelling creates its step.
      const cancelled = await s.repos.payments.closePayment({
        purchaseId,
        tranche: 3,
        milestone: 'EVALUATION_PASSED',
        amountFen: 10_000_000,
        status: 'CANCELLED',
        reason: 'terminated',
        now: LATER,
      });
      expect(cancelled).toEqual({
        purchaseId,
        tranche: 3,
        milestone: 'EVALUATION_PASSED',
        amountFen: 10_000_000,
        status: 'CANCELLED',
        reason: 'terminated',
        closedAt: LATER,
      });

      const confirm = (tranche: number) =>
        s.repos.payments.confirmPayment({ purchaseId, tranche, by: clerk.email, reference: 'x', now: LATER });
      expect(await confirm(2)).toEqual({ outcome: 'NOT_PAYABLE', payment: withheld });
      expect(await confirm(3)).toEqual({ outcome: 'NOT_PAYABLE', payment: cancelled });
      expect(await confirm(4)).toEqual({ outcome: 'NOT_PAYABLE' });
      const reopened = await s.repos.payments.openPayment(notice(purchaseId, 3), LATER);
      expect(reopened).toEqual({ payment: cancelled, created: false });
      const again = await s.repos.payments.closePayment({
        purchaseId,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 10_000_000,
        status: 'CANCELLED',
        reason: 'another reason',
        now: LATER,
      });
      expect(again).toEqual(withheld);

      expect((await s.repos.payments.listPayments(purchaseId)).map((p) => [p.tranche, p.status])).toEqual([
        [2, 'WITHHELD'],
        [3, 'CANCELLED'],
      ]);
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.find((e) => e.action === 'payment.withheld')).toMatchObject({
        actor: 'system:payments',
        eventId: 'payment:2:closed',
        detail: {
          tranche: 2,
          milestone: 'MIDTERM_PASSED',
          amountFen: 10_000_000,
          reason: 'evaluation failed',
        },
      });
      expect(audit.filter((e) => e.action === 'payment.cancelled')).toHaveLength(1);
      expect(audit.map((e) => e.action)).not.toContain('payment.confirmed');
      await s.expectChainIntact(purchaseId);
    });

    it('a due tranche is waived once with who and why; a paid, withheld or unknown one cannot be', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 1), NOW);
      await s.repos.payments.openPayment(notice(purchaseId, 2), NOW);
      await s.repos.payments.confirmPayment({
        purchaseId,
        tranche: 2,
        by: clerk.email,
        reference: 'B-2',
        now: NOW,
      });
      const waive = (tranche: number, reason = 'NGO dissolved; the amount was set off against its debt') =>
        s.repos.payments.waivePayment({ purchaseId, tranche, by: 'head@bureau.example', reason, now: LATER });

      const results = await Promise.all([waive(1), waive(1), waive(1)]);

      expect(results.filter((r) => r.outcome === 'WAIVED')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'ALREADY_WAIVED')).toHaveLength(2);
      const waived = {
        ...notice(purchaseId, 1),
        status: 'WAIVED',
        reason: 'NGO dissolved; the amount was set off against its debt',
        closedAt: LATER,
        waivedBy: 'head@bureau.example',
      };
      for (const r of results) expect(r.payment).toEqual(waived);
      expect((await s.repos.payments.listPayments(purchaseId))[0]).toEqual(waived);
      // The first reason stands, and a waived tranche is neither confirmed nor withheld afterwards.
      expect(await waive(1, 'another reason')).toEqual({ outcome: 'ALREADY_WAIVED', payment: waived });
      expect(
        await s.repos.payments.confirmPayment({
          purchaseId,
          tranche: 1,
          by: clerk.email,
          reference: 'x',
          now: LATER,
        }),
      ).toEqual({ outcome: 'NOT_PAYABLE', payment: waived });
      expect(
        await s.repos.payments.closePayment({
          purchaseId,
          tranche: 1,
          milestone: 'CONTRACT_SIGNED',
          amountFen: 10_000_000,
          status: 'CANCELLED',
          reason: 'terminated',
          now: LATER,
        }),
      ).toEqual(waived);
      expect(await waive(2)).toMatchObject({ outcome: 'NOT_WAIVABLE', payment: { status: 'CONFIRMED' } });
      expect(await waive(3)).toEqual({ outcome: 'NOT_WAIVABLE' });

      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.filter((e) => e.action === 'payment.waived')).toEqual([
        expect.objectContaining({
          actor: 'head@bureau.example',
          eventId: 'payment:1:waived',
          detail: {
            tranche: 1,
            milestone: 'CONTRACT_SIGNED',
            amountFen: 10_000_000,
            reason: 'NGO dissolved; the amount was set off against its debt',
          },
        }),
      ]);
      await s.expectChainIntact(purchaseId);
    });

    it('a reminder and an escalation are each marked once on the tranche, with their audit entries', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(purchaseId, 1), NOW);
      const chase = (which: 'REMINDER' | 'ESCALATION', now: string) =>
        s.repos.payments.recordChase({ purchaseId, tranche: 1, chase: which, now });

      const reminded = await Promise.all([chase('REMINDER', NOW), chase('REMINDER', NOW)]);
      const again = await chase('REMINDER', LATER);
      const escalated = await chase('ESCALATION', LATER);

      for (const r of reminded) expect(r).toMatchObject({ status: 'NOTIFIED', remindedAt: NOW });
      expect(again.remindedAt).toBe(NOW);
      expect(escalated).toEqual({
        ...notice(purchaseId, 1),
        status: 'NOTIFIED',
        remindedAt: NOW,
        escalatedAt: LATER,
      });
      expect((await s.repos.payments.listPayments(purchaseId))[0]).toEqual(escalated);
      const audit = await s.repos.purchases.listAudit(purchaseId);
      expect(audit.filter((e) => e.action === 'payment.reminded')).toEqual([
        expect.objectContaining({
          actor: 'system:payments',
          eventId: 'payment:1:reminder',
          detail: { tranche: 1, milestone: 'CONTRACT_SIGNED', dueDate: '2026-05-01' },
        }),
      ]);
      expect(audit.filter((e) => e.action === 'payment.escalated').map((e) => e.eventId)).toEqual([
        'payment:1:escalation',
      ]);
      await s.expectChainIntact(purchaseId);
    });

    it('the settlement wait keeps the newest token the closing step armed, per purchase', async () => {
      const purchaseId = await s.newPurchase();
      const other = await s.newPurchase();
      expect(await s.repos.payments.getSettlementWait(purchaseId)).toBeUndefined();

      await s.repos.payments.armSettlementWait({ purchaseId, taskToken: 'token-1', now: NOW });
      await s.repos.payments.armSettlementWait({ purchaseId, taskToken: 'token-2', now: LATER });
      await s.repos.payments.armSettlementWait({ purchaseId: other, taskToken: 'token-x', now: NOW });

      expect(await s.repos.payments.getSettlementWait(purchaseId)).toEqual({
        purchaseId,
        taskToken: 'token-2',
        armedAt: LATER,
      });
      // Not a payment step: the tranches are listed without it.
      expect(await s.repos.payments.listPayments(purchaseId)).toEqual([]);
    });

    it('payments are listed by tranche, only the purchase’s own, undefined fields left out', async () => {
      const purchaseId = await s.newPurchase();
      await s.repos.payments.openPayment(notice(await s.newPurchase(), 1), NOW);
      for (const tranche of [3, 1, 2]) {
        await s.repos.payments.openPayment({ ...notice(purchaseId, tranche), confirmTaskId: undefined }, NOW);
      }
      const listed = await s.repos.payments.listPayments(purchaseId);
      expect(listed.map((p) => p.tranche)).toEqual([1, 2, 3]);
      for (const p of listed) expect(p).not.toHaveProperty('confirmTaskId');
      expect(await s.repos.payments.listPayments(randomUUID())).toEqual([]);
    });

    it('the payments of a purchase that does not exist are refused with PurchaseNotFoundError', async () => {
      const purchaseId = randomUUID();
      await expect(s.repos.payments.openPayment(notice(purchaseId, 1), NOW)).rejects.toThrow(
        PurchaseNotFoundError,
      );
      await expect(
        s.repos.payments.closePayment({
          purchaseId,
          tranche: 1,
          milestone: 'CONTRACT_SIGNED',
          amountFen: 1,
          status: 'CANCELLED',
          reason: 'terminated',
          now: LATER,
        }),
      ).rejects.toThrow(PurchaseNotFoundError);
      expect(
        await s.repos.payments.confirmPayment({
          purchaseId,
          tranche: 1,
          by: clerk.email,
          reference: 'x',
          now: LATER,
        }),
      ).toEqual({ outcome: 'NOT_PAYABLE' });
      expect(await s.repos.payments.listPayments(purchaseId)).toEqual([]);
    });
  });
}
