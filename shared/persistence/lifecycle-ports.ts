import type { TrancheMilestone } from '../domain/proposal.js';
import type { TrackRecordEntry } from '../domain/track-record.js';
import type { UploadKind } from '../domain/uploads.js';
import type { BilingualText } from '../pages/labels.js';

/**
 * Ports of the stages after approval: what the NGO uploaded, which workflow step waits for
 * an upload, the payment step of each tranche, and the NGOs' track record. Like ports.ts,
 * every write is conditional and a repeat with the same input changes nothing.
 */

export interface UploadRefusalReason {
  rule: string;
  message: BilingualText;
}

/** One file the NGO posted to the bucket, as the ObjectCreated event and the bytes showed it. */
export interface DeliverableRecord {
  purchaseId: string;
  /** From the object key (`uploads/<purchaseId>/<kind>/<uploadId>/<file>`); unique per presigned POST. */
  uploadId: string;
  kind: UploadKind;
  key: string;
  fileName: string;
  size: number;
  /** Hex SHA-256 of the whole object. */
  sha256: string;
  /** Format found in the bytes (`PDF`, `DOCX`, `EXECUTABLE`, ...), if recognised. */
  detectedType?: string;
  /** The Content-Type the upload declared. */
  declaredContentType?: string;
  /** Who uploaded: `ngo:<credit code>` for the NGO's link. */
  uploadedBy: string;
  uploadedAt: string;
  eTag: string;
  status: 'ACCEPTED' | 'REJECTED';
  /** Why a REJECTED upload was refused (shown on the NGO page); empty when accepted. */
  reasons: UploadRefusalReason[];
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

/** A workflow step waiting for an accepted upload of one kind. */
export interface UploadWait {
  purchaseId: string;
  kind: UploadKind;
  /** Server-side only, like every task token. */
  taskToken: string;
  /** Only uploads made at or after this instant satisfy the wait (a rectification round needs a new file). */
  since: string;
  status: 'WAITING' | 'SATISFIED';
  /** The upload that satisfied it. */
  uploadId?: string;
  updatedAt: string;
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

export type PaymentStatus = 'NOTIFIED' | 'CONFIRMED' | 'WITHHELD' | 'CANCELLED';

/** The payment step of one tranche: finance is notified, and confirms when the money went out. */
export interface PaymentRecord {
  purchaseId: string;
  /** 1-based, in milestone order. */
  tranche: number;
  milestone: TrancheMilestone;
  amountFen: number;
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

/** What opening a payment step takes: the notified facts are all known then. */
export type PaymentNotice = Omit<PaymentRecord, 'status' | 'dueDate' | 'notifiedAt' | 'closedAt'> & {
  dueDate: string;
  notifiedAt: string;
};

export interface PaymentRepository {
  /** Opens the payment step of a tranche once (audit `payment.notified`); a repeat returns the first. */
  openPayment(record: PaymentNotice, now: string): Promise<{ payment: PaymentRecord; created: boolean }>;
  /** Records the transaction (audit `payment.confirmed`); only a NOTIFIED payment can be confirmed. */
  confirmPayment(input: {
    purchaseId: string;
    tranche: number;
    by: string;
    reference: string;
    now: string;
  }): Promise<{ outcome: 'CONFIRMED' | 'ALREADY_CONFIRMED' | 'NOT_PAYABLE'; payment?: PaymentRecord }>;
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
  /** By tranche. */
  listPayments(purchaseId: string): Promise<PaymentRecord[]>;
}

export interface TrackRecordRepository {
  /** Adds the evaluation of one purchase to the NGO's record; a repeat for the same purchase changes nothing. */
  addEvaluation(creditCode: string, entry: TrackRecordEntry): Promise<void>;
  listEvaluations(creditCode: string): Promise<TrackRecordEntry[]>;
}
