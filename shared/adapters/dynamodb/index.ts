import type { Repositories } from '../../ports/repositories.js';
import { DynamoBudgetRepository } from './budget-repository.js';
import { DynamoDelegationRepository } from './delegation-repository.js';
import { DynamoDeliverableRepository } from './deliverable-repository.js';
import { DynamoPaymentRepository } from './payment-repository.js';
import { DynamoPurchaseRepository, type DynamoRepositoryOptions } from './purchase-repository.js';
import { DynamoReferenceDataRepository } from './reference-data-repository.js';
import { DynamoTaskRepository } from './task-repository.js';
import { DynamoTrackRecordRepository } from './track-record-repository.js';
import { DynamoUploadCountRepository } from './upload-count-repository.js';
import { DynamoWaitRepository } from './wait-repository.js';

export { DynamoBudgetRepository } from './budget-repository.js';
export { DynamoDelegationRepository } from './delegation-repository.js';
export { DynamoDeliverableRepository } from './deliverable-repository.js';
export * from './errors.js';
export { DynamoPaymentRepository } from './payment-repository.js';
export { DynamoPurchaseRepository, type DynamoRepositoryOptions } from './purchase-repository.js';
export { DynamoReferenceDataRepository } from './reference-data-repository.js';
export { DynamoTaskRepository } from './task-repository.js';
export { DynamoTrackRecordRepository } from './track-record-repository.js';
export { DynamoUploadCountRepository } from './upload-count-repository.js';
export { DynamoWaitRepository } from './wait-repository.js';

/** Every port on one table and one document client (created once per module scope by the caller). */
export function createRepositories(options: DynamoRepositoryOptions): Repositories {
  return {
    purchases: new DynamoPurchaseRepository(options),
    budgets: new DynamoBudgetRepository(options),
    tasks: new DynamoTaskRepository(options),
    deliverables: new DynamoDeliverableRepository(options),
    uploadCounts: new DynamoUploadCountRepository(options),
    waits: new DynamoWaitRepository(options),
    payments: new DynamoPaymentRepository(options),
    trackRecords: new DynamoTrackRecordRepository(options),
    referenceData: new DynamoReferenceDataRepository(options),
    delegations: new DynamoDelegationRepository(options),
  };
}
