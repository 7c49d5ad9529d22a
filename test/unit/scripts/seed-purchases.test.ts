import { describe, expect, it } from 'vitest';
import { seedPurchases } from '../../../scripts/bench/seed-purchases.js';
import { isValidCreditCode } from '../../../shared/domain/credit-code.js';
import { STAGES } from '../../../shared/domain/lifecycle.js';
import { createFakes } from '../../support/fakes/index.js';

describe('the purchases-list bench seed', () => {
  it('writes the purchases through the repositories, spread over years, stages, areas, districts and NGOs', async () => {
    const fakes = createFakes();

    const seeded = await seedPurchases(fakes, { count: 300, seed: 7, years: [2023, 2024, 2025, 2026] });

    const records = [...fakes.purchases.records.values()];
    expect(records).toHaveLength(300);
    expect(new Set(seeded.purchaseIds).size).toBe(300);
    expect(Object.keys(seeded.byYear)).toEqual(['2023', '2024', '2025', '2026']);
    // Older years are mostly finished; this year is mostly under way.
    expect(Object.keys(seeded.byStage).sort()).toEqual([...STAGES].sort());
    const finished = new Set(['CLOSED', 'REJECTED', 'TERMINATED']);
    expect(
      records.filter((r) => r.proposal.budgetLineRef.startsWith('2023')).every((r) => finished.has(r.stage)),
    ).toBe(true);
    expect(new Set(records.map((r) => r.proposal.serviceArea)).size).toBe(3);
    expect(new Set(records.map((r) => r.proposal.district)).size).toBe(6);
    expect(new Set(records.map((r) => r.proposal.ngo.creditCode)).size).toBeGreaterThan(25);
    expect(records.every((r) => isValidCreditCode(r.proposal.ngo.creditCode))).toBe(true);
    for (const r of records)
      expect(await fakes.purchases.verifyAuditChain(r.purchaseId)).toMatchObject({ valid: true });
  });

  it('decides the approvals of purchases past approval and leaves those at approval waiting, so approvers find theirs', async () => {
    const fakes = createFakes();
    const seeded = await seedPurchases(fakes, { count: 120, seed: 3, years: [2026] });

    const records = [...fakes.purchases.records.values()];
    const approved = records.filter((r) => r.stage === 'CONTRACTING' || r.stage === 'MIDTERM_REVIEW');
    expect(approved.every((r) => r.approvals.SECTION_CHIEF?.decision === 'APPROVE')).toBe(true);
    const rejected = records.filter((r) => r.stage === 'REJECTED');
    expect(rejected.every((r) => r.approvals.SECTION_CHIEF?.decision === 'REJECT')).toBe(true);
    const waiting = records.filter((r) => r.stage === 'APPROVAL');
    for (const r of waiting) {
      expect((await fakes.tasks.listTasks(r.purchaseId)).map((t) => t.status)).toContain('PENDING');
    }

    const theirs = await fakes.purchases.listPurchases({
      filter: { budgetYear: 2026, assignedTo: seeded.approvers.MINOR_PROTECTION },
      sort: 'newest',
      limit: 100,
    });
    const minors = records.filter(
      (r) => r.proposal.serviceArea === 'MINOR_PROTECTION' && r.stage !== 'PROPOSAL',
    );
    expect(theirs.items.map((row) => row.purchaseId).sort()).toEqual(minors.map((r) => r.purchaseId).sort());
  });

  it('writes the same purchases for the same seed', async () => {
    const [a, b] = [createFakes(), createFakes()];
    const first = await seedPurchases(a, { count: 20, seed: 11, tasks: false });
    const second = await seedPurchases(b, { count: 20, seed: 11, tasks: false });

    expect(second).toEqual(first);
    expect([...b.purchases.records.values()].map((r) => r.proposal)).toEqual(
      [...a.purchases.records.values()].map((r) => r.proposal),
    );
  });
});
