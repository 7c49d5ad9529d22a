import type { ApprovalLevel } from './policy-settings.js';

/**
 * A human task: one person asked to decide one step of a purchase from an e-mailed link
 * (approve, countersign, confirm a payment, review a report, evaluate), with its attempts
 * (first mail, reminder, escalation) and the decision it recorded.
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
