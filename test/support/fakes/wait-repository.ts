import type { UploadWait } from '../../../shared/domain/deliverables.js';
import type { UploadKind } from '../../../shared/domain/uploads.js';
import type { WaitRepository } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';
import type { InMemoryDeliverableRepository } from './deliverable-repository.js';

/** Upload waits with the table's rules: re-arm within a round, a later `since` starts a new one. */
export class InMemoryWaitRepository implements WaitRepository {
  readonly records = new Map<string, UploadWait>();

  constructor(private readonly deliverables: InMemoryDeliverableRepository) {}

  async armWait(input: Parameters<WaitRepository['armWait']>[0]): Promise<UploadWait> {
    const { purchaseId, kind, taskToken, now } = input;
    const since = new Date(input.since).toISOString();
    const id = `${purchaseId}\u0000${kind}`;
    const stored = this.records.get(id);
    if (!stored || since > stored.since) {
      const wait: UploadWait = { purchaseId, kind, taskToken, since, status: 'WAITING', updatedAt: now };
      this.records.set(id, wait);
      return copy(wait);
    }
    if (stored.status === 'SATISFIED') return copy(stored);
    stored.taskToken = taskToken;
    stored.updatedAt = now;
    return copy(stored);
  }

  async getWait(purchaseId: string, kind: UploadKind): Promise<UploadWait | undefined> {
    const wait = this.records.get(`${purchaseId}\u0000${kind}`);
    return wait && copy(wait);
  }

  async satisfyWait(input: Parameters<WaitRepository['satisfyWait']>[0]): Promise<boolean> {
    const { purchaseId, kind, taskToken, uploadId, now } = input;
    const wait = this.records.get(`${purchaseId}\u0000${kind}`);
    if (wait?.status !== 'WAITING' || wait.taskToken !== taskToken) return false;
    const upload = this.deliverables.stored(purchaseId, uploadId);
    if (
      upload?.status !== 'ACCEPTED' ||
      upload.kind !== kind ||
      Date.parse(upload.uploadedAt) < Date.parse(wait.since)
    )
      return false;
    wait.status = 'SATISFIED';
    wait.uploadId = uploadId;
    wait.updatedAt = now;
    return true;
  }
}
