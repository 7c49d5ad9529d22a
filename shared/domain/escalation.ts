import { type Absences, NOBODY_AWAY, standIn } from './delegation.js';
import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import type { Assignee, TaskAttempt } from './tasks.js';

/**
 * Who is asked for a decision at a level: the level's approver on the first ask and the
 * reminder (their delegate while they are away); on escalation (no answer after the reminder)
 * the deputy director, never a delegate. The evaluation escalates to another agency instead
 * (assignAgency in evaluation.ts).
 */
export function assigneeFor(
  approval: PolicySettings['approval'],
  level: ApprovalLevel,
  attempt: TaskAttempt,
  absences: Absences = NOBODY_AWAY,
): Assignee {
  if (attempt === 'ESCALATION') return { ...approval.deputy, role: 'DEPUTY' };
  const approver: Assignee = { ...approval.approvers[level], role: level };
  return standIn(approver, absences) ?? approver;
}
