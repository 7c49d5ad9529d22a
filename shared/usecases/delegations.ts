import { randomBytes } from 'node:crypto';
import { chinaCalendarDate } from '../domain/china-time.js';
import {
  approverLevelOf,
  type Delegation,
  type DelegationRequest,
  delegationErrors,
} from '../domain/delegation.js';
import { ValidationError } from '../domain/errors.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { StaffMember } from '../domain/staff-roles.js';
import type { Now } from '../ports/clock.js';
import type { Mailer } from '../ports/mailer.js';
import type { DelegationRepository } from '../ports/repositories.js';
import { renderDelegationMail } from '../presentation/mail/delegation-mail.js';

/**
 * An approver's out-of-office in the staff console: they list, name and end their own delegations;
 * an administrator sees every one and may name one for an approver. Rules: delegation.ts.
 */
export interface DelegationDeps {
  delegations: DelegationRepository;
  /** The approvers' roster as the invocation read it (reference data). */
  settings: Pick<PolicySettings, 'approval'>;
  mailer: Mailer;
  now: Now;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const isAdmin = (staff: StaffMember) => staff.roles.includes('admin');
const whoIs = (staff: StaffMember) => staff.email ?? staff.sub;

/** The caller's delegations (an administrator's: everyone's), newest first, with today's China date. */
export async function listDelegations(
  deps: DelegationDeps,
  staff: StaffMember,
): Promise<{ delegations: Delegation[]; today: string }> {
  const { delegations } = await deps.delegations.list();
  const visible = isAdmin(staff)
    ? delegations
    : delegations.filter((d) => staff.email !== undefined && same(d.approverEmail, staff.email));
  return { delegations: visible.reverse(), today: chinaCalendarDate(deps.now()) };
}

export type NameDelegationOutcome =
  | { outcome: 'NAMED'; delegation: Delegation }
  | { outcome: 'FORBIDDEN'; message: string }
  | { outcome: 'STALE'; message: string };

const STALE_MESSAGE =
  '委托记录刚被他人更改，请刷新后重试。 The delegations changed a moment ago: reload and try again.';

/**
 * The delegation a request names again, word for word (approver, delegate, days, reason), while it
 * is neither ended nor over; anything else is a new request, held to every rule.
 */
function namedBefore(
  delegations: readonly Delegation[],
  request: DelegationRequest,
  today: string,
): Delegation | undefined {
  return delegations.find(
    (d) =>
      d.endedAt === undefined &&
      d.until >= today &&
      same(d.approverEmail, request.approverEmail) &&
      same(d.delegate.email, request.delegate.email) &&
      d.delegate.name === request.delegate.name &&
      d.from === request.from &&
      d.until === request.until &&
      d.reason === request.reason,
  );
}

/**
 * Records a delegation and tells the delegate. An approver names one for themselves (the roster
 * approver with their signed-in e-mail); an administrator may name one for any approver.
 * ValidationError for a broken rule; STALE when another delegation was recorded meanwhile.
 * Sending the same delegation again (its mail failed, or the answer was lost) is no overlap: the
 * one recorded is answered and the delegate mailed again, so a failed mail is never left unsent.
 */
export async function nameDelegation(
  deps: DelegationDeps,
  staff: StaffMember,
  request: Omit<DelegationRequest, 'approverEmail'> & { approverEmail?: string },
): Promise<NameDelegationOutcome> {
  const approverEmail = request.approverEmail ?? staff.email ?? '';
  if (!isAdmin(staff) && (staff.email === undefined || !same(approverEmail, staff.email)))
    return {
      outcome: 'FORBIDDEN',
      message: '审批人只能为本人设置委托。 An approver names a delegate for themselves only.',
    };
  const now = deps.now();
  const { approvers } = deps.settings.approval;
  const { delegations, version } = await deps.delegations.list();
  const full: DelegationRequest = { ...request, approverEmail };
  const level = approverLevelOf(approvers, approverEmail);
  const repeated = level && namedBefore(delegations, full, chinaCalendarDate(now));
  if (level && repeated) {
    await deps.mailer.send({ to: repeated.delegate.email, ...renderDelegationMail(repeated, level) });
    return { outcome: 'NAMED', delegation: repeated };
  }
  const errors = delegationErrors(full, { approvers, existing: delegations, today: chinaCalendarDate(now) });
  if (errors.length > 0 || !level) throw new ValidationError(errors);
  const delegation: Delegation = {
    id: `DEL-${randomBytes(9).toString('base64url')}`,
    approverEmail: approvers[level].email,
    approverName: approvers[level].name,
    delegate: { name: request.delegate.name, email: request.delegate.email },
    from: request.from,
    until: request.until,
    reason: request.reason,
    createdBy: whoIs(staff),
    createdAt: now,
  };
  const added = await deps.delegations.add({ delegation, expectedVersion: version, now });
  if (added.outcome === 'STALE') return { outcome: 'STALE', message: STALE_MESSAGE };
  await deps.mailer.send({ to: delegation.delegate.email, ...renderDelegationMail(delegation, level) });
  return { outcome: 'NAMED', delegation };
}

export type EndDelegationOutcome =
  | { outcome: 'ENDED' | 'ALREADY_ENDED'; delegation: Delegation }
  | { outcome: 'UNKNOWN' }
  | { outcome: 'FORBIDDEN'; message: string };

/** Ends a delegation now: the approver their own, an administrator anyone's. It stays on record. */
export async function endDelegation(
  deps: DelegationDeps,
  staff: StaffMember,
  id: string,
): Promise<EndDelegationOutcome> {
  const { delegations } = await deps.delegations.list();
  const delegation = delegations.find((d) => d.id === id);
  if (!delegation) return { outcome: 'UNKNOWN' };
  if (!isAdmin(staff) && (staff.email === undefined || !same(delegation.approverEmail, staff.email)))
    return {
      outcome: 'FORBIDDEN',
      message: '只能结束本人的委托。 You can end only your own delegations.',
    };
  const ended = await deps.delegations.end({ id, by: whoIs(staff), now: deps.now() });
  if (ended.outcome === 'NOT_FOUND') return { outcome: 'UNKNOWN' };
  return ended;
}
