/**
 * What every task page copies from its task and shows about it: the assignee (acting as deputy
 * after an escalation), the expiry, the form's nonce and the round of a repeated review.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import type { Assignee, HumanTask, TaskAttempt } from '../../../domain/tasks.js';
import type { Fact } from '../../labels.js';
import { onBehalfOfText } from '../../on-behalf-of.js';

/** The assignee line; an escalated task says its assignee acts for the one who did not answer. */
function assigneeText(assignee: Assignee, attempt: TaskAttempt, acting = '代理'): string {
  if (assignee.onBehalfOf) {
    const forWhom = onBehalfOfText(assignee.name, assignee.onBehalfOf);
    return `${forWhom.zh} · ${forWhom.en} <${assignee.email}>`;
  }
  const deputy = attempt === 'ESCALATION' ? `（${acting} acting as deputy）` : '';
  return `${assignee.name} <${assignee.email}>${deputy}`;
}

/** The assignee as a page copies it: who, in which role, and the approver they decide for, if any. */
export function assigneeOf(assignee: Assignee): Assignee {
  const { name, email, role, onBehalfOf } = assignee;
  return {
    name,
    email,
    role,
    ...(onBehalfOf
      ? { onBehalfOf: { name: onBehalfOf.name, email: onBehalfOf.email, role: onBehalfOf.role } }
      : {}),
  };
}

export function assigneeFact(
  assignee: Assignee,
  attempt: TaskAttempt,
  label: BilingualText,
  acting?: string,
): Fact {
  return { label, value: assigneeText(assignee, attempt, acting) };
}

/** What every confirmation page copies from its task: who, until when, and the form's nonce. */
export interface PendingTaskFacts {
  attempt: TaskAttempt;
  assignee: Assignee;
  expiresAt: string;
  /** Per-task secret echoed back by the form; a POST without it changes nothing. */
  nonce: string;
}

export function pendingTaskFacts(
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce'>,
): PendingTaskFacts {
  return {
    attempt: task.attempt,
    assignee: assigneeOf(task.assignee),
    expiresAt: task.expiresAt,
    nonce: task.nonce,
  };
}

/** `第 2 轮 Round 2`, or `第 2 轮（共 3 轮） Round 2 of 3` when the last round is known. */
export function roundFact(label: BilingualText, round: string, maxRounds?: string): Fact {
  const value =
    maxRounds === undefined
      ? `第 ${round} 轮 Round ${round}`
      : `第 ${round} 轮（共 ${maxRounds} 轮） Round ${round} of ${maxRounds}`;
  return { label, value };
}
