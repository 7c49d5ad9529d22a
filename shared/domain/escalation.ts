import type { ApprovalLevel, PolicySettings } from './policy-settings.js';
import type { Assignee, TaskAttempt } from './tasks.js';

/**
 * Who is asked for a decision at a level: the level's approver on the first ask and the
 * reminder; on escalation (no answer after the reminder) the deputy director. The evaluation
 * escalates to another agency instead (assignAgency in evaluation.ts).
 */
export function assigneeFor(
  approval: PolicySettings['approval'],
  level: ApprovalLevel,
  attempt: TaskAttempt,
): Assignee {
  if (attempt === 'ESCALATION') return { ...approval.deputy, role: 'DEPUTY' };
  return { ...approval.approvers[level], role: level };
}
