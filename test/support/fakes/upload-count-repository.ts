import type { UploadCountOutcome } from '../../../shared/domain/upload-limits.js';
import type { UploadCount, UploadCountRepository } from '../../../shared/ports/repositories.js';

/** The daily upload counts: each id counted once, never past the limit, like the table's conditional update. */
export class InMemoryUploadCountRepository implements UploadCountRepository {
  private readonly counts = new Map<string, { day: string; entry: UploadCount; ids: Set<string> }>();

  async countUpload(
    input: Parameters<UploadCountRepository['countUpload']>[0],
  ): Promise<{ outcome: UploadCountOutcome; count: number }> {
    const { purchaseId, kind, measure, day, id, limit } = input;
    const key = [purchaseId, day, kind, measure].join('\u0000');
    const stored = this.counts.get(key) ?? {
      day,
      entry: { kind, measure, count: 0 },
      ids: new Set<string>(),
    };
    if (stored.ids.has(id)) return { outcome: 'ALREADY_COUNTED', count: stored.entry.count };
    if (stored.entry.count >= limit) return { outcome: 'LIMIT_REACHED', count: stored.entry.count };
    stored.ids.add(id);
    stored.entry.count += 1;
    this.counts.set(key, stored);
    return { outcome: 'COUNTED', count: stored.entry.count };
  }

  async uploadCounts(purchaseId: string, day: string): Promise<UploadCount[]> {
    return [...this.counts.entries()]
      .filter(([key, stored]) => key.startsWith(`${purchaseId}\u0000`) && stored.day === day)
      .map(([, stored]) => ({ ...stored.entry }));
  }
}
