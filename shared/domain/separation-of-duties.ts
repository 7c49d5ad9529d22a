import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import type { Assignee, RecordedDecision, TaskAttempt } from './tasks.js';

/**
 * Separation of duties in the approval of one purchase: nobody approves a proposal they
 * registered, and nobody decides two levels of it (an escalation would otherwise hand every
 * level to the deputy). When neither the level's approver nor the deputy may take a level, it
 * goes to the administrator's queue, with the reason.
 */

/** What the approval of a purchase has recorded so far, as separation of duties reads it. */
export interface ApprovalHistory {
  /** Who registered the proposal (their e-mail, or their subject when the token had none). */
  registeredBy: string;
  approvals: Partial<Record<ApprovalLevel, Pick<RecordedDecision, 'by'>>>;
}

/** Why a person may not decide a level of a purchase. */
export type DutyConflict = { rule: 'OWN_PROPOSAL' } | { rule: 'DECIDED_ANOTHER_LEVEL'; level: ApprovalLevel };

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
  for (const [other, decision] of Object.entries(history.approvals) as [ApprovalLevel, { by: string }][]) {
    if (other !== level && decision && same(decision.by, email))
      return { rule: 'DECIDED_ANOTHER_LEVEL', level: other };
  }
  return undefined;
}

/**
 * Who is asked to decide a level: its approver on the first ask and the reminder, the deputy on
 * the escalation, each only when separation of duties lets them; the deputy stands in for an
 * approver who may not; the administrator takes what neither may.
 */
export function assignApprover(
  approval: Pick<PolicySettings['approval'], 'approvers' | 'deputy' | 'administrator'>,
  level: ApprovalLevel,
  attempt: TaskAttempt,
  history: ApprovalHistory,
): ApprovalAssignment {
  const candidates: Assignee[] = [
    ...(attempt === 'ESCALATION' ? [] : [{ ...approval.approvers[level], role: level }]),
    { ...approval.deputy, role: 'DEPUTY' },
  ];
  const passedOver: PassedOver[] = [];
  for (const candidate of candidates) {
    const conflict = dutyConflict(candidate.email, level, history);
    if (!conflict) return { assignee: candidate, passedOver };
    passedOver.push({ email: candidate.email, name: candidate.name, conflict });
  }
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
