import type { FieldError } from './errors.js';
import { fieldError } from './field-errors.js';
import type { TrancheMilestone } from './proposal.js';

/**
 * The payment step of each tranche, as the system of record holds it. NOTIFIED is the only open
 * status: finance was told to pay and has not confirmed it all. Every other status settles the
 * tranche: paid (CONFIRMED), given up by the finance section head with a reason (WAIVED), withheld
 * by the evaluation's grade, or cancelled by termination. A purchase closes only once every
 * tranche is settled.
 */

export type PaymentStatus = 'NOTIFIED' | 'CONFIRMED' | 'WAIVED' | 'WITHHELD' | 'CANCELLED';

/** The payment step of one tranche: finance is notified, and confirms when the money went out. */
export interface PaymentRecord {
  purchaseId: string;
  /** 1-based, in milestone order. */
  tranche: number;
  milestone: TrancheMilestone;
  /** What finance is told to pay: the planned tranche, or what the grade left of it (`reduction`). */
  amountFen: number;
  /** The final tranche the evaluation's grade reduced: the plan, and the share of it that is paid. */
  reduction?: TrancheReduction;
  /**
   * China date, 30 days (configurable) after acceptance of the milestone. Absent only on a
   * tranche withheld or cancelled before finance was ever notified of it.
   */
  dueDate?: string;
  status: PaymentStatus;
  /** When finance was notified; absent like `dueDate`. */
  notifiedAt?: string;
  /** The human task whose link finance uses to confirm. */
  confirmTaskId?: string;
  confirmedAt?: string;
  confirmedBy?: string;
  /** The bank transaction reference finance entered. */
  reference?: string;
  /** Why a tranche was waived, withheld or cancelled. */
  reason?: string;
  /** When it was waived, withheld or cancelled. */
  closedAt?: string;
  /** Who waived it (the workflow withholds and cancels). */
  waivedBy?: string;
  /** When finance was reminded of it, unconfirmed past its due date (payment-reminders.ts). */
  remindedAt?: string;
  /** When it was escalated to the head of the finance section and the bureau director. */
  escalatedAt?: string;
}

/** Why a tranche pays less than planned: the grade of the third-party evaluation and its share. */
export interface TrancheReduction {
  plannedFen: number;
  sharePercent: number;
  grade: string;
}

/** What opening a payment step takes: the notified facts are all known then. */
export type PaymentNotice = Omit<PaymentRecord, 'status' | 'dueDate' | 'notifiedAt' | 'closedAt'> & {
  dueDate: string;
  notifiedAt: string;
};

/** Whether a tranche finance was told to pay is past its due day (China calendar) on `today` (YYYY-MM-DD). */
export function isOverdue(payment: Pick<PaymentRecord, 'status' | 'dueDate'>, today: string): boolean {
  return payment.status === 'NOTIFIED' && payment.dueDate !== undefined && payment.dueDate < today;
}

/** Whether nothing more is owed on the tranche: it is paid, waived, withheld or cancelled. */
export function isSettled(payment: Pick<PaymentRecord, 'status'>): boolean {
  return payment.status !== 'NOTIFIED';
}

/** The tranches finance was told to pay that are neither paid nor waived: what keeps a purchase open. */
export function outstandingTranches<P extends Pick<PaymentRecord, 'status'>>(payments: readonly P[]): P[] {
  return payments.filter((p) => !isSettled(p));
}

/** What went out to the NGO for the tranche, in fen. */
export function paidFen(payment: Pick<PaymentRecord, 'status' | 'amountFen'>): number {
  return payment.status === 'CONFIRMED' ? payment.amountFen : 0;
}

/** A tranche is waived, or a payment record corrected, only with a reason the audit trail keeps. */
export const PAYMENT_REASON_MAX_CHARS = 500;

/** The reason as it will be recorded, or the field error that says what is wrong with it. */
export function checkWaiverReason(raw: string): { reason: string } | { error: FieldError } {
  const reason = raw.trim();
  const allowed = `1 to ${PAYMENT_REASON_MAX_CHARS} characters`;
  if (reason.length === 0) {
    const message =
      'waiving a tranche needs a reason: the NGO is owed it, and the audit trail says why it is not paid';
    return { error: fieldError('waiver-reason-required', 'reason', raw, message, allowed) };
  }
  if (reason.length > PAYMENT_REASON_MAX_CHARS) {
    const message = `the reason is ${reason.length} characters long; at most ${PAYMENT_REASON_MAX_CHARS} are kept`;
    return { error: fieldError('waiver-reason-too-long', 'reason', raw, message, allowed) };
  }
  return { reason };
}
