import type { ApprovalLevel } from '../config/settings.js';
import type { Stage } from '../domain/lifecycle.js';
import type { Proposal } from '../domain/proposal.js';

/**
 * Ports of the system of record. Use cases depend on these interfaces only;
 * `dynamo/` implements them on one DynamoDB table (see table-design.ts).
 * Every method that changes state is a conditional write and is safe to call twice
 * with the same input (an `eventId` names the change; a repeat returns the stored result).
 */

/**
 * Every decision a human task can record. Which of them a task of a given purpose accepts is
 * the use case's rule (an approval takes APPROVE / REJECT, a countersignature COUNTERSIGN /
 * REFUSE, ...); the repository records whichever it is given.
 */
export const DECISIONS = [
  'APPROVE',
  'REJECT',
  'COUNTERSIGN',
  'REFUSE',
  'CONFIRM',
  'PASS',
  'RECTIFY',
  'TERMINATE',
  'EXTEND',
  'SUBMIT',
] as const;
export type Decision = (typeof DECISIONS)[number];

export interface RecordedDecision {
  decision: Decision;
  /** E-mail of the person the task was assigned to (the link is theirs). */
  by: string;
  byName: string;
  comment: string;
  at: string;
  taskId: string;
  /** What the decision carried beyond a comment: evaluation scores, a bank transaction reference. */
  data?: Record<string, unknown>;
}

export interface Outcome {
  result: 'APPROVED' | 'REJECTED';
  reason: string;
  by: string;
  at: string;
}

export interface BudgetHold {
  lineId: string;
  amountFen: number;
  status: 'RESERVED' | 'RELEASED';
  at: string;
}

export interface PurchaseRecord {
  purchaseId: string;
  /** Optimistic-lock version, +1 on every change. */
  version: number;
  stage: Stage;
  proposal: Proposal;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Levels the thresholds require, in order; set when the approval chain is planned. */
  approvalLevels: ApprovalLevel[];
  approvals: Partial<Record<ApprovalLevel, RecordedDecision>>;
  outcome?: Outcome;
  budget?: BudgetHold;
  /** Decisions of the tasks after approval, by the task's stepKey (`COUNTERSIGN`, `MIDTERM_REVIEW:1`, ...). */
  decisions: Record<string, RecordedDecision>;
  contract?: ContractRecord;
  midterm?: MidtermRecord;
  evaluation?: EvaluationRecord;
  termination?: TerminationRecord;
  /** When the purchase reached CLOSED. */
  closedAt?: string;
  /** When the NGO was first e-mailed its page link (so a retry does not invite twice). */
  ngoInvitedAt?: string;
  /** The last unexpected error that stopped the purchase's workflow (its stage is left as it was). */
  failure?: WorkflowFailureRecord;
  /** Sequence number and hash of the newest audit entry (the chain head). */
  auditSeq: number;
  auditHash: string;
}

/** The contract document issued for signature, and what became of it. */
export interface ContractRecord {
  /** Object key of the issued contract in the documents bucket. */
  key: string;
  /** Hex SHA-256 of the issued document. */
  sha256: string;
  issuedAt: string;
  /** The NGO's upload of the signed copy. */
  signedUploadId?: string;
  /** E-mail of the officer who countersigned. */
  countersignedBy?: string;
  signedAt?: string;
}

export interface MidtermRecord {
  /** 1 for the first report, +1 for every rectification round. */
  round: number;
  /** China date the report of this round is due, `YYYY-MM-DD`. */
  dueDate: string;
  late?: boolean;
  passedAt?: string;
}

export interface EvaluationRecord {
  agencyId: string;
  taskId?: string;
  /** Total score in tenths of a point (see domain/evaluation.ts). */
  total?: number;
  grade?: string;
  evaluatedAt?: string;
  /** Agencies found not independent of the bureau or the NGO. */
  excludedAgencies?: string[];
}

/** Which workflow step failed unexpectedly, with what error, and when (never a token or secret). */
export interface WorkflowFailureRecord {
  /** The state machine's state name, e.g. `Notify first payment`. */
  state: string;
  /** The error name Step Functions reported, e.g. `Lambda.Unknown` or `States.Timeout`. */
  error: string;
  at: string;
}

export interface TerminationRecord {
  reason: string;
  by: string;
  at: string;
}

/** Fields a use case may change on a purchase (the repository owns version and audit head). */
export type PurchasePatch = Partial<
  Pick<
    PurchaseRecord,
    | 'approvalLevels'
    | 'approvals'
    | 'outcome'
    | 'budget'
    | 'decisions'
    | 'contract'
    | 'midterm'
    | 'evaluation'
    | 'termination'
    | 'closedAt'
    | 'ngoInvitedAt'
    | 'failure'
  >
>;

/** Patchable fields, for adapters that copy a patch field by field. */
export const PURCHASE_PATCH_FIELDS = [
  'approvalLevels',
  'approvals',
  'outcome',
  'budget',
  'decisions',
  'contract',
  'midterm',
  'evaluation',
  'termination',
  'closedAt',
  'ngoInvitedAt',
  'failure',
] as const satisfies readonly (keyof PurchasePatch)[];

export interface AuditInput {
  /** Who: a staff subject, an assignee e-mail, or `system:<function>`. */
  actor: string;
  /** What, as a verb phrase id: `proposal.submitted`, `approval.decided`, ... */
  action: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends Required<AuditInput> {
  purchaseId: string;
  seq: number;
  at: string;
  /** Names the change; the same eventId is never appended twice. */
  eventId: string;
  prevHash: string;
  /** SHA-256 (hex) over the canonical JSON of every other field of this entry. */
  hash: string;
}

export type ChainVerification =
  | { valid: true; entries: number }
  | { valid: false; brokenAt: number; reason: string };

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
  getPurchase(purchaseId: string): Promise<PurchaseRecord | undefined>;
  /**
   * Applies `set` (and a stage move when `to` is given, which must be allowed from the
   * current stage and `from` must match it) plus one audit entry, atomically.
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
  }): Promise<PurchaseRecord>;
  listAudit(purchaseId: string): Promise<AuditEntry[]>;
  verifyAuditChain(purchaseId: string): Promise<ChainVerification>;
  /** Purchases at a non-final stage (for resuming executions after a restart or redeploy). */
  listOpenPurchases(): Promise<Pick<PurchaseRecord, 'purchaseId' | 'stage'>[]>;
}

export interface BudgetLineRecord {
  lineId: string;
  year: number;
  description: string;
  totalFen: number;
  availableFen: number;
}

export type ReserveResult =
  | { status: 'RESERVED'; availableFen: number }
  | { status: 'INSUFFICIENT'; availableFen: number }
  | { status: 'NO_SUCH_LINE' };

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

export type TaskAttempt = 'FIRST' | 'REMINDER' | 'ESCALATION';
export type TaskStatus = 'PENDING' | 'DECIDED' | 'SUPERSEDED' | 'EXPIRED';

export interface Assignee {
  name: string;
  email: string;
  /** The role the person acts in, e.g. `SECTION_CHIEF` or `DEPUTY`. */
  role: string;
}

/** What a human task asks of its assignee. */
export const TASK_PURPOSES = [
  'APPROVAL',
  'COUNTERSIGN',
  'PAYMENT_CONFIRMATION',
  'MIDTERM_REVIEW',
  'LATE_REPORT',
  'EVALUATION',
] as const;
export type TaskPurpose = (typeof TASK_PURPOSES)[number];

export interface HumanTask {
  /** Random, >= 128 bits, base64url; the only identifier that leaves the server. */
  taskId: string;
  purchaseId: string;
  /** What the task is for, e.g. `APPROVAL:SECTION_CHIEF`; one live task per purchase and step. */
  stepKey: string;
  purpose: TaskPurpose;
  /** Set for APPROVAL (the level deciding); other bureau tasks may carry it for their labels. */
  level?: ApprovalLevel;
  attempt: TaskAttempt;
  assignee: Assignee;
  /**
   * Step Functions task token: server-side only, never in a link, page, e-mail or log.
   * Absent when no execution waits on the decision (a payment confirmation).
   */
  taskToken?: string;
  /** Per-task secret embedded in the confirmation page; a POST without it changes nothing. */
  nonce: string;
  /** Small facts for the task's page (tranche, round, amount); never a secret. */
  context?: Record<string, string | number>;
  /** EVALUATION: when the evaluator declared independence (the file is shown only after it). */
  declaredAt?: string;
  createdAt: string;
  expiresAt: string;
  status: TaskStatus;
  decision?: RecordedDecision;
  /** When SendTaskSuccess for the decision went through. */
  deliveredAt?: string;
  /** Which e-mails went out for this task (FIRST, REMINDER), so a retry does not send twice. */
  mailsSent: TaskAttempt[];
}

/** What may be shown outside the server: no token, no nonce. */
export type PublicHumanTask = Omit<HumanTask, 'taskToken' | 'nonce'>;

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
  markDelivered(taskId: string, now: string): Promise<void>;
  /**
   * Closes every PENDING task of a purchase that has ended (EXPIRED), so its links answer
   * 410 instead of offering a decision nobody waits for. Returns the ids it closed.
   */
  expireOpenTasks(purchaseId: string, now: string): Promise<string[]>;
  /** Tasks of a purchase without their secrets, oldest first. */
  listTasks(purchaseId: string): Promise<PublicHumanTask[]>;
}
