import type { UploadKind } from '../../../shared/domain/uploads.js';
import type {
  DeliverableRecord,
  DeliverableRepository,
  UploadWait,
  WaitRepository,
} from '../../../shared/persistence/lifecycle-ports.js';

/**
 * Test doubles for the NGO upload tests until test/support/fakes.ts has in-memory versions of
 * the lifecycle ports (then use those and delete this file).
 */
// Minimal doubles of the lifecycle ports, keeping only the promises the use case relies on
// (a deliverable recorded once per uploadId; a wait satisfied once while WAITING with its token).
export class Deliverables implements DeliverableRepository {
  readonly records: DeliverableRecord[] = [];
  async recordDeliverable(record: DeliverableRecord) {
    const earlier = this.records.find((r) => r.uploadId === record.uploadId);
    if (earlier) return { deliverable: structuredClone(earlier), created: false };
    this.records.push(structuredClone(record));
    return { deliverable: structuredClone(record), created: true };
  }
  async listDeliverables(purchaseId: string) {
    return this.records.filter((r) => r.purchaseId === purchaseId).map((r) => structuredClone(r));
  }
}

export class Waits implements WaitRepository {
  readonly waits = new Map<string, UploadWait>();
  async armWait(input: {
    purchaseId: string;
    kind: UploadKind;
    taskToken: string;
    since: string;
    now: string;
  }) {
    const wait: UploadWait = {
      purchaseId: input.purchaseId,
      kind: input.kind,
      taskToken: input.taskToken,
      since: input.since,
      status: 'WAITING',
      updatedAt: input.now,
    };
    this.waits.set(`${input.purchaseId}/${input.kind}`, wait);
    return structuredClone(wait);
  }
  async getWait(purchaseId: string, kind: UploadKind) {
    const wait = this.waits.get(`${purchaseId}/${kind}`);
    return wait && structuredClone(wait);
  }
  async satisfyWait(input: {
    purchaseId: string;
    kind: UploadKind;
    taskToken: string;
    uploadId: string;
    now: string;
  }) {
    const wait = this.waits.get(`${input.purchaseId}/${input.kind}`);
    if (wait?.status !== 'WAITING' || wait.taskToken !== input.taskToken) return false;
    Object.assign(wait, { status: 'SATISFIED', uploadId: input.uploadId, updatedAt: input.now });
    return true;
  }
}
