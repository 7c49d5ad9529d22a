import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UploadCountRepository } from '../../../shared/ports/repositories.js';
import type { Subject } from './subject.js';

const DAY = '2026-04-01';

export function uploadCountContract(s: Subject): void {
  describe('upload counts', () => {
    const count = (
      purchaseId: string,
      id: string,
      limit = 3,
      overrides: Partial<Parameters<UploadCountRepository['countUpload']>[0]> = {},
    ) =>
      s.repos.uploadCounts.countUpload({
        purchaseId,
        kind: 'EVIDENCE',
        measure: 'GRANT',
        day: DAY,
        id,
        limit,
        ...overrides,
      });

    it('counts up to the limit and refuses the one after it, the count staying at the limit', async () => {
      const purchaseId = randomUUID();
      const outcomes = [];
      for (const id of ['a', 'b', 'c', 'd']) outcomes.push(await count(purchaseId, id));
      expect(outcomes).toEqual([
        { outcome: 'COUNTED', count: 1 },
        { outcome: 'COUNTED', count: 2 },
        { outcome: 'COUNTED', count: 3 },
        { outcome: 'LIMIT_REACHED', count: 3 },
      ]);
    });

    it('counts an id once: the same object again is ALREADY_COUNTED, before and after the limit is reached', async () => {
      const purchaseId = randomUUID();
      expect(await count(purchaseId, 'v1', 2)).toEqual({ outcome: 'COUNTED', count: 1 });
      expect(await count(purchaseId, 'v1', 2)).toEqual({ outcome: 'ALREADY_COUNTED', count: 1 });
      expect(await count(purchaseId, 'v2', 2)).toEqual({ outcome: 'COUNTED', count: 2 });
      expect(await count(purchaseId, 'v2', 2)).toEqual({ outcome: 'ALREADY_COUNTED', count: 2 });
      expect(await count(purchaseId, 'v3', 2)).toEqual({ outcome: 'LIMIT_REACHED', count: 2 });
      expect(await count(purchaseId, 'v3', 2)).toEqual({ outcome: 'LIMIT_REACHED', count: 2 });
    });

    it('lets exactly the limit through when many ask for the last places at once', async () => {
      const purchaseId = randomUUID();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => count(purchaseId, `grant-${i}`, 5)),
      );
      expect(outcomes.filter((o) => o.outcome === 'COUNTED')).toHaveLength(5);
      expect(outcomes.filter((o) => o.outcome === 'LIMIT_REACHED')).toHaveLength(3);
      expect(await s.repos.uploadCounts.uploadCounts(purchaseId, DAY)).toEqual([
        { kind: 'EVIDENCE', measure: 'GRANT', count: 5 },
      ]);
    });

    it('keeps each purchase, day, kind and measure apart, and lists what a day counted', async () => {
      const purchaseId = randomUUID();
      await count(purchaseId, 'a', 1);
      expect(await count(purchaseId, 'b', 1, { measure: 'OBJECT' })).toMatchObject({ outcome: 'COUNTED' });
      expect(await count(purchaseId, 'c', 1, { kind: 'FINAL_REPORT' })).toMatchObject({ outcome: 'COUNTED' });
      expect(await count(purchaseId, 'd', 1, { day: '2026-04-02' })).toMatchObject({ outcome: 'COUNTED' });
      expect(await count(randomUUID(), 'e', 1)).toMatchObject({ outcome: 'COUNTED' });

      const counts = await s.repos.uploadCounts.uploadCounts(purchaseId, DAY);
      expect(
        [...counts].sort((a, b) => `${a.kind}${a.measure}`.localeCompare(`${b.kind}${b.measure}`)),
      ).toEqual([
        { kind: 'EVIDENCE', measure: 'GRANT', count: 1 },
        { kind: 'EVIDENCE', measure: 'OBJECT', count: 1 },
        { kind: 'FINAL_REPORT', measure: 'GRANT', count: 1 },
      ]);
      expect(await s.repos.uploadCounts.uploadCounts(randomUUID(), DAY)).toEqual([]);
    });
  });
}
