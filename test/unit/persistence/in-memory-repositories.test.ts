import type { AuditEntry } from '../../../shared/domain/audit.js';
import { createFakes } from '../../support/fakes/index.js';
import { repositoryContract } from '../../support/repository-contract/index.js';

/** The in-memory fakes the use-case tests run on keep every promise the table's repositories keep. */
repositoryContract('in-memory fakes', async () => {
  const fakes = createFakes();
  const log = (purchaseId: string): AuditEntry[] => {
    const entries = fakes.purchases.auditLog.get(purchaseId);
    if (!entries) throw new Error(`no audit log for purchase ${purchaseId}`);
    return entries;
  };
  return {
    repos: fakes,
    backdoor: {
      async editAuditEntry(purchaseId, seq, change) {
        const entry = log(purchaseId).find((e) => e.seq === seq);
        if (!entry) throw new Error(`no audit entry ${seq} of purchase ${purchaseId}`);
        Object.assign(entry, change);
      },
      async insertAuditEntry(entry) {
        const entries = log(entry.purchaseId).filter((e) => e.seq !== entry.seq);
        entries.push(structuredClone(entry));
        entries.sort((a, b) => a.seq - b.seq);
        fakes.purchases.auditLog.set(entry.purchaseId, entries);
      },
      async reservation(lineId, purchaseId) {
        const stored = fakes.budgets.reservations.get(`${lineId}\u0000${purchaseId}`);
        return stored && structuredClone(stored);
      },
    },
  };
});
