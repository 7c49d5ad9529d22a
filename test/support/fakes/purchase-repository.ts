import { PurchaseNotFoundError } from '../../../shared/adapters/dynamodb/errors.js';
import type { AuditEntry, ChainVerification } from '../../../shared/domain/audit.js';
import { GENESIS_HASH, nextAuditEntry, verifyChain } from '../../../shared/domain/audit-chain.js';
import { BudgetLineShortError } from '../../../shared/domain/budget.js';
import { isTerminal } from '../../../shared/domain/lifecycle.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { changeMisfit, type PurchasePatch, type PurchaseRecord } from '../../../shared/domain/purchase.js';
import {
  listingEntryOf,
  listingMatches,
  listingPage,
  type PurchaseListPage,
  type PurchaseListQuery,
  summaryOf,
} from '../../../shared/domain/purchase-listing.js';
import type { HumanTask, RecordedDecision } from '../../../shared/domain/tasks.js';
import type { AuditTrail, PurchaseRepository } from '../../../shared/ports/repositories.js';
import type { InMemoryBudgetRepository } from './budget-repository.js';
import { copy } from './copy.js';

/**
 * Purchases and their audit chains. Stage moves are conditional, a change named by an eventId
 * is applied once, and the other fakes append their audit entries here, as the table's
 * transactions write an item and its audit entry together.
 */
export class InMemoryPurchaseRepository implements PurchaseRepository {
  readonly records = new Map<string, PurchaseRecord>();
  readonly auditLog = new Map<string, AuditEntry[]>();
  private readonly appliedEvents = new Set<string>();
  private readonly idempotencyKeys = new Map<string, string>();
  /** Per purchase, the (lower-case) e-mails ever assigned one of its tasks, as the item's `viewerEmails`. */
  private readonly viewers = new Map<string, Set<string>>();

  /** The budget lines a change may move a reservation on, as the table's transaction does. */
  constructor(private readonly budgets?: InMemoryBudgetRepository) {}

  async createPurchase(input: {
    purchaseId: string;
    proposal: Proposal;
    createdBy: string;
    idempotencyKey?: string;
    now: string;
  }): Promise<{ purchase: PurchaseRecord; created: boolean }> {
    const { purchaseId, proposal, createdBy, idempotencyKey, now } = input;
    const keyId = idempotencyKey === undefined ? undefined : `${createdBy}\u0000${idempotencyKey}`;
    const earlierId = keyId === undefined ? undefined : this.idempotencyKeys.get(keyId);
    const earlier = earlierId ?? (this.records.has(purchaseId) ? purchaseId : undefined);
    if (earlier !== undefined) return { purchase: copy(this.require(earlier)), created: false };

    const entry = firstAuditEntry(purchaseId, createdBy, proposal, now);
    const purchase: PurchaseRecord = {
      purchaseId,
      version: 1,
      stage: 'PROPOSAL',
      proposal: copy(proposal),
      createdBy,
      createdAt: now,
      updatedAt: now,
      approvalLevels: [],
      approvals: {},
      decisions: {},
      auditSeq: entry.seq,
      auditHash: entry.hash,
    };
    this.records.set(purchaseId, purchase);
    this.auditLog.set(purchaseId, [entry]);
    this.appliedEvents.add(`${purchaseId}\u0000${entry.eventId}`);
    if (keyId !== undefined) this.idempotencyKeys.set(keyId, purchaseId);
    return { purchase: copy(purchase), created: true };
  }

  async findByIdempotencyKey(createdBy: string, idempotencyKey: string): Promise<PurchaseRecord | undefined> {
    const purchaseId = this.idempotencyKeys.get(`${createdBy}\u0000${idempotencyKey}`);
    return purchaseId === undefined ? undefined : this.getPurchase(purchaseId);
  }

  async getPurchase(purchaseId: string): Promise<PurchaseRecord | undefined> {
    const record = this.records.get(purchaseId);
    return record && copy(record);
  }

  async change(input: {
    purchaseId: string;
    from?: PurchaseRecord['stage'];
    to?: PurchaseRecord['stage'];
    set?: PurchasePatch;
    audit: { actor: string; action: string; detail?: Record<string, unknown> };
    eventId: string;
    now: string;
    reservation?: { lineId: string; amountFen: number };
  }): Promise<PurchaseRecord> {
    const { purchaseId, from, to, set = {}, audit, eventId, now, reservation } = input;
    const current = this.require(purchaseId);
    if (this.appliedEvents.has(`${purchaseId}\u0000${eventId}`)) return copy(current);
    const misfit = changeMisfit(current, from, to);
    if (misfit) throw misfit;
    if (reservation) this.moveReservation(purchaseId, reservation);
    const detail =
      to === undefined ? audit.detail : { ...audit.detail, stageFrom: current.stage, stageTo: to };
    this.append(current, { ...audit, detail, eventId, at: now });
    for (const [field, value] of Object.entries(set)) {
      if (value !== undefined) (current as unknown as Record<string, unknown>)[field] = copy(value);
    }
    if (to !== undefined) current.stage = to;
    current.updatedAt = now;
    return copy(current);
  }

  /** Checked before anything of the change is written, so a short line leaves everything as it was. */
  private moveReservation(purchaseId: string, reservation: { lineId: string; amountFen: number }): void {
    const line = this.budgets?.lines.get(reservation.lineId);
    const held = this.budgets?.reservations.get(`${reservation.lineId}\u0000${purchaseId}`);
    if (!line || held?.status !== 'RESERVED')
      throw new Error(`purchase ${purchaseId} holds no reservation on budget line ${reservation.lineId}`);
    const more = reservation.amountFen - held.amountFen;
    if (more > 0 && line.availableFen < more)
      throw new BudgetLineShortError(reservation.lineId, line.availableFen, more);
    line.availableFen -= more;
    held.amountFen = reservation.amountFen;
  }

  async listAudit(purchaseId: string): Promise<AuditEntry[]> {
    return copy(this.auditLog.get(purchaseId) ?? []);
  }

  async verifyAuditChain(purchaseId: string): Promise<ChainVerification> {
    const trail = await this.auditTrail(purchaseId);
    if (!trail) throw new PurchaseNotFoundError(purchaseId);
    return trail.chain;
  }

  async auditTrail(purchaseId: string): Promise<AuditTrail | undefined> {
    const purchase = this.records.get(purchaseId);
    if (!purchase) return undefined;
    const entries = this.auditLog.get(purchaseId) ?? [];
    return { purchase: copy(purchase), entries: copy(entries), chain: verifyChain(entries, purchase) };
  }

  async listOpenPurchases(): Promise<Pick<PurchaseRecord, 'purchaseId' | 'stage'>[]> {
    return [...this.records.values()]
      .filter((p) => !isTerminal(p.stage))
      .map(({ purchaseId, stage }) => ({ purchaseId, stage }));
  }

  async listPurchases(query: PurchaseListQuery): Promise<PurchaseListPage> {
    const candidates = [...this.records.values()]
      .filter((record) =>
        listingMatches(
          listingEntryOf(record, [...(this.viewers.get(record.purchaseId) ?? [])]),
          query.filter,
        ),
      )
      .map(summaryOf);
    return copy(listingPage(candidates, query));
  }

  /** Used by the task repository: the task's assignee may see the purchase (when there is one). */
  recordViewer(purchaseId: string, email: string): void {
    if (!this.records.has(purchaseId)) return;
    const viewers = this.viewers.get(purchaseId) ?? new Set<string>();
    viewers.add(email.toLowerCase());
    this.viewers.set(purchaseId, viewers);
  }

  /** Test setup: a purchase as the workflow left it, without going through every step. */
  seed(record: PurchaseRecord): void {
    const stored = copy(record);
    const entry = firstAuditEntry(stored.purchaseId, stored.createdBy, stored.proposal, stored.createdAt);
    stored.auditSeq = entry.seq;
    stored.auditHash = entry.hash;
    this.records.set(stored.purchaseId, stored);
    this.auditLog.set(stored.purchaseId, [entry]);
    this.appliedEvents.add(`${stored.purchaseId}\u0000${entry.eventId}`);
  }

  /**
   * Used by the task repository: a decision is recorded on the purchase in the same step, under
   * `approvals[level]` for an approval and `decisions[stepKey]` for every other purpose.
   */
  recordDecision(task: HumanTask, decision: RecordedDecision): void {
    const current = this.require(task.purchaseId);
    const approval = task.purpose === 'APPROVAL' && task.level !== undefined;
    if (approval && task.level !== undefined) current.approvals[task.level] = copy(decision);
    else current.decisions = { ...(current.decisions ?? {}), [task.stepKey]: copy(decision) };
    const detail: Record<string, unknown> = {
      ...(approval ? { level: task.level } : { purpose: task.purpose, stepKey: task.stepKey }),
      decision: decision.decision,
      comment: decision.comment,
      taskId: decision.taskId,
      attempt: task.attempt,
    };
    if (decision.data !== undefined) detail.data = decision.data;
    if (decision.onBehalfOf) {
      detail.onBehalfOf = { name: decision.onBehalfOf.name, email: decision.onBehalfOf.email };
      detail.delegateName = decision.byName;
    }
    this.append(current, {
      actor: decision.by,
      action: approval ? 'approval.decided' : 'task.decided',
      detail,
      eventId: `decide:${decision.taskId}`,
      at: decision.at,
    });
  }

  /**
   * Used by the other repositories: appends one audit entry unless its eventId was applied
   * (their own write and this entry are one step, as in the table's transactions).
   */
  appendAudit(
    purchaseId: string,
    input: { actor: string; action: string; detail?: Record<string, unknown>; eventId: string; at: string },
  ): boolean {
    const current = this.require(purchaseId);
    if (this.appliedEvents.has(`${purchaseId}\u0000${input.eventId}`)) return false;
    this.append(current, input);
    return true;
  }

  /** Throws PurchaseNotFoundError like the table's audited writes do for an unknown purchase. */
  requireExisting(purchaseId: string): void {
    this.require(purchaseId);
  }

  private append(
    current: PurchaseRecord,
    input: { actor: string; action: string; detail?: Record<string, unknown>; eventId: string; at: string },
  ): void {
    const entry = nextAuditEntry(current, input);
    this.auditLog.get(current.purchaseId)?.push(entry);
    this.appliedEvents.add(`${current.purchaseId}\u0000${input.eventId}`);
    current.auditSeq = entry.seq;
    current.auditHash = entry.hash;
    current.version += 1;
    current.updatedAt = input.at;
  }

  private require(purchaseId: string): PurchaseRecord {
    const record = this.records.get(purchaseId);
    if (!record) throw new PurchaseNotFoundError(purchaseId);
    return record;
  }
}

/** The entry a new purchase starts its chain with, as the table's repository writes it. */
function firstAuditEntry(purchaseId: string, createdBy: string, proposal: Proposal, at: string): AuditEntry {
  return nextAuditEntry(
    { purchaseId, auditSeq: 0, auditHash: GENESIS_HASH },
    {
      actor: createdBy,
      action: 'proposal.submitted',
      detail: { title: proposal.title, totalFen: proposal.totalFen, budgetLineRef: proposal.budgetLineRef },
      eventId: `create:${purchaseId}`,
      at,
    },
  );
}
