import type { AuditInput } from './audit.js';
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
  /** The bank transaction reference finance entered (of the transfer that completed the tranche). */
  reference?: string;
  /** What has been paid so far, in fen: the transfers' sum. Absent before the first transfer. */
  paidFen?: number;
  /** Each transfer finance confirmed, oldest first: a tranche may be paid in parts. */
  transfers?: PaymentTransfer[];
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

/** One transfer finance confirmed on a tranche: all of it, or a part. */
export interface PaymentTransfer {
  /** 1, 2, ... in the order they were confirmed. */
  seq: number;
  amountFen: number;
  /** The bank transaction reference, as confirmed. */
  reference: string;
  by: string;
  at: string;
  /** The confirmation task it was confirmed from (one transfer per task). */
  taskId?: string;
  /** Corrections of its bank reference, oldest first; `reference` above stays as it was confirmed. */
  corrections?: ReferenceCorrection[];
}

/** A mistyped bank reference put right by finance: the reference it should have been, and why. */
export interface ReferenceCorrection {
  reference: string;
  reason: string;
  by: string;
  at: string;
}

/** The reference a transfer goes by: its newest correction's, else the one confirmed. */
export function currentReference(transfer: Pick<PaymentTransfer, 'reference' | 'corrections'>): string {
  return transfer.corrections?.at(-1)?.reference ?? transfer.reference;
}

/**
 * A payment step's transfers; a tranche confirmed before transfers were kept reads as the one
 * transfer it was (all of it, with its reference, by whom and when).
 */
export function transfersOf(payment: PaymentRecord): PaymentTransfer[] {
  if (payment.transfers) return payment.transfers;
  if (payment.status !== 'CONFIRMED' || payment.reference === undefined) return [];
  return [
    {
      seq: 1,
      amountFen: payment.amountFen,
      reference: payment.reference,
      by: payment.confirmedBy ?? '',
      at: payment.confirmedAt ?? '',
    },
  ];
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

/**
 * What went out to the NGO for the tranche, in fen: the transfers' sum (a tranche confirmed before
 * transfers were kept counts its whole amount).
 */
export function paidFen(payment: Pick<PaymentRecord, 'status' | 'amountFen' | 'paidFen'>): number {
  return payment.paidFen ?? (payment.status === 'CONFIRMED' ? payment.amountFen : 0);
}

/** What is still to be paid on a tranche that is due; nothing on a settled one. */
export function outstandingFen(payment: Pick<PaymentRecord, 'status' | 'amountFen' | 'paidFen'>): number {
  return payment.status === 'NOTIFIED' ? payment.amountFen - paidFen(payment) : 0;
}

/** A tranche is waived, or a payment record corrected, only with a reason the audit trail keeps. */
export const PAYMENT_REASON_MAX_CHARS = 500;

const WHY_A_REASON = {
  waiver: 'waiving a tranche needs a reason: the NGO is owed it, and the audit trail says why it is not paid',
  correction: 'correcting a payment record needs a reason: the audit trail says why the record changed',
} as const;

/** The reason of a waiver or a correction as it will be recorded, or the field error that says what is wrong with it. */
export function checkPaymentReason(
  raw: string,
  act: keyof typeof WHY_A_REASON,
): { reason: string } | { error: FieldError } {
  const reason = raw.trim();
  const allowed = `1 to ${PAYMENT_REASON_MAX_CHARS} characters`;
  if (reason.length === 0)
    return { error: fieldError(`${act}-reason-required`, 'reason', raw, WHY_A_REASON[act], allowed) };
  if (reason.length > PAYMENT_REASON_MAX_CHARS) {
    const message = `the reason is ${reason.length} characters long; at most ${PAYMENT_REASON_MAX_CHARS} are kept`;
    return { error: fieldError(`${act}-reason-too-long`, 'reason', raw, message, allowed) };
  }
  return { reason };
}

/** What a correction of a transfer's reference does: refused, unchanged, or the transfers as they become. */
export type CorrectionOutcome =
  | { outcome: 'NO_SUCH_TRANSFER' | 'UNCHANGED' }
  | {
      outcome: 'CORRECTED';
      /** The transfers with the correction appended to the one corrected. */
      transfers: PaymentTransfer[];
      /** How many corrections the transfer had before (the write is conditional on it). */
      before: number;
      /** The record's `reference`, when the transfer corrected is the one that completed the tranche. */
      reference?: string;
      audit: AuditInput & { eventId: string };
    };

/**
 * Puts a transfer's bank reference right: the reference confirmed is kept, the correction appended
 * with who, when and why. The same reference again changes nothing (a repeated request).
 */
export function planCorrection(
  payment: PaymentRecord | undefined,
  request: { seq: number; reference: string; reason: string; by: string; now: string },
): CorrectionOutcome {
  const transfers = payment ? transfersOf(payment) : [];
  const index = transfers.findIndex((t) => t.seq === request.seq);
  const transfer = transfers[index];
  if (!payment || !transfer) return { outcome: 'NO_SUCH_TRANSFER' };
  const from = currentReference(transfer);
  if (from === request.reference) return { outcome: 'UNCHANGED' };
  const before = transfer.corrections?.length ?? 0;
  const correction: ReferenceCorrection = {
    reference: request.reference,
    reason: request.reason,
    by: request.by,
    at: request.now,
  };
  const corrected = transfers.map((t, i) =>
    i === index ? { ...t, corrections: [...(t.corrections ?? []), correction] } : t,
  );
  const completing = payment.status === 'CONFIRMED' && index === transfers.length - 1;
  return {
    outcome: 'CORRECTED',
    transfers: corrected,
    before,
    ...(completing ? { reference: request.reference } : {}),
    audit: {
      actor: request.by,
      action: 'payment.reference-corrected',
      detail: {
        tranche: payment.tranche,
        seq: request.seq,
        from,
        to: request.reference,
        reason: request.reason,
      },
      eventId: `payment:${payment.tranche}:transfer:${request.seq}:correction:${before + 1}`,
    },
  };
}

/** A transfer finance confirms on a tranche (TransferRequest), as both repositories record it. */
export interface TransferRequest {
  by: string;
  reference: string;
  /** All that is outstanding when not given. */
  amountFen?: number;
  taskId?: string;
  /** The confirmation task for what is left after a part. */
  nextConfirmTaskId?: string;
  now: string;
}

/** What a transfer does to a payment step: refused, or the fields it sets and the audit entry it adds. */
export type TransferOutcome =
  | { outcome: 'ALREADY_RECORDED' | 'ALREADY_CONFIRMED' | 'MORE_THAN_DUE' | 'NOT_PAYABLE' }
  | {
      outcome: 'CONFIRMED' | 'PART_PAID';
      transfer: PaymentTransfer;
      /** Set on the step (besides the transfer appended to `transfers`). */
      set: Partial<PaymentRecord>;
      audit: AuditInput & { eventId: string };
    };

/**
 * The one rule of recording a transfer, for every repository: only on a NOTIFIED tranche, once per
 * confirmation task, never more than is outstanding; the transfer that completes the tranche
 * confirms it, a part leaves it due with what is paid so far (and the task for the rest).
 */
export function planTransfer(payment: PaymentRecord | undefined, request: TransferRequest): TransferOutcome {
  if (!payment) return { outcome: 'NOT_PAYABLE' };
  if (request.taskId !== undefined && payment.transfers?.some((t) => t.taskId === request.taskId))
    return { outcome: 'ALREADY_RECORDED' };
  if (payment.status === 'CONFIRMED') return { outcome: 'ALREADY_CONFIRMED' };
  if (payment.status !== 'NOTIFIED') return { outcome: 'NOT_PAYABLE' };
  const outstanding = outstandingFen(payment);
  const amountFen = request.amountFen ?? outstanding;
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0 || amountFen > outstanding)
    return { outcome: 'MORE_THAN_DUE' };
  const transfer: PaymentTransfer = {
    seq: (payment.transfers?.length ?? 0) + 1,
    amountFen,
    reference: request.reference,
    by: request.by,
    at: request.now,
    ...(request.taskId === undefined ? {} : { taskId: request.taskId }),
  };
  const paid = paidFen(payment) + amountFen;
  const { tranche, milestone } = payment;
  if (paid === payment.amountFen)
    return {
      outcome: 'CONFIRMED',
      transfer,
      set: {
        status: 'CONFIRMED',
        paidFen: paid,
        confirmedAt: request.now,
        confirmedBy: request.by,
        reference: request.reference,
      },
      audit: {
        actor: request.by,
        action: 'payment.confirmed',
        detail: { tranche, milestone, amountFen, paidFen: paid, reference: request.reference },
        eventId: `payment:${tranche}:confirmed`,
      },
    };
  return {
    outcome: 'PART_PAID',
    transfer,
    set: {
      paidFen: paid,
      ...(request.nextConfirmTaskId === undefined ? {} : { confirmTaskId: request.nextConfirmTaskId }),
    },
    audit: {
      actor: request.by,
      action: 'payment.part-paid',
      detail: {
        tranche,
        milestone,
        amountFen,
        paidFen: paid,
        outstandingFen: payment.amountFen - paid,
        reference: request.reference,
      },
      eventId: `payment:${tranche}:part:${transfer.seq}`,
    },
  };
}
