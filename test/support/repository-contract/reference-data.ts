import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApproverRoster,
  REFERENCE_SECTIONS,
  type ReferenceData,
  type ReferenceSection,
  referenceSeed,
  SEED_ACTOR,
  type StoredReferenceData,
} from '../../../shared/domain/reference-data.js';
import type { ReferenceChange } from '../../../shared/ports/repositories.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../settings.js';
import { LATER, NOW, type Subject } from './subject.js';

const SEED: ReferenceData = referenceSeed(TEST_POLICY, TEST_LIFECYCLE);
const ADMIN = 'admin@civil-affairs.example.gov.cn';
const EDITED_AT = '2026-04-03T08:00:00.000Z';

/**
 * The reference data is one per store, not one per id: its cases share the sections the first
 * seed wrote (in beforeAll) and each reads the version it changes, so they hold in any order.
 */
export function referenceDataContract(s: Subject): void {
  describe('reference data and its audit trail', () => {
    let firstSeed: ReferenceSection[] = [];
    let afterFirstSeed: Partial<StoredReferenceData> = {};

    beforeAll(async () => {
      firstSeed = await s.repos.referenceData.seed(SEED, NOW);
      afterFirstSeed = await s.repos.referenceData.read();
    });

    const stored = async () => s.repos.referenceData.read();
    const versionOf = async (section: ReferenceSection) => {
      const version = (await stored())[section]?.version;
      if (version === undefined) throw new Error(`section ${section} is not stored`);
      return version;
    };
    const trailLength = async () => (await s.repos.referenceData.changes()).entries.length;

    /** The budget line section as one line of the given total (the repository stores any value it is given). */
    const linesOf = (lineId: string, totalFen: number) => [
      { lineId, year: 2026, description: 'test line', totalFen },
    ];

    /** A budget line with an item in the table: created, and `reservedFen` reserved on it. */
    async function drawnLine(totalFen: number, reservedFen: number): Promise<string> {
      const lineId = `2026-REF-${randomUUID().slice(0, 8).toUpperCase()}`;
      await s.repos.budgets.ensureBudgetLine({ lineId, year: 2026, description: 'test line', totalFen });
      const reserved = await s.repos.budgets.reserve({
        lineId,
        purchaseId: `p-${lineId}`,
        amountFen: reservedFen,
        now: NOW,
      });
      expect(reserved.status).toBe('RESERVED');
      return lineId;
    }

    async function changeBudgetTotal(lineId: string, fromFen: number, toFen: number) {
      return s.repos.referenceData.change({
        section: 'budgetLines',
        value: linesOf(lineId, toFen),
        expectedVersion: await versionOf('budgetLines'),
        by: ADMIN,
        summary: `${lineId} from ${fromFen} to ${toFen}`,
        budgetTotals: [{ lineId, fromFen, toFen }],
        now: EDITED_AT,
      });
    }

    const approversWithChief = (name: string): ApproverRoster => ({
      ...SEED.approvers,
      SECTION_CHIEF: { name, email: `${name.toLowerCase().replace(/\s+/g, '.')}@bureau.example` },
    });

    it('the first seed writes every missing section at version 1 by settings; a second writes nothing and changes no section', async () => {
      expect([...firstSeed].sort()).toEqual([...REFERENCE_SECTIONS].sort());
      for (const section of REFERENCE_SECTIONS)
        expect(afterFirstSeed[section]).toEqual({
          value: SEED[section],
          version: 1,
          updatedAt: NOW,
          updatedBy: SEED_ACTOR,
        });
      const before = await stored();
      const entries = await trailLength();

      const again = await s.repos.referenceData.seed(
        { ...SEED, salaryBenchmarks: [{ year: 2030, annualWageFen: 1, source: 'other', sample: true }] },
        LATER,
      );

      expect(again).toEqual([]);
      expect(await stored()).toEqual(before);
      expect(await trailLength()).toBe(entries);
    });

    it('a seed never overwrites a section the administrator changed', async () => {
      const changed = await s.repos.referenceData.change({
        section: 'approvers',
        value: approversWithChief('Seed Proof'),
        expectedVersion: await versionOf('approvers'),
        by: ADMIN,
        summary: 'SECTION_CHIEF is now Seed Proof',
        now: EDITED_AT,
      });
      expect(changed.outcome).toBe('CHANGED');

      expect(await s.repos.referenceData.seed(SEED, LATER)).toEqual([]);

      expect((await stored()).approvers).toMatchObject({
        value: approversWithChief('Seed Proof'),
        updatedBy: ADMIN,
      });
    });

    it('a change at the current version replaces the section (version +1, by, at) and appends reference.changed', async () => {
      const version = await versionOf('salaryBenchmarks');
      const value = [
        ...SEED.salaryBenchmarks,
        { year: 2025, annualWageFen: 14_000_000, source: 'contract test', sample: true },
      ];
      const summary = 'salaryBenchmarks: 1 row(s) new or changed';

      const result = await s.repos.referenceData.change({
        section: 'salaryBenchmarks',
        value,
        expectedVersion: version,
        by: ADMIN,
        summary,
        now: EDITED_AT,
      });

      const section = { value, version: version + 1, updatedAt: EDITED_AT, updatedBy: ADMIN };
      expect(result).toEqual({ outcome: 'CHANGED', section });
      expect((await stored()).salaryBenchmarks).toEqual(section);
      expect((await s.repos.referenceData.changes()).entries.at(-1)).toMatchObject({
        actor: ADMIN,
        action: 'reference.changed',
        at: EDITED_AT,
        detail: { section: 'salaryBenchmarks', version: version + 1, summary },
      });
    });

    it('a change at a stale version answers STALE and changes nothing', async () => {
      const version = await versionOf('approvers');
      const first = await s.repos.referenceData.change({
        section: 'approvers',
        value: approversWithChief('First Editor'),
        expectedVersion: version,
        by: ADMIN,
        summary: 'first',
        now: EDITED_AT,
      });
      expect(first.outcome).toBe('CHANGED');
      const before = await stored();
      const entries = await trailLength();

      const second: ReferenceChange<'approvers'> = {
        section: 'approvers',
        value: approversWithChief('Late Editor'),
        expectedVersion: version,
        by: 'late@civil-affairs.example.gov.cn',
        summary: 'late',
        now: LATER,
      };
      expect(await s.repos.referenceData.change(second)).toEqual({ outcome: 'STALE' });

      expect(await stored()).toEqual(before);
      expect(before.approvers?.value.SECTION_CHIEF.name).toBe('First Editor');
      expect(await trailLength()).toBe(entries);
    });

    it("a new total moves a drawn line's total and what is left by the difference, down to what is reserved", async () => {
      const lineId = await drawnLine(10_000, 4_000);

      expect((await changeBudgetTotal(lineId, 10_000, 15_000)).outcome).toBe('CHANGED');
      expect(await s.repos.budgets.getBudgetLine(lineId)).toMatchObject({
        totalFen: 15_000,
        availableFen: 11_000,
      });
      expect((await stored()).budgetLines?.value).toEqual(linesOf(lineId, 15_000));

      // Lowered to exactly what is reserved: nothing is left, and nothing below nothing.
      expect((await changeBudgetTotal(lineId, 15_000, 4_000)).outcome).toBe('CHANGED');
      expect(await s.repos.budgets.getBudgetLine(lineId)).toMatchObject({ totalFen: 4_000, availableFen: 0 });
    });

    it("a new total is refused (STALE, nothing changed) when the line's total is no longer the one the edit read", async () => {
      const lineId = await drawnLine(10_000, 4_000);
      const before = await stored();
      const entries = await trailLength();

      expect(await changeBudgetTotal(lineId, 12_000, 20_000)).toEqual({ outcome: 'STALE' });

      expect(await s.repos.budgets.getBudgetLine(lineId)).toMatchObject({
        totalFen: 10_000,
        availableFen: 6_000,
      });
      expect(await stored()).toEqual(before);
      expect(await trailLength()).toBe(entries);
    });

    it('a new total is refused (STALE, nothing changed) when less would be left than it takes away', async () => {
      const lineId = await drawnLine(10_000, 4_000);
      const before = await stored();
      const entries = await trailLength();

      // 6,000 left; lowering the total by 7,000 would take 1,000 that is reserved.
      expect(await changeBudgetTotal(lineId, 10_000, 3_000)).toEqual({ outcome: 'STALE' });

      expect(await s.repos.budgets.getBudgetLine(lineId)).toMatchObject({
        totalFen: 10_000,
        availableFen: 6_000,
      });
      expect(await stored()).toEqual(before);
      expect(await trailLength()).toBe(entries);
    });

    it('a new total of a line never drawn on changes the section and leaves the line without an item', async () => {
      const lineId = `2026-REF-${randomUUID().slice(0, 8).toUpperCase()}`;

      expect((await changeBudgetTotal(lineId, 10_000, 25_000)).outcome).toBe('CHANGED');

      expect(await s.repos.budgets.getBudgetLine(lineId)).toBeUndefined();
      expect((await stored()).budgetLines?.value).toEqual(linesOf(lineId, 25_000));
    });

    it('the changes list the seed and every change oldest first, on a chain that verifies', async () => {
      const version = await versionOf('agencies');
      const agencies = SEED.agencies.slice(0, 1);
      const changed = await s.repos.referenceData.change({
        section: 'agencies',
        value: agencies,
        expectedVersion: version,
        by: ADMIN,
        summary: 'agencies: one left',
        now: EDITED_AT,
      });
      expect(changed.outcome).toBe('CHANGED');

      const { entries, chain } = await s.repos.referenceData.changes();

      expect(entries[0]).toMatchObject({
        seq: 1,
        actor: SEED_ACTOR,
        action: 'reference.seeded',
        at: NOW,
      });
      expect([...((entries[0]?.detail.sections as string[]) ?? [])].sort()).toEqual(
        [...REFERENCE_SECTIONS].sort(),
      );
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.slice(1).every((e) => e.action === 'reference.changed')).toBe(true);
      expect(entries.at(-1)).toMatchObject({
        actor: ADMIN,
        detail: { section: 'agencies', version: version + 1, summary: 'agencies: one left' },
      });
      expect(chain).toEqual({ valid: true, entries: entries.length });
    });
  });
}
