import { chinaCalendarDate, DAY_MS } from './china-time.js';
import type { FieldError } from './errors.js';
import { fieldError } from './field-errors.js';
import { APPROVAL_LEVELS, type ApprovalLevel, type PolicySettings } from './policy-settings.js';
import type { Assignee } from './tasks.js';

/**
 * An approver's out-of-office: for a period (China dates, inclusive) the tasks that would go to
 * them go to the delegate they named, and the record says "X for Y". The deputy stays the
 * escalation path, so only the levels' approvers delegate (not the deputy, not the administrator).
 * Nothing is deleted: ending a delegation early records when and by whom.
 */

export interface Delegate {
  name: string;
  email: string;
}

export interface Delegation {
  id: string;
  approverEmail: string;
  approverName: string;
  delegate: Delegate;
  /** First day the delegate decides, `YYYY-MM-DD` on the China calendar. */
  from: string;
  /** Last day the delegate decides (inclusive). */
  until: string;
  reason: string;
  /** Who named the delegate (the approver, or an administrator for them). */
  createdBy: string;
  createdAt: string;
  /** When it was ended early; from then on it is no longer active. */
  endedAt?: string;
  endedBy?: string;
}

/** What a person asks for; the rest (id, names, who and when) the use case adds. */
export interface DelegationRequest {
  approverEmail: string;
  delegate: Delegate;
  from: string;
  until: string;
  reason: string;
}

/**
 * The longest period a delegate decides for an approver: a quarter. A longer absence (long leave,
 * a secondment) is a change of the approver roster, which the administrator makes on the audited
 * reference data, not a private arrangement between two people.
 */
export const MAX_DELEGATION_DAYS = 90;

export const DELEGATION_REASON_MAX_CHARS = 500;

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Days from `from` to `until`, both counted. */
function daysInPeriod(from: string, until: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

const overlaps = (a: { from: string; until: string }, b: { from: string; until: string }) =>
  a.from <= b.until && b.from <= a.until;

/** Whether a delegation still stands (it was not ended early). */
export const isStanding = (delegation: Delegation) => delegation.endedAt === undefined;

/** The roster level an e-mail approves at, if it is a level's approver. */
export function approverLevelOf(
  approvers: PolicySettings['approval']['approvers'],
  email: string,
): ApprovalLevel | undefined {
  return APPROVAL_LEVELS.find((level) => same(approvers[level].email, email));
}

/**
 * Every rule a new delegation breaks, as field errors (none: it may be recorded). `today` is the
 * China date it is asked on; `existing` every delegation recorded so far.
 */
export function delegationErrors(
  request: DelegationRequest,
  context: {
    approvers: PolicySettings['approval']['approvers'];
    existing: readonly Delegation[];
    today: string;
  },
): FieldError[] {
  const errors: FieldError[] = [];
  const { approverEmail, delegate, from, until } = request;
  const roles = APPROVAL_LEVELS.join(', ');
  if (!approverLevelOf(context.approvers, approverEmail))
    errors.push(
      fieldError(
        'delegation-not-approver',
        'approverEmail',
        approverEmail,
        `${approverEmail} is not a level's approver on the roster: only they name a delegate (the deputy is the escalation path, not an absent approver's stand-in)`,
        `the e-mail of the roster's ${roles}`,
        `${approverEmail} 不是审批名单上的审批人：只有科长、财务科、局长可以委托他人审批（副局长是超时升级的审批人，不能委托）。`,
      ),
    );
  if (from > until)
    errors.push(
      fieldError(
        'delegation-period-order',
        'until',
        until,
        `the period ends (${until}) before it starts (${from})`,
        `a date on or after ${from}`,
        `委托结束日期（${until}）早于开始日期（${from}）。`,
      ),
    );
  if (from < context.today)
    errors.push(
      fieldError(
        'delegation-starts-past',
        'from',
        from,
        `the period starts ${from}, before today (${context.today}, China time): a delegation cannot reach back`,
        `${context.today} or later`,
        `委托开始日期（${from}）早于今天（${context.today}），不能追溯委托。`,
      ),
    );
  if (from <= until && daysInPeriod(from, until) > MAX_DELEGATION_DAYS)
    errors.push(
      fieldError(
        'delegation-too-long',
        'until',
        until,
        `the period is ${daysInPeriod(from, until)} days long; at most ${MAX_DELEGATION_DAYS} (a longer absence is a change of the roster)`,
        `until at most ${MAX_DELEGATION_DAYS} days from ${from}, both days counted`,
        `委托期为 ${daysInPeriod(from, until)} 天，最长 ${MAX_DELEGATION_DAYS} 天；更长的缺席请管理员调整审批名单。`,
      ),
    );
  if (same(delegate.email, approverEmail))
    errors.push(
      fieldError(
        'delegation-self',
        'delegate.email',
        delegate.email,
        'the delegate is the approver themselves',
        'the e-mail of another person',
        '被委托人不能是审批人本人。',
      ),
    );
  const standing = context.existing.filter(isStanding);
  const own = standing.find((d) => same(d.approverEmail, approverEmail) && overlaps(d, request));
  if (own)
    errors.push(
      fieldError(
        'delegation-overlap',
        'from',
        from,
        `${approverEmail} already has ${own.delegate.name} deciding for them from ${own.from} until ${own.until}; end that one first or choose days outside it`,
        `a period outside ${own.from} – ${own.until}`,
        `${approverEmail} 在 ${own.from} 至 ${own.until} 已委托 ${own.delegate.name}，请先结束该委托或另选日期。`,
      ),
    );
  const away = standing.find((d) => same(d.approverEmail, delegate.email) && overlaps(d, request));
  if (away)
    errors.push(
      fieldError(
        'delegate-away',
        'delegate.email',
        delegate.email,
        `${delegate.email} is away themselves from ${away.from} until ${away.until} (${away.delegate.name} decides for them)`,
        'someone who is not away during the period',
        `${delegate.email} 在 ${away.from} 至 ${away.until} 本人也外出（已委托 ${away.delegate.name}）。`,
      ),
    );
  return errors;
}

/** The delegation under which `approverEmail`'s tasks go to someone else at instant `now`, if any. */
export function activeDelegation(
  delegations: readonly Delegation[],
  approverEmail: string,
  now: string,
): Delegation | undefined {
  const today = chinaCalendarDate(now);
  return delegations.find(
    (d) =>
      same(d.approverEmail, approverEmail) &&
      d.from <= today &&
      today <= d.until &&
      (d.endedAt === undefined || d.endedAt > now),
  );
}

/**
 * Who is away when a task is assigned: every delegation recorded and the instant of the
 * assignment. The use case loads them; the assignment rules stay pure.
 */
export interface Absences {
  delegations: readonly Delegation[];
  now: string;
}

/** Nobody is away (a step that asks no roster approver, or a test that needs no delegation). */
export const NOBODY_AWAY: Absences = { delegations: [], now: '1970-01-01T00:00:00.000Z' };

/**
 * The delegate who takes an approver's task while the approver is away, acting in the approver's
 * role and for them (`onBehalfOf`); undefined when the approver is not away.
 */
export function standIn(approver: Assignee, absences: Absences): Assignee | undefined {
  const delegation = activeDelegation(absences.delegations, approver.email, absences.now);
  if (!delegation) return undefined;
  return {
    ...delegation.delegate,
    role: approver.role,
    onBehalfOf: { name: approver.name, email: approver.email, role: approver.role },
  };
}
