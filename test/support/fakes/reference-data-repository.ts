import type { AuditEntry, AuditInput, ChainVerification } from '../../../shared/domain/audit.js';
import { nextAuditEntry, verifyChain } from '../../../shared/domain/audit-chain.js';
import {
  REFERENCE_SECTIONS,
  type ReferenceData,
  type ReferenceSection,
  SEED_ACTOR,
  type StoredReferenceData,
  type StoredSection,
} from '../../../shared/domain/reference-data.js';
import type { ReferenceChange, ReferenceDataRepository } from '../../../shared/ports/repositories.js';
import type { InMemoryBudgetRepository } from './budget-repository.js';
import { copy } from './copy.js';

/** The reference sections and their audit trail; a budget line's total moves with its line, as in one transaction. */
export class InMemoryReferenceDataRepository implements ReferenceDataRepository {
  private readonly sections: Partial<Record<ReferenceSection, StoredSection>> = {};
  private readonly trail: AuditEntry[] = [];

  constructor(private readonly budgets: InMemoryBudgetRepository) {}

  async read(): Promise<Partial<StoredReferenceData>> {
    return copy(this.sections) as Partial<StoredReferenceData>;
  }

  async seed(data: ReferenceData, now: string): Promise<ReferenceSection[]> {
    const missing = REFERENCE_SECTIONS.filter((section) => this.sections[section] === undefined);
    if (missing.length === 0) return [];
    for (const section of missing)
      this.sections[section] = copy({
        value: data[section],
        version: 1,
        updatedAt: now,
        updatedBy: SEED_ACTOR,
      });
    this.append({ actor: SEED_ACTOR, action: 'reference.seeded', detail: { sections: missing } }, now);
    return missing;
  }

  async change<K extends ReferenceSection>(
    input: ReferenceChange<K>,
  ): Promise<{ outcome: 'CHANGED'; section: StoredSection<K> } | { outcome: 'STALE' }> {
    const { section, value, expectedVersion, by, summary, now } = input;
    if (this.sections[section]?.version !== expectedVersion) return { outcome: 'STALE' };
    for (const total of input.budgetTotals ?? []) {
      const line = this.budgets.lines.get(total.lineId);
      const delta = total.toFen - total.fromFen;
      if (line && (line.totalFen !== total.fromFen || line.availableFen + delta < 0))
        return { outcome: 'STALE' };
    }
    for (const total of input.budgetTotals ?? []) {
      const line = this.budgets.lines.get(total.lineId);
      if (!line) continue;
      line.availableFen += total.toFen - total.fromFen;
      line.totalFen = total.toFen;
    }
    const next: StoredSection<K> = {
      value: copy(value),
      version: expectedVersion + 1,
      updatedAt: now,
      updatedBy: by,
    };
    this.sections[section] = next as StoredSection;
    this.append(
      { actor: by, action: 'reference.changed', detail: { section, version: next.version, summary } },
      now,
    );
    return { outcome: 'CHANGED', section: copy(next) };
  }

  async changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }> {
    const last = this.trail.at(-1);
    const head = { auditSeq: last?.seq ?? 0, auditHash: last?.hash ?? '' };
    return { entries: copy(this.trail), chain: verifyChain(this.trail, head) };
  }

  private append(audit: AuditInput, now: string): void {
    const last = this.trail.at(-1);
    const entry = nextAuditEntry(
      { purchaseId: 'REFERENCE', auditSeq: last?.seq ?? 0, auditHash: last?.hash ?? '' },
      { ...audit, eventId: `${audit.action}:${(last?.seq ?? 0) + 1}`, at: now },
    );
    this.trail.push(entry);
  }
}
