import type { AuditEntry, ChainVerification } from '../../../shared/domain/audit.js';
import { nextAuditEntry, verifyChain } from '../../../shared/domain/audit-chain.js';
import type { Delegation } from '../../../shared/domain/delegation.js';
import type { DelegationRepository } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';

/** The delegations and their audit trail; the trail's length is the version, as the chain head's sequence is. */
export class InMemoryDelegationRepository implements DelegationRepository {
  private readonly delegations = new Map<string, Delegation>();
  private readonly trail: AuditEntry[] = [];

  async list(): Promise<{ delegations: Delegation[]; version: number }> {
    const delegations = [...this.delegations.values()].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
    return { delegations: copy(delegations), version: this.trail.length };
  }

  async add(input: {
    delegation: Delegation;
    expectedVersion: number;
    now: string;
  }): Promise<{ outcome: 'ADDED'; version: number } | { outcome: 'STALE' }> {
    const { delegation, expectedVersion, now } = input;
    if (this.trail.length !== expectedVersion || this.delegations.has(delegation.id))
      return { outcome: 'STALE' };
    this.delegations.set(delegation.id, copy(delegation));
    this.append(delegation.createdBy, 'delegation.named', delegation, now);
    return { outcome: 'ADDED', version: this.trail.length };
  }

  async end(input: {
    id: string;
    by: string;
    now: string;
  }): Promise<{ outcome: 'ENDED' | 'ALREADY_ENDED'; delegation: Delegation } | { outcome: 'NOT_FOUND' }> {
    const current = this.delegations.get(input.id);
    if (!current) return { outcome: 'NOT_FOUND' };
    if (current.endedAt !== undefined) return { outcome: 'ALREADY_ENDED', delegation: copy(current) };
    current.endedAt = input.now;
    current.endedBy = input.by;
    this.append(input.by, 'delegation.ended', current, input.now, { endedAt: input.now });
    return { outcome: 'ENDED', delegation: copy(current) };
  }

  async changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }> {
    const last = this.trail.at(-1);
    const head = { auditSeq: last?.seq ?? 0, auditHash: last?.hash ?? '' };
    return { entries: copy(this.trail), chain: verifyChain(this.trail, head) };
  }

  private append(
    actor: string,
    action: string,
    delegation: Delegation,
    now: string,
    extra: Record<string, unknown> = {},
  ): void {
    const last = this.trail.at(-1);
    const { id, approverEmail, delegate, from, until } = delegation;
    this.trail.push(
      nextAuditEntry(
        { purchaseId: 'DELEGATIONS', auditSeq: last?.seq ?? 0, auditHash: last?.hash ?? '' },
        {
          actor,
          action,
          detail: { id, approverEmail, delegateEmail: delegate.email, from, until, ...extra },
          eventId: `${action}:${(last?.seq ?? 0) + 1}`,
          at: now,
        },
      ),
    );
  }
}
