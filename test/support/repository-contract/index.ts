import { afterAll, beforeAll, describe } from 'vitest';
import { budgetContract } from './budgets.js';
import { delegationContract } from './delegations.js';
import { deliverableContract } from './deliverables.js';
import { listingContract } from './listing.js';
import { oneChainContract } from './one-chain.js';
import { paymentContract } from './payments.js';
import { purchaseContract } from './purchases.js';
import { referenceDataContract } from './reference-data.js';
import { type RepositoryHarness, Subject } from './subject.js';
import { taskContract } from './tasks.js';
import { trackRecordContract } from './track-records.js';
import { uploadCountContract } from './upload-counts.js';
import { waitContract } from './waits.js';

export type { RepositoryHarness } from './subject.js';

/**
 * Everything the persistence ports (shared/ports/repositories.ts) promise, as one suite: run
 * against DynamoDB Local it is what the table's repositories do, and the in-memory fakes the
 * use-case tests rely on must pass it too. Where the two differ, the fake is wrong.
 * One harness serves the whole suite; each case works on ids of its own.
 */
export function repositoryContract(name: string, makeHarness: () => Promise<RepositoryHarness>): void {
  describe(`repository contract: ${name}`, () => {
    const subject = new Subject();
    let harness: RepositoryHarness | undefined;

    beforeAll(async () => {
      harness = await makeHarness();
      subject.use(harness);
    });

    afterAll(async () => {
      subject.use(undefined);
      await harness?.stop?.();
    });

    purchaseContract(subject);
    listingContract(subject);
    budgetContract(subject);
    taskContract(subject);
    deliverableContract(subject);
    uploadCountContract(subject);
    waitContract(subject);
    paymentContract(subject);
    trackRecordContract(subject);
    referenceDataContract(subject);
    delegationContract(subject);
    oneChainContract(subject);
  });
}
