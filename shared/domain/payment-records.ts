import type { TrancheMilestone } from './proposal.js';

/** The payment step of each tranche, as the system of record holds it. */

export type PaymentStatus = 'NOTIFIED' | 'CONFIRMED' | 'WITHHELD' | 'CANCELLED';

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
  /** Why a tranche was withheld or cancelled. */
  reason?: string;
  /** When it was withheld or cancelled. */
  closedAt?: string;
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
