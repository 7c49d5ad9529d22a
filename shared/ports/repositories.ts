import type { AuditEntry, AuditInput, ChainVerification } from '../domain/audit.js';
import type { AdjustResult, BudgetLineRecord, ReserveResult } from '../domain/budget.js';
import type { Delegation } from '../domain/delegation.js';
import type { DeliverableRecord, UploadWait } from '../domain/deliverables.js';
import type { Stage } from '../domain/lifecycle.js';
import type { PaymentNotice, PaymentRecord } from '../domain/payment-records.js';
import type { PaymentChase } from '../domain/payment-reminders.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import type { Proposal, TrancheMilestone } from '../domain/proposal.js';
import type { PurchasePatch, PurchaseRecord } from '../domain/purchase.js';
import type { PurchaseListPage, PurchaseListQuery } from '../domain/purchase-listing.js';
import type {
  ReferenceData,
  ReferenceSection,
  StoredReferenceData,
  StoredSection,
} from '../domain/reference-data.js';
import type {
  Assignee,
  Decision,
  EvaluationDraft,
  HumanTask,
  PublicHumanTask,
  TaskAttempt,
  TaskPurpose,
} from '../domain/tasks.js';
import type { TrackRecordEntry } from '../domain/track-record.js';
import type { UploadCountOutcome, UploadMeasure } from '../domain/upload-limits.js';
import type { UploadKind } from '../domain/uploads.js';

/**
 * Ports of the system of record. Use cases depend on these interfaces only;
 * `adapters/dynamodb/` implements them on one DynamoDB table (see its table-design.ts).
 * Every method that changes state is a conditional write and is safe to call twice
 * with the same input (an `eventId` names the change; a repeat returns the stored result).
 */

export interface PurchaseRepository {
  /**
   * Writes a new purchase at PROPOSAL with its first audit entry. With an idempotency key,
   * a repeat by the same creator returns the purchase created the first time (`created: false`).
   */
  createPurchase(input: {
    purchaseId: string;
    proposal: Proposal;
    createdBy: string;
    idempotencyKey?: string;
    now: string;
  }): Promise<{ purchase: PurchaseRecord; created: boolean }>;
  /** The purchase a creator's idempotency key created, if it created one. */
  findByIdempotencyKey(createdBy: string, idempotencyKey: string): Promise<PurchaseRecord | undefined>;
  getPurchase(purchaseId: string): Promise<PurchaseRecord | undefined>;
  /**
   * Applies `set` (and a stage move when `to` is given, which must be allowed from the
   * current stage and `from` must match it) plus one audit entry, atomically; with `reservation`,
   * the purchase's reservation on that budget line moves to `amountFen` in the same transaction
   * (more is taken only while the line has it: BudgetLineShortError, and nothing written, when not).
   * A repeat with the same eventId changes nothing and returns the current record.
   * Throws IllegalTransitionError / StageConflictError when the stage does not fit.
   */
  change(input: {
    purchaseId: string;
    from?: Stage;
    to?: Stage;
    set?: PurchasePatch;
    audit: AuditInput;
    eventId: string;
    now: string;
    reservation?: { lineId: string; amountFen: number };
  }): Promise<PurchaseRecord>;
  listAudit(purchaseId: string): Promise<AuditEntry[]>;
  verifyAuditChain(purchaseId: string): Promise<ChainVerification>;
  /**
   * The purchase with its audit log and the log's verification against the purchase's chain head,
   * in one read of each (undefined when there is no such purchase).
   */
  auditTrail(purchaseId: string): Promise<AuditTrail | undefined>;
  /** Purchases at a non-final stage (for resuming executions after a restart or redeploy). */
  listOpenPurchases(): Promise<Pick<PurchaseRecord, 'purchaseId' | 'stage'>[]>;
  /**
   * One page of the purchases of a budget year that pass the query's filters, in its order, after
   * `query.after`; with the count per stage of those passing every filter but the stage. A task
   * assigned to someone (TaskRepository.openTask) makes the purchase theirs for `assignedTo`.
   */
  listPurchases(query: PurchaseListQuery): Promise<PurchaseListPage>;
}

/** A purchase, its audit log and the log's verification against the purchase's chain head. */
export interface AuditTrail {
  readonly purchase: PurchaseRecord;
  readonly entries: AuditEntry[];
  readonly chain: ChainVerification;
}

export interface BudgetRepository {
  /** Creates the line if it does not exist yet (seeding is idempotent). */
  ensureBudgetLine(line: Omit<BudgetLineRecord, 'availableFen'>): Promise<void>;
  getBudgetLine(lineId: string): Promise<BudgetLineRecord | undefined>;
  /**
   * Reserves `amountFen` for the purchase, only if that much is still available.
   * Two purchases racing for the last money cannot both win. A repeat for the same
   * purchase returns RESERVED without counting twice.
   */
  reserve(input: {
    lineId: string;
    purchaseId: string;
    amountFen: number;
    now: string;
  }): Promise<ReserveResult>;
  /**
   * Moves the purchase's reservation on the line to `amountFen` (a revised proposal) in one
   * conditional write of the line: more is taken only if the line has that much left, less gives
   * the difference back. A repeat with the same amount answers ADJUSTED and changes nothing.
   */
  adjustReservation(input: {
    lineId: string;
    purchaseId: string;
    amountFen: number;
    now: string;
  }): Promise<AdjustResult>;
  /**
   * Gives the purchase's reservation back to the line, less `keepFen` (tranches already paid
   * out when a purchase is terminated); a repeat is a no-op.
   */
  release(input: {
    lineId: string;
    purchaseId: string;
    keepFen?: number;
    now: string;
  }): Promise<{ status: 'RELEASED' | 'NOT_RESERVED' }>;
}

export type DecideResult =
  | { outcome: 'DECIDED'; task: HumanTask }
  | { outcome: 'ALREADY_DECIDED'; task: HumanTask }
  | { outcome: 'NOT_PENDING'; task: HumanTask }
  | { outcome: 'EXPIRED'; task: HumanTask }
  | { outcome: 'BAD_NONCE' }
  | { outcome: 'NOT_FOUND' };

export type DeclareResult =
  | { outcome: 'DECLARED'; task: HumanTask }
  /** Declared before (a second click, a second tab): nothing changes. */
  | { outcome: 'ALREADY_DECLARED'; task: HumanTask }
  /** Not an EVALUATION task: there is nothing to declare. */
  | { outcome: 'NOT_EVALUATION'; task: HumanTask }
  | { outcome: 'ALREADY_DECIDED'; task: HumanTask }
  | { outcome: 'NOT_PENDING'; task: HumanTask }
  | { outcome: 'EXPIRED'; task: HumanTask }
  | { outcome: 'BAD_NONCE' }
  | { outcome: 'NOT_FOUND' };

export type DraftResult =
  | { outcome: 'SAVED'; task: HumanTask }
  /** The agency has not declared independence: it has seen nothing to score yet. */
  | { outcome: 'NOT_DECLARED'; task: HumanTask }
  | { outcome: 'NOT_EVALUATION'; task: HumanTask }
  | { outcome: 'ALREADY_DECIDED'; task: HumanTask }
  | { outcome: 'NOT_PENDING'; task: HumanTask }
  | { outcome: 'EXPIRED'; task: HumanTask }
  | { outcome: 'BAD_NONCE' }
  | { outcome: 'NOT_FOUND' };

export type ReissueResult =
  | { outcome: 'REISSUED'; task: HumanTask; previous: HumanTask }
  | { outcome: 'NOT_PENDING'; task: HumanTask }
  | { outcome: 'UNKNOWN' };

export interface TaskRepository {
  /**
   * Opens the task of a step or, when the step already has one, returns it with the new
   * task token and expiry (a Step Functions retry, a reminder, or a resumed execution).
   * ESCALATION marks the step's earlier task SUPERSEDED and opens a new one for the deputy.
   */
  openTask(input: {
    purchaseId: string;
    stepKey: string;
    /** @default 'APPROVAL' */
    purpose?: TaskPurpose;
    /** Required for APPROVAL (InvalidTaskError without it). */
    level?: ApprovalLevel;
    attempt: TaskAttempt;
    assignee: Assignee;
    /** Omitted when no execution waits on the decision; a renewal without one keeps the stored token. */
    taskToken?: string;
    /** Written when the task is created; a renewal keeps the first context. */
    context?: Record<string, string | number>;
    expiresAt: string;
    now: string;
  }): Promise<{ task: HumanTask; created: boolean }>;
  getTask(taskId: string): Promise<HumanTask | undefined>;
  /**
   * A new link for a pending task whose mail was lost: a new task (new id and nonce, no mail sent
   * yet) takes the step's place with everything else of the old one (assignee, task token,
   * context, declaration, expiry), and the old one is SUPERSEDED, so its link stops working. In
   * one transaction, only while the old one is PENDING and still the step's task.
   */
  reissueTask(input: { taskId: string; now: string }): Promise<ReissueResult>;
  /** Records that one kind of e-mail for the task was sent; true only for the first to record it. */
  recordMailSent(taskId: string, kind: TaskAttempt): Promise<boolean>;
  /**
   * Records the decision (first one wins) on the task, on the purchase (`approvals[level]`
   * for an APPROVAL task, `decisions[stepKey]` for every other purpose) and as an audit
   * entry (`approval.decided`, or `task.decided` with the purpose), in one transaction
   * conditional on the task being PENDING, unexpired and the nonce matching.
   */
  decide(input: {
    taskId: string;
    nonce: string;
    decision: Decision;
    comment: string;
    data?: Record<string, unknown>;
    now: string;
  }): Promise<DecideResult>;
  /**
   * The evaluator declares independence: sets `declaredAt` on a PENDING, unexpired
   * EVALUATION task whose nonce matches, with the audit entry
   * `evaluation.independence-declared` in the same transaction. The first declaration wins.
   */
  declareIndependence(input: { taskId: string; nonce: string; now: string }): Promise<DeclareResult>;
  /**
   * The evaluator saves a draft of its scores: replaces `draft` on a PENDING, unexpired EVALUATION
   * task that has declared independence and whose nonce matches, with the audit entry
   * `evaluation.draft-saved` (holding the draft, so no earlier draft is lost) in the same transaction.
   */
  saveDraft(input: {
    taskId: string;
    nonce: string;
    draft: Omit<EvaluationDraft, 'savedAt'>;
    now: string;
  }): Promise<DraftResult>;
  markDelivered(taskId: string, now: string): Promise<void>;
  /**
   * Closes every PENDING task of a purchase that has ended (EXPIRED), so its links answer
   * 410 instead of offering a decision nobody waits for; with `step`, only the tasks of that step
   * (its step key, or one under it: `PAYMENT:2` and `PAYMENT:2:3`). Returns the ids it closed.
   */
  expireOpenTasks(purchaseId: string, now: string, only?: { step: string }): Promise<string[]>;
  /** Tasks of a purchase without their secrets, oldest first. */
  listTasks(purchaseId: string): Promise<PublicHumanTask[]>;
}

export interface DeliverableRepository {
  /**
   * Records an upload once, keyed by its uploadId, with its audit entry
   * (`deliverable.accepted` / `deliverable.rejected`) in the same transaction. The same
   * event delivered twice returns the first record with `created: false`.
   */
  recordDeliverable(
    record: DeliverableRecord,
    now: string,
  ): Promise<{ deliverable: DeliverableRecord; created: boolean }>;
  /** Oldest first. */
  listDeliverables(purchaseId: string): Promise<DeliverableRecord[]>;
}

/** What was counted of one measure of one kind on one day. */
export interface UploadCount {
  kind: UploadKind;
  measure: UploadMeasure;
  count: number;
}

/**
 * The NGO's daily upload allowance (upload-limits.ts): grants handed out and objects landed, per
 * purchase, kind and China day. Tallies, not records: they expire a few days after their day.
 */
export interface UploadCountRepository {
  /**
   * Counts `id` (a grant's upload id, an object's version) as one more `measure` of the purchase's
   * `kind` on `day`, only while fewer than `limit` are counted: one conditional write, so callers
   * racing for the last place cannot both have it. An id counted before is ALREADY_COUNTED and
   * not counted again (a redelivered event), even once the limit is reached. `count` is the
   * day's count after the call.
   */
  countUpload(input: {
    purchaseId: string;
    kind: UploadKind;
    measure: UploadMeasure;
    day: string;
    id: string;
    limit: number;
  }): Promise<{ outcome: UploadCountOutcome; count: number }>;
  /** Everything counted for the purchase on `day` (a measure of a kind nothing was counted for is absent). */
  uploadCounts(purchaseId: string, day: string): Promise<UploadCount[]>;
}

export interface WaitRepository {
  /**
   * Registers the step waiting for `kind`, or re-arms it with a new token (a retry, a
   * reminder, a resumed execution); a SATISFIED wait with the same `since` is returned as it is.
   * A `since` later than the stored one starts a new round: WAITING again, its upload cleared.
   * An earlier `since` (a late retry of an old round) re-arms the token and keeps the newer round.
   */
  armWait(input: {
    purchaseId: string;
    kind: UploadKind;
    taskToken: string;
    since: string;
    now: string;
  }): Promise<UploadWait>;
  getWait(purchaseId: string, kind: UploadKind): Promise<UploadWait | undefined>;
  /**
   * Marks the wait satisfied by an upload, only while it is WAITING with that token and the
   * upload is a recorded, ACCEPTED deliverable of the wait's kind made at or after `since`
   * (record it first); true for the one caller that did it (so exactly one SendTaskSuccess follows).
   */
  satisfyWait(input: {
    purchaseId: string;
    kind: UploadKind;
    taskToken: string;
    uploadId: string;
    now: string;
  }): Promise<boolean>;
}

export interface PaymentRepository {
  /** Opens the payment step of a tranche once (audit `payment.notified`); a repeat returns the first. */
  openPayment(record: PaymentNotice, now: string): Promise<{ payment: PaymentRecord; created: boolean }>;
  /**
   * Records one transfer on a NOTIFIED tranche: `amountFen` of it (all that is outstanding when not
   * given). The transfer that completes it makes it CONFIRMED (audit `payment.confirmed`); a part
   * leaves it NOTIFIED with what is paid so far and, when given, the confirmation task for the rest
   * (audit `payment.part-paid`). One transfer per `taskId`: a repeat is ALREADY_RECORDED. More than
   * is outstanding is refused (MORE_THAN_DUE), as is a tranche not due (NOT_PAYABLE).
   */
  confirmPayment(input: {
    purchaseId: string;
    tranche: number;
    by: string;
    reference: string;
    amountFen?: number;
    taskId?: string;
    nextConfirmTaskId?: string;
    now: string;
  }): Promise<{ outcome: ConfirmOutcome; payment?: PaymentRecord }>;
  /**
   * Withholds (failed evaluation) or cancels (termination) a tranche that was not paid, with
   * its audit entry (`payment.withheld` / `payment.cancelled`); creates the step when finance
   * was never notified. A CONFIRMED payment, or one already closed, is returned unchanged.
   */
  closePayment(input: {
    purchaseId: string;
    tranche: number;
    milestone: TrancheMilestone;
    amountFen: number;
    status: 'WITHHELD' | 'CANCELLED';
    reason: string;
    now: string;
  }): Promise<PaymentRecord>;
  /**
   * The finance section head (or an administrator) gives up what is still due on a NOTIFIED
   * tranche, with a reason (audit `payment.waived`). A repeat finds it WAIVED; any other status
   * cannot be waived (NOT_WAIVABLE, unchanged).
   */
  waivePayment(input: {
    purchaseId: string;
    tranche: number;
    by: string;
    reason: string;
    now: string;
  }): Promise<{ outcome: 'WAIVED' | 'ALREADY_WAIVED' | 'NOT_WAIVABLE'; payment?: PaymentRecord }>;
  /**
   * Marks that finance was reminded of an unconfirmed tranche, or that it was escalated
   * (`remindedAt` / `escalatedAt`, audit `payment.reminded` / `payment.escalated`), once: a repeat
   * keeps the first mark and returns the step as it is.
   */
  recordChase(input: {
    purchaseId: string;
    tranche: number;
    chase: PaymentChase;
    now: string;
  }): Promise<PaymentRecord>;
  /**
   * Corrects the bank reference of one transfer (`seq`) of a tranche, with a reason: the reference
   * confirmed is kept and the correction appended to the transfer (and the record's `reference`
   * follows when it is the transfer that completed the tranche), audit `payment.reference-corrected`.
   * The reference it already goes by is UNCHANGED; a transfer the tranche has not is NO_SUCH_TRANSFER.
   */
  correctTransfer(input: {
    purchaseId: string;
    tranche: number;
    seq: number;
    reference: string;
    reason: string;
    by: string;
    now: string;
  }): Promise<{ outcome: 'CORRECTED' | 'UNCHANGED' | 'NO_SUCH_TRANSFER'; payment?: PaymentRecord }>;
  /** By tranche. */
  listPayments(purchaseId: string): Promise<PaymentRecord[]>;
  /**
   * The closing step waits for every tranche to be settled: its task token, kept server-side like a
   * human task's, replacing any earlier one (a retry, the next recheck, a resumed execution).
   */
  armSettlementWait(input: { purchaseId: string; taskToken: string; now: string }): Promise<void>;
  getSettlementWait(purchaseId: string): Promise<SettlementWait | undefined>;
}

export type ConfirmOutcome =
  | 'CONFIRMED'
  | 'PART_PAID'
  | 'ALREADY_CONFIRMED'
  | 'ALREADY_RECORDED'
  | 'MORE_THAN_DUE'
  | 'NOT_PAYABLE';

/** The closing step's wait for every due tranche to be paid or waived. */
export interface SettlementWait {
  purchaseId: string;
  taskToken: string;
  armedAt: string;
}

export interface TrackRecordRepository {
  /** Adds the evaluation of one purchase to the NGO's record; a repeat for the same purchase changes nothing. */
  addEvaluation(creditCode: string, entry: TrackRecordEntry): Promise<void>;
  listEvaluations(creditCode: string): Promise<TrackRecordEntry[]>;
}

/** A change of one reference section, as the administrator saved it. */
export interface ReferenceChange<K extends ReferenceSection = ReferenceSection> {
  section: K;
  value: ReferenceData[K];
  /** The version the administrator edited: the change is refused (STALE) if it is no longer current. */
  expectedVersion: number;
  by: string;
  /** What changed, in a sentence, for the list of changes. */
  summary: string;
  /**
   * Budget lines whose total changed, with the total the edit read: an existing line's total and
   * what is left move by the difference, in the same transaction, never below what is reserved.
   */
  budgetTotals?: { lineId: string; fromFen: number; toFen: number }[];
  now: string;
}

export interface ReferenceDataRepository {
  /** Every section that is stored (a section never seeded is absent). */
  read(): Promise<Partial<StoredReferenceData>>;
  /** Writes each given section that is not stored yet (version 1, by SEED_ACTOR); returns those it wrote. */
  seed(data: ReferenceData, now: string): Promise<ReferenceSection[]>;
  /**
   * Replaces a section and appends `reference.changed` to the reference data's audit trail, in one
   * transaction; STALE when the section's version is not `expectedVersion` or a budget line moved meanwhile.
   */
  change<K extends ReferenceSection>(
    input: ReferenceChange<K>,
  ): Promise<{ outcome: 'CHANGED'; section: StoredSection<K> } | { outcome: 'STALE' }>;
  /** The reference data's audit trail, oldest first, with its verification against the chain head. */
  changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }>;
}

/**
 * The approvers' delegations (out-of-office), on an audit trail of their own. Nothing is deleted:
 * ending one early sets `endedAt`. The trail's length is the version a new one is added against.
 */
export interface DelegationRepository {
  /** Every delegation recorded, oldest first, and the version they were read at. */
  list(): Promise<{ delegations: Delegation[]; version: number }>;
  /**
   * Records a new delegation and appends `delegation.named` to the trail, in one transaction;
   * STALE when a delegation was named or ended since `expectedVersion` (the rules were checked
   * against what was read then) or one with its id exists.
   */
  add(input: {
    delegation: Delegation;
    expectedVersion: number;
    now: string;
  }): Promise<{ outcome: 'ADDED'; version: number } | { outcome: 'STALE' }>;
  /**
   * Ends a standing delegation now (`endedAt`, `endedBy`) with `delegation.ended` on the trail;
   * one ended before is answered ALREADY_ENDED and left as it is.
   */
  end(input: {
    id: string;
    by: string;
    now: string;
  }): Promise<{ outcome: 'ENDED' | 'ALREADY_ENDED'; delegation: Delegation } | { outcome: 'NOT_FOUND' }>;
  /** The delegations' audit trail, oldest first, with its verification against the chain head. */
  changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }>;
}

/** Every repository, as the functions are given them. */
export interface Repositories {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
  deliverables: DeliverableRepository;
  uploadCounts: UploadCountRepository;
  waits: WaitRepository;
  payments: PaymentRepository;
  trackRecords: TrackRecordRepository;
  referenceData: ReferenceDataRepository;
  delegations: DelegationRepository;
}
