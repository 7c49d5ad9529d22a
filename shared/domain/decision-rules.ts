/** What a decision posted from a task link may carry, whichever page it came from. */
import type { HumanTask } from './tasks.js';

/** Longest comment a decision may carry. */
export const COMMENT_MAX_LENGTH = 1000;

/** A bank transaction reference as finance types it: 4-64 letters, digits, '-', '_' or '/'. */
export const PAYMENT_REFERENCE_PATTERN = /^[A-Za-z0-9_/-]{4,64}$/;

/** A positive whole number from a task's context, or undefined when it holds anything else. */
function roundNumber(value: string | number | undefined): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * Whether a mid-term review may still ask for rectification: only while its round
 * (`context.round`, 1 for the first report) is below the last one (`context.maxRounds`).
 * A context lacking either offers no rectification: the round limit is a policy rule, not a default.
 */
export function rectificationAllowed(context: HumanTask['context']): boolean {
  const round = roundNumber(context?.round);
  const maxRounds = roundNumber(context?.maxRounds);
  return round !== undefined && maxRounds !== undefined && round < maxRounds;
}

/**
 * Roles whose mailbox more than one person reads (the finance section's): a link mailed there
 * does not say who used it, so the page asks the person acting for their own address and the
 * decision records it beside the assignee.
 */
export const SHARED_MAILBOX_ROLES: readonly string[] = ['FINANCE_SECTION'];

export function isSharedMailbox(role: string): boolean {
  return SHARED_MAILBOX_ROLES.includes(role);
}

/** The acting person's own work address, as typed on a shared mailbox's page. */
export const ACTING_EMAIL_PATTERN =
  /^[^\s@<>"'()]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const ACTING_EMAIL_MAX_LENGTH = 254;

/** Decisions recorded only after a second, deliberate confirmation (a scanner posting the form once approves nothing). */
export function needsConfirmation(decision: string): boolean {
  return decision === 'APPROVE';
}
