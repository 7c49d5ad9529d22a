import { GENESIS_HASH } from '../../../shared/domain/audit-chain.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { parseLinkKeyring } from '../../../shared/links/link-keyring.js';
import { InMemoryBudgetRepository } from './budget-repository.js';
import { TestClock } from './clock.js';
import { InMemoryDelegationRepository } from './delegation-repository.js';
import { InMemoryDeliverableRepository } from './deliverable-repository.js';
import { InMemoryPaymentRepository } from './payment-repository.js';
import { InMemoryPurchaseRepository } from './purchase-repository.js';
import { RecordingCallbacks, RecordingMailer, RecordingWorkflowStarter } from './recorders.js';
import { InMemoryReferenceDataRepository } from './reference-data-repository.js';
import { InMemoryTaskRepository } from './task-repository.js';
import { InMemoryTrackRecordRepository } from './track-record-repository.js';
import { InMemoryUploadCountRepository } from './upload-count-repository.js';
import { InMemoryWaitRepository } from './wait-repository.js';

/**
 * In-memory versions of the persistence ports and of the use cases' other ports. The
 * repositories keep the promises the ports make (conditional stage moves, a change named by an
 * eventId applied once, first decision wins, one reservation per purchase) and nothing more,
 * so a use-case test that passes here relies only on the contract: the repository contract
 * suite (test/support/repository-contract/) runs against them and against DynamoDB Local.
 * Records go in and out as copies, like items read from a table.
 */

export { InMemoryBudgetRepository } from './budget-repository.js';
export { TestClock } from './clock.js';
export { InMemoryDelegationRepository } from './delegation-repository.js';
export { InMemoryDeliverableRepository } from './deliverable-repository.js';
export { InMemoryPaymentRepository } from './payment-repository.js';
export { InMemoryPurchaseRepository } from './purchase-repository.js';
export { RecordingCallbacks, RecordingMailer, RecordingWorkflowStarter } from './recorders.js';
export { InMemoryReferenceDataRepository } from './reference-data-repository.js';
export { InMemoryTaskRepository } from './task-repository.js';
export { InMemoryTrackRecordRepository } from './track-record-repository.js';
export { InMemoryUploadCountRepository } from './upload-count-repository.js';
export { InMemoryWaitRepository } from './wait-repository.js';

/** A keyring of one 48-byte link key, as a freshly generated Secrets Manager secret reads. */
export const TEST_LINK_KEY = parseLinkKeyring('test-link-key-0123456789abcdefghijklmnopqrstuvwxyz');

export interface Fakes {
  purchases: InMemoryPurchaseRepository;
  budgets: InMemoryBudgetRepository;
  tasks: InMemoryTaskRepository;
  deliverables: InMemoryDeliverableRepository;
  uploadCounts: InMemoryUploadCountRepository;
  waits: InMemoryWaitRepository;
  payments: InMemoryPaymentRepository;
  trackRecords: InMemoryTrackRecordRepository;
  referenceData: InMemoryReferenceDataRepository;
  delegations: InMemoryDelegationRepository;
  mailer: RecordingMailer;
  callbacks: RecordingCallbacks;
  workflow: RecordingWorkflowStarter;
  clock: TestClock;
}

export function createFakes(now = '2026-03-02T08:00:00.000Z'): Fakes {
  const budgets = new InMemoryBudgetRepository();
  const purchases = new InMemoryPurchaseRepository(budgets);
  const deliverables = new InMemoryDeliverableRepository(purchases);
  return {
    purchases,
    budgets,
    tasks: new InMemoryTaskRepository(purchases),
    deliverables,
    uploadCounts: new InMemoryUploadCountRepository(),
    waits: new InMemoryWaitRepository(deliverables),
    payments: new InMemoryPaymentRepository(purchases),
    trackRecords: new InMemoryTrackRecordRepository(),
    referenceData: new InMemoryReferenceDataRepository(budgets),
    delegations: new InMemoryDelegationRepository(),
    mailer: new RecordingMailer(),
    callbacks: new RecordingCallbacks(),
    workflow: new RecordingWorkflowStarter(),
    clock: new TestClock(now),
  };
}

/** A purchase record at the given stage, as DynamoDB would hold it. */
export function purchaseRecord(
  purchaseId: string,
  proposal: Proposal,
  overrides: Partial<PurchaseRecord> = {},
): PurchaseRecord {
  return {
    purchaseId,
    version: 1,
    stage: 'PROPOSAL',
    proposal,
    createdBy: 'officer@civil-affairs.example.gov.cn',
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: '2026-03-01T08:00:00.000Z',
    approvalLevels: [],
    approvals: {},
    decisions: {},
    auditSeq: 0,
    auditHash: GENESIS_HASH,
    ...overrides,
  };
}
