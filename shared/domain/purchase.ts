import type { Amendment } from './amendments.js';
import type { BilingualText } from './bilingual.js';
import type { FinalTrancheAward } from './evaluation.js';
import { canTransition, IllegalTransitionError, type Stage, StageConflictError } from './lifecycle.js';
import type { AppliedBenchmark } from './policy/salary-benchmark-rule.js';
import type { ApprovalLevel } from './policy-settings.js';
import type { Proposal } from './proposal.js';
import type { RevisionRecord } from './revision.js';
import type { RecordedDecision } from './tasks.js';
import { type WithdrawalRecord, WithdrawnPurchaseError } from './withdrawal.js';

/** The purchase as the system of record holds it: its stage, its proposal and what each stage recorded. */

export interface Outcome {
  /** WITHDRAWN: the officer took the proposal back before approval ended (stage REJECTED). */
  result: 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
  /** In English, `<Error>: <why>` when the workflow ended it (tools match on it). */
  reason: string;
  /** The reason as people read it, in Chinese and English (absent on outcomes recorded before it was kept). */
  reasonText?: BilingualText;
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
  /** The salary benchmark the workflow's policy check held the staff plan to (none without staff). */
  salaryBenchmark?: AppliedBenchmark;
  budget?: BudgetHold;
  /** Decisions of the tasks after approval, by the task's stepKey (`COUNTERSIGN`, `MIDTERM_REVIEW:1`, ...). */
  decisions: Record<string, RecordedDecision>;
  contract?: ContractRecord;
  midterm?: MidtermRecord;
  evaluation?: EvaluationRecord;
  termination?: TerminationRecord;
  /** The officer asked to withdraw the proposal (the workflow then ends it REJECTED, outcome WITHDRAWN). */
  withdrawal?: WithdrawalRecord;
  /** Each time an approver returned the proposal and the officer resubmitted it corrected, oldest first. */
  revisions?: RevisionRecord[];
  /** Each amendment of the signed contract requested, oldest first, whatever became of it (never deleted). */
  amendments?: Amendment[];
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
  /** What the grade made of the final tranche, decided once when the evaluation is concluded. */
  finalTranche?: FinalTrancheAward;
  /**
   * Agencies no longer asked for this purchase: one replaced on escalation after it did not
   * answer, and every one that declined or declared a conflict of interest.
   */
  excludedAgencies?: string[];
  /** The round (1, +1 for each agency that stepped aside) and the attempt the current agency was assigned at. */
  assignedIn?: { round: number; attempt: 'FIRST' | 'ESCALATION' };
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
  /** In English, `<Error>: <why>` (tools match on the error name). */
  reason: string;
  /** The reason as people read it, in Chinese and English (absent on terminations recorded before it was kept). */
  reasonText?: BilingualText;
  by: string;
  at: string;
}

/** Fields a use case may change on a purchase (the repository owns version and audit head). */
export type PurchasePatch = Partial<
  Pick<
    PurchaseRecord,
    | 'proposal'
    | 'revisions'
    | 'amendments'
    | 'approvalLevels'
    | 'approvals'
    | 'outcome'
    | 'salaryBenchmark'
    | 'budget'
    | 'decisions'
    | 'contract'
    | 'midterm'
    | 'evaluation'
    | 'termination'
    | 'withdrawal'
    | 'closedAt'
    | 'ngoInvitedAt'
    | 'failure'
  >
>;

/** Patchable fields, for adapters that copy a patch field by field. */
export const PURCHASE_PATCH_FIELDS = [
  'proposal',
  'revisions',
  'amendments',
  'approvalLevels',
  'approvals',
  'outcome',
  'salaryBenchmark',
  'budget',
  'decisions',
  'contract',
  'midterm',
  'evaluation',
  'termination',
  'withdrawal',
  'closedAt',
  'ngoInvitedAt',
  'failure',
] as const satisfies readonly (keyof PurchasePatch)[];

/**
 * Why a change cannot be written over the purchase as it is (undefined when it can): it expects
 * another stage (`from`), the stage move is not allowed, or the purchase was withdrawn and the move
 * is not its end. Repositories check it against the very record their conditional write replaces.
 */
export function changeMisfit(
  current: Pick<PurchaseRecord, 'purchaseId' | 'stage' | 'withdrawal'>,
  from?: Stage,
  to?: Stage,
): Error | undefined {
  if (from !== undefined && from !== current.stage)
    return new StageConflictError(current.purchaseId, from, current.stage);
  if (to === undefined) return undefined;
  if (!canTransition(current.stage, to)) return new IllegalTransitionError(current.stage, to);
  if (current.withdrawal && to !== 'REJECTED') return new WithdrawnPurchaseError(current.purchaseId, to);
  return undefined;
}
