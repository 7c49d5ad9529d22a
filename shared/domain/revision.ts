import type { BilingualText } from './bilingual.js';
import { APPROVAL_LEVELS, type ApprovalLevel } from './policy-settings.js';
import type { Proposal } from './proposal.js';
import type { RecordedDecision } from './tasks.js';

/**
 * Return for revision: an approver sends the proposal back to the officer who registered it, the
 * officer corrects it in the console, and the same level is asked again. Each revision is kept on
 * the purchase (nothing the officer first submitted is lost: the audit entry holds the proposal
 * it replaced).
 */
export interface RevisionRecord {
  /** 1 for the first revision of the purchase, +1 for each one after. */
  round: number;
  /** The level that returned the proposal, and is asked again. */
  level: ApprovalLevel;
  /** The approver's RETURN, as it was recorded under `approvals[level]` before the revision. */
  returned: RecordedDecision;
  revisedBy: string;
  revisedAt: string;
  note: string;
  /** Field paths that differ between the proposal returned and the one resubmitted (`totalFen`, `staffPlan.0.headcount`). */
  changed: string[];
}

/** The revision step's key: one REVISION task per round. */
export function revisionStepKey(round: number): string {
  return `REVISION:${round}`;
}

/**
 * The approval step key of a level: `APPROVAL:<level>`, and after a revision returned by that
 * level `APPROVAL:<level>:R<round>`, so the level is asked by a new task instead of finding the
 * one it decided RETURN on.
 */
export function approvalStepKey(level: ApprovalLevel, revisions: readonly RevisionRecord[] = []): string {
  const last = revisions.filter((r) => r.level === level).at(-1);
  return last ? `APPROVAL:${level}:R${last.round}` : `APPROVAL:${level}`;
}

/**
 * The levels that decide a revised proposal, in the chain's order: those its new total requires,
 * and always the level that returned it (it asked for the change, so it is asked again even when
 * the new total no longer needs it). The approvals given before the return stand.
 */
export function levelsAfterRevision(
  required: readonly ApprovalLevel[],
  returnedBy: ApprovalLevel,
): ApprovalLevel[] {
  return APPROVAL_LEVELS.filter((level) => level === returnedBy || required.includes(level));
}

/** The round of the next revision: how many there were, plus one. */
export function nextRevisionRound(revisions: readonly RevisionRecord[] = []): number {
  return revisions.length + 1;
}

/** Why a purchase whose officer did not resubmit in time ended, in both languages. */
export const REVISION_LAPSED_TEXT: BilingualText = {
  zh: '退回修改后未在期限内修改并重新提交，项目未获批准。',
  en: 'Returned for revision and not revised in time, so the purchase was not approved.',
};

/** The field paths at which two JSON values differ (arrays by index), sorted. */
export function changedFields(before: Proposal, after: Proposal): string[] {
  const changed: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    const objects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
    if (objects && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys)
        walk(
          (a as Record<string, unknown>)[key],
          (b as Record<string, unknown>)[key],
          path ? `${path}.${key}` : key,
        );
      return;
    }
    if (a !== b) changed.push(path);
  };
  walk(before, after, '');
  return changed.sort();
}
