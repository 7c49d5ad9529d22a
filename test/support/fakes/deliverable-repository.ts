import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { DeliverableRepository } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';
import type { InMemoryPurchaseRepository } from './purchase-repository.js';

/** Uploads recorded once per uploadId, with their audit entry, like the table's transaction. */
export class InMemoryDeliverableRepository implements DeliverableRepository {
  readonly records = new Map<string, DeliverableRecord>();

  constructor(private readonly purchases: InMemoryPurchaseRepository) {}

  async recordDeliverable(
    record: DeliverableRecord,
    now: string,
  ): Promise<{ deliverable: DeliverableRecord; created: boolean }> {
    const id = `${record.purchaseId}\u0000${record.uploadId}`;
    const existing = this.records.get(id);
    if (existing) return { deliverable: copy(existing), created: false };
    this.purchases.appendAudit(record.purchaseId, {
      actor: record.uploadedBy,
      action: record.status === 'ACCEPTED' ? 'deliverable.accepted' : 'deliverable.rejected',
      detail: {
        uploadId: record.uploadId,
        kind: record.kind,
        key: record.key,
        fileName: record.fileName,
        size: record.size,
        sha256: record.sha256,
        ...(record.detectedType === undefined ? {} : { detectedType: record.detectedType }),
        reasons: record.reasons.map((reason) => reason.rule),
      },
      eventId: `deliverable:${record.uploadId}`,
      at: now,
    });
    this.records.set(id, copy(record));
    return { deliverable: copy(record), created: true };
  }

  async listDeliverables(purchaseId: string): Promise<DeliverableRecord[]> {
    return [...this.records.values()]
      .filter((d) => d.purchaseId === purchaseId)
      .sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.uploadId.localeCompare(b.uploadId))
      .map(copy);
  }

  /** The stored record (not a copy), for the wait fake's check of the upload. */
  stored(purchaseId: string, uploadId: string): DeliverableRecord | undefined {
    return this.records.get(`${purchaseId}\u0000${uploadId}`);
  }
}
