import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { DAY_MS } from '../domain/china-time.js';
import { type HandOver, handOverBefore, type PlanContext } from '../domain/execution-budget.js';
import { officialCalendar } from '../domain/official-calendar.js';
import { tranchePlan } from '../domain/payments.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { afterGraces, midtermReviewWait, reportGrace } from '../domain/waits.js';
import { type AttemptTimeouts, attemptTimeouts } from '../domain/working-days.js';
import type { ContractingDeps } from './contracting.js';
import { decisionOfStep } from './human-steps.js';

/**
 * The mid-term review, read from DynamoDB like every stage: the NGO is reminded before the
 * report is due, the report it uploads goes to the section chief, who passes it (the second
 * tranche falls due), asks for rectification (a new round, at most the configured number) or
 * terminates the purchase. A report missing at the due date plus the grace period is late:
 * the chief extends the deadline or terminates.
 */

export type MidtermStep =
  | {
      next: 'AWAIT_REPORT';
      round: number;
      /** Only a report uploaded at or after this counts for the round. */
      since: string;
      /** When the NGO is reminded (now, when that day has passed). */
      reminderAt: string;
      /** Report due date plus grace, moved by every extension. */
      deadline: string;
      /** Seconds from now to the deadline, for the waiting step's timeout (at least 60). */
      waitSeconds: number;
      /** Extensions granted in this round so far. */
      extensions: number;
      /** The chief's wait should the report be late: from the deadline. */
      timeouts: AttemptTimeouts;
    }
  | { next: 'REVIEW'; round: number; maxRounds: number; uploadId: string; timeouts: AttemptTimeouts }
  | { next: 'PASSED'; round: number }
  | { next: 'TERMINATE'; round: number; reason: string };

/** End of a China calendar day, as an instant. */
function endOfChinaDay(date: string): number {
  return Date.parse(`${date}T23:59:59.999+08:00`);
}

/**
 * The next step of the mid-term review, or a hand-over to a fresh execution when that step could
 * outlast this one: the wait for the reminder day of a long term is waited out in slices.
 */
export async function planMidterm(
  deps: ContractingDeps,
  purchaseId: string,
  execution: PlanContext = {},
): Promise<MidtermStep | HandOver> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (!purchase) throw new Error(`purchase ${purchaseId} does not exist`);
  const settings = deps.lifecycle.midterm;
  const planned = purchase.proposal.deliverables.find((d) => d.kind === 'MIDTERM_REPORT');
  const dueDate = purchase.midterm?.dueDate ?? planned?.dueDate;
  if (!dueDate) throw new Error(`purchase ${purchaseId} plans no mid-term report`);

  let round = 1;
  let since = purchase.contract?.signedAt ?? purchase.contract?.issuedAt ?? purchase.createdAt;
  for (;;) {
    const review = decisionOfStep(purchase, `MIDTERM_REVIEW:${round}`);
    if (review?.decision === 'TERMINATE') return { next: 'TERMINATE', round, reason: review.comment };
    if (review?.decision === 'PASS') return { next: 'PASSED', round };
    if (review?.decision !== 'RECTIFY') break;
    round += 1;
    since = review.at;
  }

  // Late decisions of this round: each EXTEND moves the deadline by the grace period.
  let extensions = 0;
  for (;;) {
    const late = decisionOfStep(purchase, `LATE_REPORT:${round}:${extensions + 1}`);
    if (!late) break;
    if (late.decision === 'TERMINATE') return { next: 'TERMINATE', round, reason: late.comment };
    extensions += 1;
  }

  const report = (await deps.deliverables.listDeliverables(purchaseId))
    .filter(
      (d) =>
        d.kind === 'MIDTERM_REPORT' &&
        d.status === 'ACCEPTED' &&
        Date.parse(d.uploadedAt) >= Date.parse(since),
    )
    .at(-1);
  // The chief's wait (a review, or a decision on a late report), on the official calendar when it
  // counts working days: its three timeouts from when it starts.
  const chiefTimeouts = (from: number) =>
    attemptTimeouts(from, midtermReviewWait(deps.lifecycle), officialCalendar(deps.policy));
  if (report) {
    const timeouts = chiefTimeouts(Date.parse(deps.now()));
    const handOver = handOverBefore({ ...execution, now: deps.now() }, { endsBy: timeouts.endsBy });
    if (handOver) return handOver;
    return {
      next: 'REVIEW',
      round,
      maxRounds: settings.maxRectificationRounds + 1,
      uploadId: report.uploadId,
      timeouts,
    };
  }

  const now = Date.parse(deps.now());
  // Round 1 runs to the planned due date; a rectification round gets one grace period from the
  // request; each extension one more (in working days when the settings count them).
  const deadline = afterGraces(
    round === 1 ? endOfChinaDay(dueDate) : Date.parse(since),
    reportGrace(deps.lifecycle),
    1 + extensions,
    officialCalendar(deps.policy),
  );
  const reminder = round === 1 ? endOfChinaDay(dueDate) - settings.reminderDaysBefore * DAY_MS : now;
  // Waiting for the reminder day, then for the report, then (when it is late) for the chief.
  const timeouts = chiefTimeouts(Math.max(deadline, now));
  const handOver = handOverBefore(
    { ...execution, now: deps.now() },
    { endsBy: timeouts.endsBy, waitsUntil: reminder },
  );
  if (handOver) return handOver;
  return {
    next: 'AWAIT_REPORT',
    round,
    since,
    reminderAt: new Date(Math.max(reminder, now)).toISOString(),
    deadline: new Date(deadline).toISOString(),
    waitSeconds: Math.max(60, Math.ceil((deadline - Math.max(reminder, now)) / 1000)),
    extensions,
    timeouts,
  };
}

/** The chief passed the report: the purchase moves on to the third-party evaluation. */
export async function concludeMidterm(deps: ContractingDeps, purchaseId: string): Promise<void> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (purchase?.stage !== 'MIDTERM_REVIEW') return;
  const step = await planMidterm(deps, purchaseId);
  if (step.next !== 'PASSED')
    throw new Error(`the mid-term review of ${purchaseId} has not passed (next: ${step.next})`);
  const pass = decisionOfStep(purchase, `MIDTERM_REVIEW:${step.round}`);
  const now = deps.now();
  await deps.purchases.change({
    purchaseId,
    from: 'MIDTERM_REVIEW',
    to: 'EVALUATION',
    set: {
      midterm: {
        round: step.round,
        dueDate: purchase.midterm?.dueDate ?? '',
        passedAt: pass?.at ?? now,
      },
    },
    audit: { actor: pass?.by ?? WORKFLOW_ACTOR, action: 'midterm.passed', detail: { round: step.round } },
    eventId: 'midterm.passed',
    now,
  });
}

/** Amount of the tranches finance was already told to pay (they stay spent on termination). */
export function committedFen(purchase: PurchaseRecord, notifiedTranches: readonly number[]): number {
  return tranchePlan(purchase.proposal)
    .filter((t) => notifiedTranches.includes(t.tranche))
    .reduce((sum, t) => sum + t.amountFen, 0);
}
