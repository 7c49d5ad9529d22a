import type { AmendmentChange } from './amendments.js';
import { type FinalTrancheDecision, finalTrancheDecision, type Grade } from './evaluation.js';
import { maskAccountNumber } from './payee-account.js';
import { currentReference, type PaymentRecord, transfersOf } from './payment-records.js';
import type { BankAccount, TrancheMilestone } from './proposal.js';
import type { PurchaseRecord } from './purchase.js';
import type { RecordedDecision } from './tasks.js';
import { barredUntil, trackRecordEntry } from './track-record.js';
import type { UploadKind } from './uploads.js';

/**
 * What the NGO is told about its purchase: every outcome that concerns it, worked out from the
 * purchase record and its payments alone, so the NGO page and the mails say the same and a
 * retried step finds the same notices (each has a stable id, the mail is sent once per id).
 * Nothing internal is in a notice: an approver's comment stays with the bureau, a reviewer's
 * comment to the NGO (what to fix, why the deadline moved, why the purchase ends) is the NGO's.
 */

interface NoticeBase {
  /** Stable across retries: the same fact always has the same id. */
  id: string;
  at: string;
}

/** Why a purchase the NGO was part of ended early. */
export type TerminationCause =
  /** A reviewer decided to terminate (the comment says why). */
  | 'REVIEW_DECISION'
  /** The contract was not signed and countersigned in time. */
  | 'CONTRACT_NOT_SIGNED'
  /** The mid-term report never came, or nobody decided on it. */
  | 'OTHER';

/** The NGO's account a transfer went to, as the NGO is told it: its number masked (the mail can be forwarded). */
export interface MaskedPayee {
  bankName: string;
  /** `****2345`. */
  accountNumber: string;
}

export type NgoNotice = NoticeBase &
  (
    | { kind: 'APPROVED' }
    /** Rejected by an approver, or lapsed, once approval had begun; the approvers' reasons are internal. */
    | { kind: 'NOT_APPROVED' }
    /** A review sent an upload back: the countersignature refused, or the mid-term report to rectify. */
    | { kind: 'RETURNED'; upload: UploadKind; decision: 'REFUSE' | 'RECTIFY'; round: number; comment: string }
    /** The mid-term report's deadline was extended (it was late). */
    | { kind: 'DEADLINE_EXTENDED'; upload: UploadKind; round: number; comment: string }
    | { kind: 'CONTRACT_IN_FORCE' }
    | { kind: 'MIDTERM_PASSED'; round: number }
    | {
        kind: 'TRANCHE_DUE';
        tranche: number;
        milestone: TrancheMilestone;
        amountFen: number;
        dueDate: string;
      }
    | {
        kind: 'TRANCHE_PAID';
        tranche: number;
        milestone: TrancheMilestone;
        amountFen: number;
        reference?: string;
        /** The transfer that completed a tranche paid in parts (absent when it was paid at once). */
        paidNowFen?: number;
        paidTo?: MaskedPayee;
      }
    /** A transfer of part of a tranche: the rest stays due. */
    | {
        kind: 'TRANCHE_PART_PAID';
        tranche: number;
        milestone: TrancheMilestone;
        amountFen: number;
        /** The transfer's own amount. */
        paidNowFen: number;
        /** What was still due on the tranche after it. */
        leftFen: number;
        reference: string;
        paidTo?: MaskedPayee;
      }
    | {
        kind: 'GRADED';
        grade: Grade;
        totalTenths: number;
        finalTranche: FinalTrancheDecision;
        /** What the grade pays of the final tranche, when the conclusion recorded it. */
        award?: { sharePercent: number; amountFen: number; plannedFen: number };
        /** Last day the NGO may not take new purchases, after a failed evaluation. */
        barredUntil?: string;
      }
    /** No evaluation came in at all: the final tranche is withheld. */
    | { kind: 'NOT_EVALUATED' }
    | { kind: 'TERMINATED'; cause: TerminationCause; comment?: string }
    | { kind: 'CLOSED' }
    /** An amendment of the signed contract was approved and is in force: each change, former → new. */
    | { kind: 'AMENDED'; amendmentId: string; changes: AmendmentChange[] }
  );

export type NgoNoticeKind = NgoNotice['kind'];

/**
 * Notices told in the mail that asks the NGO for the upload again (its reason is what to fix),
 * so no mail of their own.
 */
export const NOTICES_TOLD_WITH_THE_UPLOAD_REQUEST: readonly NgoNoticeKind[] = [
  'RETURNED',
  'DEADLINE_EXTENDED',
];

/** `COUNTERSIGN:2`, `MIDTERM_REVIEW:1:ESCALATED`, `LATE_REPORT:1:2` split into purpose and round. */
const STEP_KEY = /^(COUNTERSIGN|MIDTERM_REVIEW|LATE_REPORT):(\d+)(?::\d+)?(?::ESCALATED)?$/;

function reviewNotices(decisions: Readonly<Record<string, RecordedDecision>>): NgoNotice[] {
  const notices: NgoNotice[] = [];
  for (const [step, d] of Object.entries(decisions)) {
    const match = STEP_KEY.exec(step);
    if (!match) continue;
    const [, purpose, round] = match;
    const base = {
      id: `${d.decision.toLowerCase()}:${step}`,
      at: d.at,
      round: Number(round),
      comment: d.comment,
    };
    if (purpose === 'COUNTERSIGN' && d.decision === 'REFUSE')
      notices.push({ ...base, kind: 'RETURNED', upload: 'SIGNED_CONTRACT', decision: 'REFUSE' });
    if (purpose === 'MIDTERM_REVIEW' && d.decision === 'RECTIFY')
      notices.push({ ...base, kind: 'RETURNED', upload: 'MIDTERM_REPORT', decision: 'RECTIFY' });
    if (purpose === 'LATE_REPORT' && d.decision === 'EXTEND')
      notices.push({ ...base, kind: 'DEADLINE_EXTENDED', upload: 'MIDTERM_REPORT' });
  }
  return notices;
}

function maskedPayee(account: BankAccount | undefined): { paidTo?: MaskedPayee } {
  return account
    ? { paidTo: { bankName: account.bankName, accountNumber: maskAccountNumber(account.accountNumber) } }
    : {};
}

/** Each transfer that left part of its tranche due, with what it left (the one that completes it is TRANCHE_PAID). */
function partNotices(p: PaymentRecord, payee: { paidTo?: MaskedPayee }): NgoNotice[] {
  let paid = 0;
  return transfersOf(p).flatMap((t): NgoNotice[] => {
    paid += t.amountFen;
    if (paid >= p.amountFen) return [];
    return [
      {
        // One per transfer: each part is its own news.
        id: `tranche-part-paid:${p.tranche}:${t.seq}`,
        at: t.at,
        kind: 'TRANCHE_PART_PAID',
        tranche: p.tranche,
        milestone: p.milestone,
        amountFen: p.amountFen,
        paidNowFen: t.amountFen,
        leftFen: p.amountFen - paid,
        reference: currentReference(t),
        ...payee,
      },
    ];
  });
}

function paymentNotices(payments: readonly PaymentRecord[], account: BankAccount | undefined): NgoNotice[] {
  const payee = maskedPayee(account);
  return payments.flatMap((p): NgoNotice[] => {
    const tranche = { tranche: p.tranche, milestone: p.milestone, amountFen: p.amountFen };
    const notices: NgoNotice[] = [];
    if (p.notifiedAt && p.dueDate)
      notices.push({
        id: `tranche-due:${p.tranche}`,
        at: p.notifiedAt,
        kind: 'TRANCHE_DUE',
        ...tranche,
        dueDate: p.dueDate,
      });
    notices.push(...partNotices(p, payee));
    const transfers = transfersOf(p);
    const completing = transfers.length > 1 ? transfers.at(-1) : undefined;
    if (p.status === 'CONFIRMED' && p.confirmedAt)
      notices.push({
        id: `tranche-paid:${p.tranche}`,
        at: p.confirmedAt,
        kind: 'TRANCHE_PAID',
        ...tranche,
        ...(p.reference ? { reference: p.reference } : {}),
        ...(completing ? { paidNowFen: completing.amountFen } : {}),
        ...payee,
      });
    return notices;
  });
}

function gradeNotice(purchase: PurchaseRecord): NgoNotice | undefined {
  const evaluation = purchase.evaluation;
  if (!evaluation?.evaluatedAt) return undefined;
  const at = evaluation.evaluatedAt;
  if (!evaluation.grade || evaluation.total === undefined)
    return { id: 'not-evaluated', at, kind: 'NOT_EVALUATED' };
  const grade = evaluation.grade as Grade;
  const until = barredUntil(
    trackRecordEntry({ purchaseId: purchase.purchaseId, grade, total: evaluation.total, evaluatedAt: at }),
  );
  const award = evaluation.finalTranche;
  return {
    id: 'graded',
    at,
    kind: 'GRADED',
    grade,
    totalTenths: evaluation.total,
    // Decided once at the conclusion with the settings' shares; a record from before that has the default ones.
    finalTranche: award?.decision ?? finalTrancheDecision(grade),
    ...(award
      ? {
          award: {
            sharePercent: award.sharePercent,
            amountFen: award.amountFen,
            plannedFen: award.plannedFen,
          },
        }
      : {}),
    ...(until ? { barredUntil: until } : {}),
  };
}

function terminationNotice(purchase: PurchaseRecord): NgoNotice | undefined {
  const termination = purchase.termination;
  if (!termination) return undefined;
  const decided = Object.entries(purchase.decisions)
    .filter(([step, d]) => d.decision === 'TERMINATE' && STEP_KEY.test(step))
    .map(([, d]) => d)
    .at(-1);
  const base = { id: 'terminated', at: termination.at, kind: 'TERMINATED' } as const;
  if (decided) return { ...base, cause: 'REVIEW_DECISION', comment: decided.comment };
  return {
    ...base,
    cause: termination.reason.startsWith('ContractLapsed') ? 'CONTRACT_NOT_SIGNED' : 'OTHER',
  };
}

/** Every notice of the purchase so far, oldest first. */
export function ngoNotices(purchase: PurchaseRecord, payments: readonly PaymentRecord[]): NgoNotice[] {
  const notices: NgoNotice[] = [];
  const outcome = purchase.outcome;
  if (outcome?.result === 'APPROVED') notices.push({ id: 'approved', at: outcome.at, kind: 'APPROVED' });
  // A proposal refused before any approver saw it, or withdrawn by its officer, was never the NGO's news.
  else if (outcome?.result === 'REJECTED' && purchase.approvalLevels.length > 0)
    notices.push({ id: 'not-approved', at: outcome.at, kind: 'NOT_APPROVED' });
  notices.push(...reviewNotices(purchase.decisions));
  if (purchase.contract?.signedUploadId && purchase.contract.signedAt)
    notices.push({ id: 'contract-in-force', at: purchase.contract.signedAt, kind: 'CONTRACT_IN_FORCE' });
  if (purchase.midterm?.passedAt)
    notices.push({
      id: 'midterm-passed',
      at: purchase.midterm.passedAt,
      kind: 'MIDTERM_PASSED',
      round: purchase.midterm.round,
    });
  notices.push(...paymentNotices(payments, purchase.proposal.ngo.bankAccount));
  const graded = gradeNotice(purchase);
  if (graded) notices.push(graded);
  const terminated = terminationNotice(purchase);
  if (terminated) notices.push(terminated);
  if (purchase.closedAt) notices.push({ id: 'closed', at: purchase.closedAt, kind: 'CLOSED' });
  for (const a of purchase.amendments ?? [])
    if (a.status === 'APPROVED' && a.decidedAt)
      notices.push({
        id: `amended:${a.id}`,
        at: a.decidedAt,
        kind: 'AMENDED',
        amendmentId: a.id,
        changes: a.changes,
      });
  return notices.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
}

/** What the bureau said when it asked for this upload again, for the request mail: the round's return and its newest extension. */
export interface UploadRequestNotes {
  returned?: Extract<NgoNotice, { kind: 'RETURNED' }>;
  extended?: Extract<NgoNotice, { kind: 'DEADLINE_EXTENDED' }>;
}

/**
 * The notes of the round that began at `since`: the return that started it (a refusal or a
 * rectification decided at that instant) and the newest extension decided since.
 */
export function uploadRequestNotes(
  purchase: Pick<PurchaseRecord, 'decisions'>,
  upload: UploadKind,
  since: string,
): UploadRequestNotes {
  const notices = reviewNotices(purchase.decisions);
  const start = Date.parse(since);
  const returned = notices.find(
    (n): n is Extract<NgoNotice, { kind: 'RETURNED' }> =>
      n.kind === 'RETURNED' && n.upload === upload && Date.parse(n.at) === start,
  );
  const extended = notices
    .filter(
      (n): n is Extract<NgoNotice, { kind: 'DEADLINE_EXTENDED' }> =>
        n.kind === 'DEADLINE_EXTENDED' && n.upload === upload && Date.parse(n.at) >= start,
    )
    .at(-1);
  return { ...(returned ? { returned } : {}), ...(extended ? { extended } : {}) };
}
