import type { ApprovalLevel } from './policy-settings.js';
import type { PurchaseRecord } from './purchase.js';
import type { RecordedDecision, TaskPurpose } from './tasks.js';

/**
 * What a reviewer or a higher approver reads before deciding: the decisions taken before theirs
 * on the same purchase. A higher approval level sees each earlier level's decision; a review
 * page sees the earlier rounds of its own stage (countersignature refusals, rectification
 * requests, extensions of a late report), so nobody decides without knowing what was asked before.
 */

/** One earlier decision as a page shows it: the step it was taken in and what was recorded. */
export interface EarlierDecision {
  purpose: TaskPurpose;
  /** APPROVAL: the level that decided. */
  level?: ApprovalLevel;
  /** A review's round (1 for the first report or signed copy), from its step key. */
  round?: number;
  decision: RecordedDecision;
}

/**
 * What the approver of `level` reads: the decisions of the levels before it in the purchase's chain,
 * and each time this level or an earlier one returned the proposal with the officer's revision
 * (its note), oldest first.
 */
export function earlierApprovals(
  purchase: Pick<PurchaseRecord, 'approvalLevels' | 'approvals' | 'revisions'>,
  level: ApprovalLevel,
): EarlierDecision[] {
  const at = purchase.approvalLevels.indexOf(level);
  const before = at < 0 ? [] : purchase.approvalLevels.slice(0, at);
  const approvals = before.flatMap((earlier) => {
    const decision = purchase.approvals[earlier];
    return decision ? [{ purpose: 'APPROVAL' as const, level: earlier, decision }] : [];
  });
  // Each return of this level or an earlier one, and the officer's revision that answered it.
  const upTo = new Set([...before, level]);
  const revisions = (purchase.revisions ?? [])
    .filter((r) => upTo.has(r.level))
    .flatMap((r): EarlierDecision[] => [
      { purpose: 'APPROVAL', level: r.level, decision: r.returned },
      {
        purpose: 'REVISION',
        round: r.round,
        decision: {
          decision: 'REVISE',
          by: r.revisedBy,
          byName: r.revisedBy,
          comment: r.note,
          at: r.revisedAt,
          taskId: r.returned.taskId,
        },
      },
    ]);
  // Oldest first: a level that approved before a later one returned the proposal comes first.
  return [...approvals, ...revisions].sort((a, b) => a.decision.at.localeCompare(b.decision.at));
}

/** The steps whose decisions each review page lists: its own stage's earlier rounds. */
const EARLIER_REVIEW_STEPS = {
  COUNTERSIGN: ['COUNTERSIGN'],
  MIDTERM_REVIEW: ['MIDTERM_REVIEW', 'LATE_REPORT'],
  LATE_REPORT: ['MIDTERM_REVIEW', 'LATE_REPORT'],
  EVALUATION: ['MIDTERM_REVIEW', 'LATE_REPORT'],
} as const satisfies Partial<Record<TaskPurpose, readonly TaskPurpose[]>>;

export type ReviewHistoryPurpose = keyof typeof EARLIER_REVIEW_STEPS;

export function hasReviewHistory(purpose: TaskPurpose): purpose is ReviewHistoryPurpose {
  return Object.hasOwn(EARLIER_REVIEW_STEPS, purpose);
}

/**
 * The decisions recorded on the purchase (`decisions`, by step key: `COUNTERSIGN:1`,
 * `MIDTERM_REVIEW:2:ESCALATED`, `LATE_REPORT:1:2`) of the steps a review of `purpose` lists,
 * oldest first. The task being decided has no decision yet, so it is never among them.
 */
export function earlierReviews(
  purpose: ReviewHistoryPurpose,
  decisions: PurchaseRecord['decisions'],
): EarlierDecision[] {
  const steps: readonly TaskPurpose[] = EARLIER_REVIEW_STEPS[purpose];
  const found: EarlierDecision[] = [];
  for (const [stepKey, decision] of Object.entries(decisions)) {
    const [step, round] = stepKey.split(':');
    const stepPurpose = steps.find((s) => s === step);
    if (!stepPurpose) continue;
    const roundNumber = round !== undefined && /^\d+$/.test(round) ? Number(round) : undefined;
    found.push({
      purpose: stepPurpose,
      ...(roundNumber === undefined ? {} : { round: roundNumber }),
      decision,
    });
  }
  return found.sort((a, b) => (a.decision.at < b.decision.at ? -1 : a.decision.at > b.decision.at ? 1 : 0));
}
