import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Subject } from './subject.js';

const creditCode = () => `5235020${randomUUID().slice(0, 8)}MJ0`;

export function trackRecordContract(s: Subject): void {
  describe('track record', () => {
    it('an evaluation is added once per purchase; a repeat changes nothing', async () => {
      const ngo = creditCode();
      const first = {
        purchaseId: 'p-track-1',
        grade: 'FAIL' as const,
        total: 552,
        evaluatedAt: '2026-12-01T02:00:00.000Z',
        evaluatedOn: '2026-12-01',
      };

      await s.repos.trackRecords.addEvaluation(ngo, first);
      await s.repos.trackRecords.addEvaluation(ngo, { ...first, grade: 'GOOD', total: 850 });
      await s.repos.trackRecords.addEvaluation(ngo, {
        ...first,
        purchaseId: 'p-track-0',
        grade: 'EXCELLENT',
        total: 930,
        evaluatedAt: '2025-12-01T02:00:00.000Z',
        evaluatedOn: '2025-12-01',
      });

      const entries = await s.repos.trackRecords.listEvaluations(ngo);
      expect(entries.map((e) => [e.purchaseId, e.grade])).toEqual([
        ['p-track-0', 'EXCELLENT'],
        ['p-track-1', 'FAIL'],
      ]);
      expect(entries[1]).toEqual(first);
    });

    it('entries come back as added, oldest first (then by purchase), and only the NGO’s own', async () => {
      const ngo = creditCode();
      const other = creditCode();
      const entry = {
        purchaseId: 'p-1',
        grade: 'PASS' as const,
        total: 725,
        evaluatedAt: '2026-04-02T08:00:00.000Z',
        evaluatedOn: '2026-04-02',
      };
      const newer = { ...entry, purchaseId: 'p-0', evaluatedAt: '2027-01-01T00:00:00.000Z' };
      const sameTime = { ...entry, purchaseId: 'p-2' };
      for (const e of [newer, sameTime, entry]) await s.repos.trackRecords.addEvaluation(ngo, e);
      await s.repos.trackRecords.addEvaluation(other, { ...entry, purchaseId: 'p-other' });

      expect(await s.repos.trackRecords.listEvaluations(ngo)).toEqual([entry, sameTime, newer]);
      expect(await s.repos.trackRecords.listEvaluations(creditCode())).toEqual([]);
    });
  });
}
