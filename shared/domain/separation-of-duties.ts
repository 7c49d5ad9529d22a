import { type Absences, NOBODY_AWAY, standIn } from './delegation.js';
import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import type { Assignee, RecordedDecision, TaskAttempt } from './tasks.js';

/**
 * Separation of duties in the approval of one purchase: nobody approves a proposal they
 * registered or an amendment they asked for, and nobody decides two levels of it (an escalation
 * would otherwise hand every level to the deputy). When neither the level's approver nor the
 * deputy may take a level, it goes to the administrator's queue, with the reason.
 */

/** What the approval of a purchase has recorded so far, as separation of duties reads it. */
export interface ApprovalHistory {
  /** Who registered the proposal (their e-mail, or their subject when the token had none). */
  registeredBy: string;
  /** Who asked for the amendment being approved, when it is one (an administrator may). */
  amendmentRequestedBy?: string;
  approvals: Partial<Record<ApprovalLevel, Pick<RecordedDecision, 'by'>>>;
}

/** Why a person may not decide a level of a purchase. */
export type DutyConflict =
  | { rule: 'OWN_PROPOSAL' }
  | { rule: 'OWN_AMENDMENT' }
  | { rule: 'DECIDED_ANOTHER_LEVEL'; level: ApprovalLevel };

/** A person passed over for a level, and why. */
export interface PassedOver {
  email: string;
  name: string;
  conflict: DutyConflict;
}

/** Who decides a level: the person asked, and whoever was passed over on the way. */
export interface ApprovalAssignment {
  assignee: Assignee;
  passedOver: PassedOver[];
}

/** The role of a task in the administrator's queue. */
export const ADMINISTRATOR_ROLE = 'ADMINISTRATOR';

/** Thrown when not even the administrator may take a level (or none is configured): the roster must change. */
export class NoEligibleApproverError extends Error {
  override name = 'NoEligibleApproverError';
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Why `email` may not decide `level` of the purchase; undefined when they may. */
export function dutyConflict(
  email: string,
  level: ApprovalLevel,
  history: ApprovalHistory,
): DutyConflict | undefined {
  if (same(email, history.registeredBy)) return { rule: 'OWN_PROPOSAL' };
  if (history.amendmentRequestedBy !== undefined && same(email, history.amendmentRequestedBy))
    return { rule: 'OWN_AMENDMENT' };
  for (const [other, decision] of Object.entries(history.approvals) as [ApprovalLevel, { by: string }][]) {
    if (other !== level && decision && same(decision.by, email))
      return { rule: 'DECIDED_ANOTHER_LEVEL', level: other };
  }
  return undefined;
}

/**
 * Who is asked to decide a level: its approver on the first ask and the reminder (their delegate
 * while they are away), the deputy on the escalation, each only when separation of duties lets
 * them; the deputy stands in for an approver who may not; the administrator takes what neither may.
 * A delegate is checked under their own e-mail, and never acts for an approver who may not decide
 * the level themselves (they would decide what the approver is barred from): both are passed over.
 */
export function assignApprover(
  approval: Pick<PolicySettings['approval'], 'approvers' | 'deputy' | 'administrator'>,
  level: ApprovalLevel,
  attempt: TaskAttempt,
  history: ApprovalHistory,
  absences: Absences = NOBODY_AWAY,
): ApprovalAssignment {
  const passedOver: PassedOver[] = [];
  const passOver = (candidate: Assignee, conflict: DutyConflict) =>
    passedOver.push({ email: candidate.email, name: candidate.name, conflict });
  if (attempt !== 'ESCALATION') {
    const approver: Assignee = { ...approval.approvers[level], role: level };
    const delegate = standIn(approver, absences);
    const approverConflict = dutyConflict(approver.email, level, history);
    if (approverConflict) passOver(approver, approverConflict);
    else if (delegate) {
      const delegateConflict = dutyConflict(delegate.email, level, history);
      if (!delegateConflict) return { assignee: delegate, passedOver };
      passOver(delegate, delegateConflict);
    } else return { assignee: approver, passedOver };
  }
  const deputy: Assignee = { ...approval.deputy, role: 'DEPUTY' };
  const deputyConflict = dutyConflict(deputy.email, level, history);
  if (!deputyConflict) return { assignee: deputy, passedOver };
  passOver(deputy, deputyConflict);
  const { administrator } = approval;
  const conflict = administrator && dutyConflict(administrator.email, level, history);
  if (!administrator || conflict)
    throw new NoEligibleApproverError(
      `no one may decide ${level} of this purchase: ${[
        ...passedOver,
        ...(administrator && conflict ? [{ ...administrator, conflict }] : []),
      ]
        .map((p) => `${p.email} (${p.conflict.rule})`)
        .join(', ')}${administrator ? '' : '; and no administrator is configured'}`,
    );
  return { assignee: { ...administrator, role: ADMINISTRATOR_ROLE }, passedOver };
}
