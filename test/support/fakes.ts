import { randomBytes } from 'node:crypto';
import {
  InvalidEscalationStepError,
  InvalidTaskError,
  PurchaseNotFoundError,
  ReservationReleasedError,
  StageConflictError,
  TaskNotDecidedError,
  TaskNotFoundError,
} from '../../shared/adapters/dynamodb/errors.js';
import type { AuditEntry, ChainVerification } from '../../shared/domain/audit.js';
import { GENESIS_HASH, nextAuditEntry, verifyChain } from '../../shared/domain/audit-chain.js';
import type { BudgetLineRecord, ReserveResult } from '../../shared/domain/budget.js';
import type { DeliverableRecord, UploadWait } from '../../shared/domain/deliverables.js';
import { canTransition, IllegalTransitionError, isTerminal } from '../../shared/domain/lifecycle.js';
import type { PaymentNotice, PaymentRecord } from '../../shared/domain/payment-records.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import type { PurchasePatch, PurchaseRecord } from '../../shared/domain/purchase.js';
import type { HumanTask, PublicHumanTask, RecordedDecision, TaskAttempt } from '../../shared/domain/tasks.js';
import type { TrackRecordEntry } from '../../shared/domain/track-record.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import type { Mailer, MailMessage } from '../../shared/ports/mailer.js';
import type {
  BudgetRepository,
  DecideResult,
  DeclareResult,
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
  TrackRecordRepository,
  WaitRepository,
} from '../../shared/ports/repositories.js';
import { type TaskCallbacks, TaskClosedError, type WorkflowStarter } from '../../shared/ports/workflow.js';

/**
 * In-memory versions of the persistence ports and of the use cases' other ports. They keep
 * the promises the ports make (conditional stage moves, a change named by an eventId applied
 * once, first decision wins, one reservation per purchase) and nothing more, so a use-case
 * test that passes here relies only on the contract. Records go in and out as copies, like
 * items read from a table.
 */

const copy = <T>(value: T): T => structuredClone(value);
const ESCALATED_SUFFIX = ':ESCALATED';

export class InMemoryPurchaseRepository implements PurchaseRepository {
  readonly records = new Map<string, PurchaseRecord>();
  readonly auditLog = new Map<string, AuditEntry[]>();
  private readonly appliedEvents = new Set<string>();
  private readonly idempotencyKeys = new Map<string, string>();

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

    const entry = nextAuditEntry(
      { purchaseId, auditSeq: 0, auditHash: GENESIS_HASH },
      { actor: createdBy, action: 'proposal.submitted', eventId: `create:${purchaseId}`, at: now },
    );
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
  }): Promise<PurchaseRecord> {
    const { purchaseId, from, to, set = {}, audit, eventId, now } = input;
    const current = this.require(purchaseId);
    if (this.appliedEvents.has(`${purchaseId}\u0000${eventId}`)) return copy(current);
    if (from !== undefined && from !== current.stage)
      throw new StageConflictError(purchaseId, from, current.stage);
    if (to !== undefined && !canTransition(current.stage, to))
      throw new IllegalTransitionError(current.stage, to);
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

  async listAudit(purchaseId: string): Promise<AuditEntry[]> {
    return copy(this.auditLog.get(purchaseId) ?? []);
  }

  async verifyAuditChain(purchaseId: string): Promise<ChainVerification> {
    return verifyChain(this.auditLog.get(purchaseId) ?? [], this.require(purchaseId));
  }

  async listOpenPurchases(): Promise<Pick<PurchaseRecord, 'purchaseId' | 'stage'>[]> {
    return [...this.records.values()]
      .filter((p) => !isTerminal(p.stage))
      .map(({ purchaseId, stage }) => ({ purchaseId, stage }));
  }

  /** Test setup: a purchase as the workflow left it, without going through every step. */
  seed(record: PurchaseRecord): void {
    const stored = copy(record);
    const entry = nextAuditEntry(
      { purchaseId: stored.purchaseId, auditSeq: 0, auditHash: GENESIS_HASH },
      {
        actor: stored.createdBy,
        action: 'proposal.submitted',
        eventId: `create:${stored.purchaseId}`,
        at: stored.createdAt,
      },
    );
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
    current.updatedAt = input.at;
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
  }

  private require(purchaseId: string): PurchaseRecord {
    const record = this.records.get(purchaseId);
    if (!record) throw new PurchaseNotFoundError(purchaseId);
    return record;
  }
}

interface Reservation {
  amountFen: number;
  status: 'RESERVED' | 'RELEASED';
}

export class InMemoryBudgetRepository implements BudgetRepository {
  readonly lines = new Map<string, BudgetLineRecord>();
  readonly reservations = new Map<string, Reservation>();

  async ensureBudgetLine(line: Omit<BudgetLineRecord, 'availableFen'>): Promise<void> {
    if (!this.lines.has(line.lineId)) this.lines.set(line.lineId, { ...line, availableFen: line.totalFen });
  }

  async getBudgetLine(lineId: string): Promise<BudgetLineRecord | undefined> {
    const line = this.lines.get(lineId);
    return line && copy(line);
  }

  async reserve(input: Parameters<BudgetRepository['reserve']>[0]): Promise<ReserveResult> {
    const { lineId, purchaseId, amountFen } = input;
    const line = this.lines.get(lineId);
    const existing = this.reservations.get(`${lineId}\u0000${purchaseId}`);
    if (existing?.status === 'RELEASED') throw new ReservationReleasedError(lineId, purchaseId);
    if (existing) return { status: 'RESERVED', availableFen: line?.availableFen ?? 0 };
    if (!line) return { status: 'NO_SUCH_LINE' };
    if (line.availableFen < amountFen) return { status: 'INSUFFICIENT', availableFen: line.availableFen };
    line.availableFen -= amountFen;
    this.reservations.set(`${lineId}\u0000${purchaseId}`, { amountFen, status: 'RESERVED' });
    return { status: 'RESERVED', availableFen: line.availableFen };
  }

  async release(input: {
    lineId: string;
    purchaseId: string;
    keepFen?: number;
  }): Promise<{ status: 'RELEASED' | 'NOT_RESERVED' }> {
    const reservation = this.reservations.get(`${input.lineId}\u0000${input.purchaseId}`);
    const line = this.lines.get(input.lineId);
    if (reservation?.status !== 'RESERVED' || !line) return { status: 'NOT_RESERVED' };
    reservation.status = 'RELEASED';
    line.availableFen +=
      reservation.amountFen - Math.min(Math.max(input.keepFen ?? 0, 0), reservation.amountFen);
    return { status: 'RELEASED' };
  }
}

function randomId(): string {
  return randomBytes(18).toString('base64url');
}

/** Why a task cannot take a decision now; undefined if it can. */
function refusal(
  task: HumanTask,
  now: string,
): Extract<DecideResult, { outcome: 'ALREADY_DECIDED' | 'NOT_PENDING' | 'EXPIRED' }> | undefined {
  if (task.status === 'DECIDED') return { outcome: 'ALREADY_DECIDED', task: copy(task) };
  if (task.status !== 'PENDING') return { outcome: 'NOT_PENDING', task: copy(task) };
  if (Date.parse(task.expiresAt) <= Date.parse(now)) return { outcome: 'EXPIRED', task: copy(task) };
  return undefined;
}

export class InMemoryTaskRepository implements TaskRepository {
  readonly records = new Map<string, HumanTask>();
  private readonly steps = new Map<string, string>();

  constructor(private readonly purchases: InMemoryPurchaseRepository) {}

  async openTask(
    input: Parameters<TaskRepository['openTask']>[0],
  ): Promise<{ task: HumanTask; created: boolean }> {
    const { purchaseId, stepKey, attempt, now, purpose = 'APPROVAL' } = input;
    if (attempt === 'ESCALATION' && !stepKey.endsWith(ESCALATED_SUFFIX))
      throw new InvalidEscalationStepError(stepKey);
    if (purpose === 'APPROVAL' && input.level === undefined)
      throw new InvalidTaskError(`the APPROVAL task of step ${stepKey} needs a level`);
    const existing = this.taskOfStep(purchaseId, stepKey);
    if (existing) {
      if (existing.status === 'PENDING') {
        if (input.taskToken !== undefined) existing.taskToken = input.taskToken;
        existing.expiresAt = new Date(input.expiresAt).toISOString();
        existing.attempt = attempt;
      }
      return { task: copy(existing), created: false };
    }
    let superseded: HumanTask | undefined;
    if (attempt === 'ESCALATION') {
      const base = this.taskOfStep(purchaseId, stepKey.slice(0, -ESCALATED_SUFFIX.length));
      if (base?.status === 'DECIDED') return { task: copy(base), created: false };
      if (base?.status === 'PENDING') superseded = base;
    }
    const task: HumanTask = {
      taskId: randomId(),
      purchaseId,
      stepKey,
      purpose,
      attempt,
      assignee: copy(input.assignee),
      nonce: randomId(),
      createdAt: now,
      expiresAt: new Date(input.expiresAt).toISOString(),
      status: 'PENDING',
      mailsSent: [],
    };
    if (input.level !== undefined) task.level = input.level;
    if (input.taskToken !== undefined) task.taskToken = input.taskToken;
    if (input.context !== undefined) task.context = copy(input.context);
    this.records.set(task.taskId, task);
    this.steps.set(`${purchaseId}\u0000${stepKey}`, task.taskId);
    if (superseded) superseded.status = 'SUPERSEDED';
    return { task: copy(task), created: true };
  }

  async getTask(taskId: string): Promise<HumanTask | undefined> {
    const task = this.records.get(taskId);
    return task && copy(task);
  }

  async recordMailSent(taskId: string, kind: TaskAttempt): Promise<boolean> {
    const task = this.require(taskId);
    if (task.mailsSent.includes(kind)) return false;
    task.mailsSent.push(kind);
    return true;
  }

  async decide(input: Parameters<TaskRepository['decide']>[0]): Promise<DecideResult> {
    const task = this.records.get(input.taskId);
    if (!task) return { outcome: 'NOT_FOUND' };
    if (task.nonce !== input.nonce) return { outcome: 'BAD_NONCE' };
    const refused = refusal(task, input.now);
    if (refused) return refused;
    const decision: RecordedDecision = {
      decision: input.decision,
      by: task.assignee.email,
      byName: task.assignee.name,
      comment: input.comment,
      at: input.now,
      taskId: task.taskId,
    };
    if (input.data !== undefined) decision.data = copy(input.data);
    this.purchases.recordDecision(task, decision);
    task.status = 'DECIDED';
    task.decision = decision;
    return { outcome: 'DECIDED', task: copy(task) };
  }

  async declareIndependence(input: { taskId: string; nonce: string; now: string }): Promise<DeclareResult> {
    const task = this.records.get(input.taskId);
    if (!task) return { outcome: 'NOT_FOUND' };
    if (task.nonce !== input.nonce) return { outcome: 'BAD_NONCE' };
    if (task.purpose !== 'EVALUATION') return { outcome: 'NOT_EVALUATION', task: copy(task) };
    if (task.declaredAt !== undefined) return { outcome: 'ALREADY_DECLARED', task: copy(task) };
    const refused = refusal(task, input.now);
    if (refused) return refused;
    this.purchases.appendAudit(task.purchaseId, {
      actor: task.assignee.email,
      action: 'evaluation.independence-declared',
      detail: {
        taskId: task.taskId,
        stepKey: task.stepKey,
        assignee: task.assignee.email,
        role: task.assignee.role,
      },
      eventId: `declare:${task.taskId}`,
      at: input.now,
    });
    task.declaredAt = input.now;
    return { outcome: 'DECLARED', task: copy(task) };
  }

  async markDelivered(taskId: string, now: string): Promise<void> {
    const task = this.require(taskId);
    if (task.deliveredAt !== undefined) return;
    if (task.status !== 'DECIDED') throw new TaskNotDecidedError(taskId, task.status);
    task.deliveredAt = now;
  }

  async expireOpenTasks(purchaseId: string, _now: string): Promise<string[]> {
    const pending = [...this.records.values()].filter(
      (t) => t.purchaseId === purchaseId && t.status === 'PENDING',
    );
    for (const task of pending) task.status = 'EXPIRED';
    return pending.map((t) => t.taskId);
  }

  async listTasks(purchaseId: string): Promise<PublicHumanTask[]> {
    return [...this.records.values()]
      .filter((t) => t.purchaseId === purchaseId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(({ taskToken: _token, nonce: _nonce, ...rest }) => copy(rest));
  }

  /** The step's live task as stored (not a copy), for tests that age or inspect it. */
  stored(taskId: string): HumanTask {
    return this.require(taskId);
  }

  private taskOfStep(purchaseId: string, stepKey: string): HumanTask | undefined {
    const taskId = this.steps.get(`${purchaseId}\u0000${stepKey}`);
    return taskId === undefined ? undefined : this.records.get(taskId);
  }

  private require(taskId: string): HumanTask {
    const task = this.records.get(taskId);
    if (!task) throw new TaskNotFoundError(taskId);
    return task;
  }
}

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

/** Payment steps: NOTIFIED -> CONFIRMED once, WITHHELD / CANCELLED only while not CONFIRMED. */
export class InMemoryPaymentRepository implements PaymentRepository {
  readonly records = new Map<string, PaymentRecord>();

  constructor(private readonly purchases: InMemoryPurchaseRepository) {}

  async openPayment(
    notice: PaymentNotice,
    now: string,
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    const existing = this.records.get(this.id(notice.purchaseId, notice.tranche));
    if (existing) return { payment: copy(existing), created: false };
    const payment: PaymentRecord = { ...copy(notice), status: 'NOTIFIED' };
    this.purchases.appendAudit(notice.purchaseId, {
      actor: 'system:payments',
      action: 'payment.notified',
      detail: {
        tranche: notice.tranche,
        milestone: notice.milestone,
        amountFen: notice.amountFen,
        dueDate: notice.dueDate,
        ...(notice.confirmTaskId === undefined ? {} : { confirmTaskId: notice.confirmTaskId }),
      },
      eventId: `payment:${notice.tranche}:notified`,
      at: now,
    });
    this.records.set(this.id(notice.purchaseId, notice.tranche), payment);
    return { payment: copy(payment), created: true };
  }

  async confirmPayment(
    input: Parameters<PaymentRepository['confirmPayment']>[0],
  ): ReturnType<PaymentRepository['confirmPayment']> {
    const { purchaseId, tranche, by, reference, now } = input;
    const payment = this.records.get(this.id(purchaseId, tranche));
    if (!payment) return { outcome: 'NOT_PAYABLE' };
    if (payment.status === 'CONFIRMED') return { outcome: 'ALREADY_CONFIRMED', payment: copy(payment) };
    if (payment.status !== 'NOTIFIED') return { outcome: 'NOT_PAYABLE', payment: copy(payment) };
    this.purchases.appendAudit(purchaseId, {
      actor: by,
      action: 'payment.confirmed',
      detail: { tranche, milestone: payment.milestone, amountFen: payment.amountFen, reference },
      eventId: `payment:${tranche}:confirmed`,
      at: now,
    });
    Object.assign(payment, { status: 'CONFIRMED', confirmedAt: now, confirmedBy: by, reference });
    return { outcome: 'CONFIRMED', payment: copy(payment) };
  }

  async closePayment(input: Parameters<PaymentRepository['closePayment']>[0]): Promise<PaymentRecord> {
    const { purchaseId, tranche, milestone, amountFen, status, reason, now } = input;
    const existing = this.records.get(this.id(purchaseId, tranche));
    if (existing && existing.status !== 'NOTIFIED') return copy(existing);
    this.purchases.requireExisting(purchaseId);
    const closed: PaymentRecord = existing
      ? { ...existing, status, reason, closedAt: now }
      : { purchaseId, tranche, milestone, amountFen, status, reason, closedAt: now };
    this.purchases.appendAudit(purchaseId, {
      actor: 'system:payments',
      action: status === 'WITHHELD' ? 'payment.withheld' : 'payment.cancelled',
      detail: { tranche, milestone: closed.milestone, amountFen: closed.amountFen, reason },
      eventId: `payment:${tranche}:closed`,
      at: now,
    });
    this.records.set(this.id(purchaseId, tranche), closed);
    return copy(closed);
  }

  async listPayments(purchaseId: string): Promise<PaymentRecord[]> {
    return [...this.records.values()]
      .filter((p) => p.purchaseId === purchaseId)
      .sort((a, b) => a.tranche - b.tranche)
      .map(copy);
  }

  private id(purchaseId: string, tranche: number): string {
    return `${purchaseId}\u0000${tranche}`;
  }
}

/** One entry per NGO and purchase; the first one stands. */
export class InMemoryTrackRecordRepository implements TrackRecordRepository {
  readonly records = new Map<string, TrackRecordEntry>();

  async addEvaluation(creditCode: string, entry: TrackRecordEntry): Promise<void> {
    const id = `${creditCode}\u0000${entry.purchaseId}`;
    if (!this.records.has(id)) this.records.set(id, copy(entry));
  }

  async listEvaluations(creditCode: string): Promise<TrackRecordEntry[]> {
    return [...this.records.entries()]
      .filter(([id]) => id.startsWith(`${creditCode}\u0000`))
      .map(([, entry]) => copy(entry))
      .sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt) || a.purchaseId.localeCompare(b.purchaseId));
  }
}

/** Keeps every message it was asked to send; `failNext` makes the next send fail like SES would. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures = times;
  }

  async send(message: MailMessage): Promise<{ messageId: string | undefined }> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Throttling: rate exceeded'), { name: 'TooManyRequestsException' });
    }
    this.sent.push(copy(message));
    return { messageId: `message-${this.sent.length}` };
  }
}

/** Records SendTaskSuccess calls; `closed` tokens behave like an execution that stopped waiting. */
export class RecordingCallbacks implements TaskCallbacks {
  readonly succeeded: { taskToken: string; output: unknown }[] = [];
  readonly closed = new Set<string>();
  failWith: Error | undefined;

  async succeed(taskToken: string, output: unknown): Promise<void> {
    if (this.failWith) throw this.failWith;
    if (this.closed.has(taskToken)) throw new TaskClosedError('the execution no longer waits for this task');
    this.succeeded.push({ taskToken, output: copy(output) });
  }
}

/** Records starts; a second start with the same execution name is refused quietly, as the adapter does. */
export class RecordingWorkflowStarter implements WorkflowStarter {
  readonly starts: Parameters<WorkflowStarter['start']>[0][] = [];
  readonly executions = new Set<string>();

  async start(input: Parameters<WorkflowStarter['start']>[0]): Promise<void> {
    this.starts.push(copy(input));
    this.executions.add(input.executionName ?? input.purchaseId);
  }

  /** Purchases the test says still have a running execution. */
  readonly running = new Set<string>();

  async isRunning(purchaseId: string): Promise<boolean> {
    return this.running.has(purchaseId);
  }
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private current: string) {}
  readonly now = (): string => this.current;
  set(instant: string): void {
    this.current = new Date(instant).toISOString();
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(Date.parse(this.current) + seconds * 1000).toISOString();
  }
}

/** A 48-byte link key, as the Secrets Manager secret would hold. */
export const TEST_LINK_KEY = Buffer.from('test-link-key-0123456789abcdefghijklmnopqrstuvwxyz', 'utf8');

export interface Fakes {
  purchases: InMemoryPurchaseRepository;
  budgets: InMemoryBudgetRepository;
  tasks: InMemoryTaskRepository;
  deliverables: InMemoryDeliverableRepository;
  waits: InMemoryWaitRepository;
  payments: InMemoryPaymentRepository;
  trackRecords: InMemoryTrackRecordRepository;
  mailer: RecordingMailer;
  callbacks: RecordingCallbacks;
  workflow: RecordingWorkflowStarter;
  clock: TestClock;
}

export function createFakes(now = '2026-03-02T08:00:00.000Z'): Fakes {
  const purchases = new InMemoryPurchaseRepository();
  const deliverables = new InMemoryDeliverableRepository(purchases);
  return {
    purchases,
    budgets: new InMemoryBudgetRepository(),
    tasks: new InMemoryTaskRepository(purchases),
    deliverables,
    waits: new InMemoryWaitRepository(deliverables),
    payments: new InMemoryPaymentRepository(purchases),
    trackRecords: new InMemoryTrackRecordRepository(),
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
