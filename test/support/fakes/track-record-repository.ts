import type { TrackRecordEntry } from '../../../shared/domain/track-record.js';
import type { TrackRecordRepository } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';

/** One entry per NGO and purchase; the first one stands. */
export class InMemoryTrackRecordRepository implements TrackRecordRepository {
  readonly records = new Map<string, TrackRecordEntry>();

  async addEvaluation(creditCode: string, entry: TrackRecordEntry): Promise<void> {
    const id = `${creditCode}\u0000${entry.purchaseId}`;
    if (!this.records.has(id)) this.records.set(id, copy(entry));
  }

  async listEvaluations(creditCode: string): Promise<TrackRecordEntry[]> {
    return [...this.records.entries()]
      .filter(([id]) => id.startsWith(`${creditCode}\u0000`))
      .map(([, entry]) => copy(entry))
      .sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt) || a.purchaseId.localeCompare(b.purchaseId));
  }
}
