import type { ApprovalLevel } from './policy-settings.js';
import type { UploadKind } from './uploads.js';

/**
 * A human task: one person asked to decide one step of a purchase from an e-mailed link
 * (approve, countersign, confirm a payment, review a report, evaluate), with its attempts
 * (first mail, reminder, escalation) and the decision it recorded.
 */

/**
 * Every decision a human task can record. Which of them a task of a given purpose accepts is
 * DECISIONS_BY_PURPOSE (an approval takes APPROVE / REJECT / RETURN, a countersignature
 * COUNTERSIGN / REFUSE, ...; a REVISION is decided REVISE by the officer's corrected proposal); the
 * repository records whichever it is given.
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
  'DECLINE',
  'CONFLICT',
  'RETURN',
  'REVISE',
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
  /** When `by` decided as a delegate: the approver they decided for ("X for Y"). */
  onBehalfOf?: OnBehalfOf;
}

/** The approver a delegate acts for while they are away (delegation.ts). */
export interface OnBehalfOf {
  name: string;
  email: string;
  role: string;
}

export type TaskAttempt = 'FIRST' | 'REMINDER' | 'ESCALATION';
export type TaskStatus = 'PENDING' | 'DECIDED' | 'SUPERSEDED' | 'EXPIRED';

export interface Assignee {
  name: string;
  email: string;
  /** The role the person acts in, e.g. `SECTION_CHIEF` or `DEPUTY`. */
  role: string;
  /** Set when the person is the delegate of an approver who is away: the approver they act for. */
  onBehalfOf?: OnBehalfOf;
}

/** What a human task asks of its assignee. */
export const TASK_PURPOSES = [
  'APPROVAL',
  'COUNTERSIGN',
  'PAYMENT_CONFIRMATION',
  'MIDTERM_REVIEW',
  'LATE_REPORT',
  'EVALUATION',
  // The officer corrects a proposal an approver returned: in the signed-in console, not from a link.
  'REVISION',
  // An amendment of the signed contract, approved level by level like a proposal (amendments.ts).
  'AMENDMENT_APPROVAL',
] as const;
export type TaskPurpose = (typeof TASK_PURPOSES)[number];

/** The decisions each purpose's page offers; a purpose not listed has no page here yet. */
export const DECISIONS_BY_PURPOSE = {
  // RETURN sends the proposal back to its officer for revision; the same level is asked again after.
  APPROVAL: ['APPROVE', 'REJECT', 'RETURN'],
  COUNTERSIGN: ['COUNTERSIGN', 'REFUSE'],
  PAYMENT_CONFIRMATION: ['CONFIRM'],
  MIDTERM_REVIEW: ['PASS', 'RECTIFY', 'TERMINATE'],
  LATE_REPORT: ['EXTEND', 'TERMINATE'],
  // An agency declines (before declaring independence) or declares a conflict: another is asked.
  EVALUATION: ['SUBMIT', 'DECLINE', 'CONFLICT'],
  AMENDMENT_APPROVAL: ['APPROVE', 'REJECT'],
} as const satisfies Partial<Record<TaskPurpose, readonly Decision[]>>;

/** Purposes an approval level decides: its approver is chosen under separation of duties. */
export function isApproverPurpose(purpose: TaskPurpose): purpose is 'APPROVAL' | 'AMENDMENT_APPROVAL' {
  return purpose === 'APPROVAL' || purpose === 'AMENDMENT_APPROVAL';
}

/** A purpose whose task is decided from its e-mailed link. */
export type LinkPurpose = keyof typeof DECISIONS_BY_PURPOSE;

export function isLinkPurpose(purpose: TaskPurpose): purpose is LinkPurpose {
  return Object.hasOwn(DECISIONS_BY_PURPOSE, purpose);
}

/** Decisions that mean nothing without a reason: the officer or the NGO must be told why. */
export const REASONED_DECISIONS = [
  'REJECT',
  'REFUSE',
  'RECTIFY',
  'TERMINATE',
  'DECLINE',
  'CONFLICT',
  'RETURN',
] as const satisfies readonly Decision[];
export type ReasonedDecision = (typeof REASONED_DECISIONS)[number];

export function needsReason(decision: Decision): decision is ReasonedDecision {
  return (REASONED_DECISIONS as readonly Decision[]).includes(decision);
}

/** The uploads each review task is about; its page links the newest accepted one of each kind. */
export const REVIEWED_UPLOAD_KINDS = {
  COUNTERSIGN: ['SIGNED_CONTRACT'],
  MIDTERM_REVIEW: ['MIDTERM_REPORT'],
  // The agency's own written report too: the scores are recorded with the report they came with.
  EVALUATION: ['FINAL_REPORT', 'MIDTERM_REPORT', 'EVALUATION_REPORT'],
} as const satisfies Partial<Record<TaskPurpose, readonly UploadKind[]>>;

/** EVALUATION: the scores and comment the agency saved before submitting (as typed; the submit is the decision). */
export interface EvaluationDraft {
  /** By criterion, as typed (a criterion left blank is absent). */
  scores: Record<string, string>;
  comment: string;
  savedAt: string;
}

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
  /** EVALUATION: the newest draft of the scores, shown again when the page is reopened. */
  draft?: EvaluationDraft;
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

/** Whether a task's step key is `step` or a step under it (`PAYMENT:2` holds `PAYMENT:2:3`). */
export function isOfStep(stepKey: string, step: string): boolean {
  return stepKey === step || stepKey.startsWith(`${step}:`);
}
