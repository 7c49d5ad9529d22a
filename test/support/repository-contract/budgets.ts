import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReservationReleasedError } from '../../../shared/adapters/dynamodb/errors.js';
import { BudgetLineShortError } from '../../../shared/domain/budget.js';
import { LATER, NOW, proposal, type Subject } from './subject.js';

export function budgetContract(s: Subject): void {
  describe('budget reservations', () => {
    async function line(totalFen: number): Promise<string> {
      const lineId = `2026-TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
      await s.repos.budgets.ensureBudgetLine({ lineId, year: 2026, description: 'test line', totalFen });
      return lineId;
    }

    const available = async (lineId: string) => (await s.repos.budgets.getBudgetLine(lineId))?.availableFen;

    it('a seeded line reads back whole, and seeding it again does not refill what was reserved', async () => {
      const lineId = await line(3_000);
      expect(await s.repos.budgets.getBudgetLine(lineId)).toEqual({
        lineId,
        year: 2026,
        description: 'test line',
        totalFen: 3_000,
        availableFen: 3_000,
      });
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p', amountFen: 1_000, now: NOW });
      await s.repos.budgets.ensureBudgetLine({
        lineId,
        year: 2026,
        description: 'test line',
        totalFen: 3_000,
      });
      expect(await available(lineId)).toBe(2_000);
      expect(await s.repos.budgets.getBudgetLine(`${lineId}-NONE`)).toBeUndefined();
    });

    it('reserving on a missing line answers NO_SUCH_LINE, more than is left INSUFFICIENT with what is left', async () => {
      expect(
        await s.repos.budgets.reserve({
          lineId: `NONE-${randomUUID()}`,
          purchaseId: 'p',
          amountFen: 1,
          now: NOW,
        }),
      ).toEqual({ status: 'NO_SUCH_LINE' });
      const lineId = await line(1_000);
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 800, now: NOW });
      expect(await s.repos.budgets.reserve({ lineId, purchaseId: 'p-2', amountFen: 300, now: NOW })).toEqual({
        status: 'INSUFFICIENT',
        availableFen: 200,
      });
      expect(await s.backdoor.reservation(lineId, 'p-2')).toBeUndefined();
      expect(await s.repos.budgets.reserve({ lineId, purchaseId: 'p-3', amountFen: 200, now: NOW })).toEqual({
        status: 'RESERVED',
        availableFen: 0,
      });
    });

    it('a repeated reserve counts once, a release gives the money back once and keeps the record', async () => {
      const lineId = await line(5_000);
      const first = await s.repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 2_000, now: NOW });
      const repeat = await s.repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 2_000, now: NOW });
      expect([first, repeat]).toEqual([
        { status: 'RESERVED', availableFen: 3_000 },
        { status: 'RESERVED', availableFen: 3_000 },
      ]);
      expect(await s.backdoor.reservation(lineId, 'p-1')).toMatchObject({
        status: 'RESERVED',
        amountFen: 2_000,
      });
      expect(await s.repos.budgets.release({ lineId, purchaseId: 'p-1', now: LATER })).toEqual({
        status: 'RELEASED',
      });
      expect(await s.repos.budgets.release({ lineId, purchaseId: 'p-1', now: LATER })).toEqual({
        status: 'NOT_RESERVED',
      });
      expect(await available(lineId)).toBe(5_000);
      expect(await s.backdoor.reservation(lineId, 'p-1')).toMatchObject({
        status: 'RELEASED',
        amountFen: 2_000,
      });
      // The purchase it belonged to has ended: its money cannot be taken again.
      await expect(
        s.repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 2_000, now: LATER }),
      ).rejects.toThrow(ReservationReleasedError);
      expect(await available(lineId)).toBe(5_000);
    });

    it('releasing what was never reserved answers NOT_RESERVED and gives nothing back', async () => {
      const lineId = await line(1_000);
      expect(await s.repos.budgets.release({ lineId, purchaseId: 'p-none', now: LATER })).toEqual({
        status: 'NOT_RESERVED',
      });
      expect(await available(lineId)).toBe(1_000);
    });

    it('a terminated purchase gives back only what was not paid out; a repeat gives back nothing more', async () => {
      const lineId = await line(1_000_000);
      await s.repos.budgets.reserve({ lineId, purchaseId: 'P-PART', amountFen: 600_000, now: NOW });
      expect(
        await s.repos.budgets.release({ lineId, purchaseId: 'P-PART', keepFen: 180_000, now: LATER }),
      ).toEqual({ status: 'RELEASED' });
      expect(await available(lineId)).toBe(1_000_000 - 180_000);
      expect(await s.backdoor.reservation(lineId, 'P-PART')).toMatchObject({
        status: 'RELEASED',
        amountFen: 600_000,
        keptFen: 180_000,
      });
      await s.repos.budgets.release({ lineId, purchaseId: 'P-PART', keepFen: 0, now: LATER });
      expect(await available(lineId)).toBe(1_000_000 - 180_000);
    });

    it('what a release keeps is at most the reservation and never less than nothing', async () => {
      const lineId = await line(10_000);
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-over', amountFen: 3_000, now: NOW });
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-under', amountFen: 2_000, now: NOW });
      await s.repos.budgets.release({ lineId, purchaseId: 'p-over', keepFen: 9_999, now: LATER });
      expect(await available(lineId)).toBe(5_000);
      await s.repos.budgets.release({ lineId, purchaseId: 'p-under', keepFen: -500, now: LATER });
      expect(await available(lineId)).toBe(7_000);
      expect(await s.backdoor.reservation(lineId, 'p-over')).toMatchObject({ keptFen: 3_000 });
      expect(await s.backdoor.reservation(lineId, 'p-under')).toMatchObject({ keptFen: 0 });
    });

    it('a revised amount moves the reservation on its line: more only while the line has it, less gives the rest back', async () => {
      const lineId = await line(10_000);
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-rev', amountFen: 4_000, now: NOW });
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-other', amountFen: 3_000, now: NOW });
      const adjust = (amountFen: number) =>
        s.repos.budgets.adjustReservation({ lineId, purchaseId: 'p-rev', amountFen, now: LATER });

      expect(await adjust(7_500)).toEqual({ status: 'INSUFFICIENT', availableFen: 3_000 });
      expect(await available(lineId)).toBe(3_000);
      expect(await adjust(7_000)).toEqual({ status: 'ADJUSTED', availableFen: 0 });
      expect(await adjust(7_000)).toEqual({ status: 'ADJUSTED', availableFen: 0 });
      expect(await adjust(2_500)).toEqual({ status: 'ADJUSTED', availableFen: 4_500 });
      expect(await s.backdoor.reservation(lineId, 'p-rev')).toMatchObject({
        status: 'RESERVED',
        amountFen: 2_500,
      });
      // The release gives back what the purchase holds now.
      await s.repos.budgets.release({ lineId, purchaseId: 'p-rev', now: LATER });
      expect(await available(lineId)).toBe(7_000);
    });

    it('a change of the purchase moves its reservation in the same transaction, or writes nothing when the line is short', async () => {
      const lineId = await line(10_000);
      const purchaseId = `p-amend-${randomUUID()}`;
      await s.repos.purchases.createPurchase({ purchaseId, proposal, createdBy: 'o@x.cn', now: NOW });
      await s.repos.budgets.reserve({ lineId, purchaseId, amountFen: 4_000, now: NOW });
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-other', amountFen: 3_000, now: NOW });
      const amend = (amountFen: number, eventId: string) =>
        s.repos.purchases.change({
          purchaseId,
          set: { closedAt: `amended to ${amountFen}` },
          audit: { actor: 'approver@x.cn', action: 'amendment.applied', detail: { amountFen } },
          eventId,
          now: LATER,
          reservation: { lineId, amountFen },
        });

      const short = await amend(7_500, 'amend:1').catch((e: unknown) => e);
      expect(short).toBeInstanceOf(BudgetLineShortError);
      expect(short).toMatchObject({ availableFen: 3_000, neededFen: 3_500 });
      expect(await available(lineId)).toBe(3_000);
      expect((await s.repos.purchases.getPurchase(purchaseId))?.closedAt).toBeUndefined();
      expect((await s.repos.purchases.listAudit(purchaseId)).map((e) => e.action)).not.toContain(
        'amendment.applied',
      );

      const amended = await amend(7_000, 'amend:2');
      expect(amended.closedAt).toBe('amended to 7000');
      expect(await available(lineId)).toBe(0);
      expect(await s.backdoor.reservation(lineId, purchaseId)).toMatchObject({ amountFen: 7_000 });
      // A repeat of the same change moves nothing more; a lower amount gives the rest back.
      await amend(7_000, 'amend:2');
      expect(await available(lineId)).toBe(0);
      await amend(5_000, 'amend:3');
      expect(await available(lineId)).toBe(2_000);
    });

    it('adjusting a reservation that was never taken, or was released, answers NOT_RESERVED and moves nothing', async () => {
      const lineId = await line(5_000);
      expect(
        await s.repos.budgets.adjustReservation({ lineId, purchaseId: 'p-none', amountFen: 1_000, now: NOW }),
      ).toEqual({ status: 'NOT_RESERVED' });
      await s.repos.budgets.reserve({ lineId, purchaseId: 'p-gone', amountFen: 1_000, now: NOW });
      await s.repos.budgets.release({ lineId, purchaseId: 'p-gone', now: NOW });
      expect(
        await s.repos.budgets.adjustReservation({
          lineId,
          purchaseId: 'p-gone',
          amountFen: 2_000,
          now: LATER,
        }),
      ).toEqual({ status: 'NOT_RESERVED' });
      expect(await available(lineId)).toBe(5_000);
    });

    it('two purchases racing for the last money: exactly one is RESERVED', async () => {
      const lineId = await line(1_000);
      const results = await Promise.all(
        ['p-a', 'p-b'].map((purchaseId) =>
          s.repos.budgets.reserve({ lineId, purchaseId, amountFen: 1_000, now: NOW }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual(['INSUFFICIENT', 'RESERVED']);
      expect(await available(lineId)).toBe(0);
    });

    it('50 concurrent reserves on a line that fits 10 reserve exactly 10 and the money adds up', async () => {
      const lineId = await line(10_000);
      const purchaseIds = Array.from({ length: 50 }, (_, i) => `p-${i}`);
      const results = await Promise.all(
        purchaseIds.map((purchaseId) =>
          s.repos.budgets.reserve({ lineId, purchaseId, amountFen: 1_000, now: NOW }),
        ),
      );
      expect(results.filter((r) => r.status === 'RESERVED')).toHaveLength(10);
      expect(results.filter((r) => r.status === 'INSUFFICIENT')).toHaveLength(40);
      for (const r of results) if ('availableFen' in r) expect(r.availableFen).toBeGreaterThanOrEqual(0);
      const stored = await Promise.all(purchaseIds.map((id) => s.backdoor.reservation(lineId, id)));
      // Exactly the winners hold a reservation, and what they hold plus what is left is the line.
      expect(stored.map((r) => r !== undefined)).toEqual(results.map((r) => r.status === 'RESERVED'));
      const held = stored.reduce((sum, r) => sum + (r?.amountFen ?? 0), 0);
      expect(await available(lineId)).toBe(0);
      expect(held).toBe(10_000);
    });
  });
}
