import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { officialCalendar } from '../domain/official-calendar.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import { revisionStepKey } from '../domain/revision.js';
import type { TaskAttempt } from '../domain/tasks.js';
import { approvalWait } from '../domain/waits.js';
import { waitDeadline } from '../domain/working-days.js';
import { renderRevisionMail } from '../presentation/mail/revision-mail.js';
import { type HumanStepPorts, handBack, sendOncePerAttempt } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';
import { decisionOutput } from './request-decision.js';
import { closeForWithdrawal } from './withdraw-proposal.js';
import type { WorkflowDeps } from './workflow-deps.js';

export interface RequestRevisionInput {
  purchaseId: string;
  /** The level that returned the proposal. */
  level: ApprovalLevel;
  /** Which revision of the purchase this is (1, then +1). */
  round: number;
  attempt: TaskAttempt;
  taskToken: string;
}

export type RequestRevisionDeps = WorkflowDeps & Pick<HumanStepPorts, 'mailer' | 'callbacks'>;

/**
 * An approver returned the proposal: the officer who registered it is asked to correct it. One
 * REVISION task per round holds the execution's token (the corrected proposal hands it back, see
 * revise-proposal.ts); the officer is mailed once per attempt (first, reminder, last reminder: there
 * is nobody to escalate a revision to, so the last attempt reminds the same officer). A resumed
 * execution finding the revision made gets it handed straight back.
 */
export async function requestRevision(
  deps: RequestRevisionDeps,
  input: RequestRevisionInput,
): Promise<{ taskId: string }> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  const stepKey = revisionStepKey(input.round);
  const officer = purchase.createdBy;
  const { task, created } = await deps.tasks.openTask({
    purchaseId: input.purchaseId,
    stepKey,
    purpose: 'REVISION',
    level: input.level,
    context: { round: input.round },
    // Every attempt renews the one task (a new token and expiry): it stays the officer's.
    attempt: input.attempt === 'FIRST' ? 'FIRST' : 'REMINDER',
    assignee: { name: officer, email: officer, role: 'OFFICER' },
    taskToken: input.taskToken,
    // As long as the attempt waits, as an approver's link (working days on the official calendar when set).
    expiresAt: new Date(
      waitDeadline(Date.parse(now), approvalWait(deps.settings), officialCalendar(deps.settings)).at,
    ).toISOString(),
    now,
  });
  if (task.status === 'DECIDED' && task.decision) {
    if (await handBack(deps.callbacks, input.taskToken, decisionOutput(task.decision)))
      await deps.tasks.markDelivered(task.taskId, deps.now());
    return { taskId: task.taskId };
  }
  const asked = await deps.purchases.change({
    purchaseId: input.purchaseId,
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'revision.requested',
      detail: {
        level: input.level,
        round: input.round,
        attempt: input.attempt,
        officer,
        taskCreated: created,
      },
    },
    eventId: `revision.requested:${stepKey}:${input.attempt}`,
    now,
  });
  if (asked.withdrawal) {
    await closeForWithdrawal(deps, asked);
    return { taskId: task.taskId };
  }
  const returned = purchase.approvals[input.level];
  // An officer known only by an account id has no address to write to: the console lists the task.
  if (!officer.includes('@') || returned?.decision !== 'RETURN') return { taskId: task.taskId };
  await sendOncePerAttempt(deps.tasks, task.taskId, input.attempt, () =>
    deps.mailer.send({
      to: officer,
      ...renderRevisionMail({
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        level: input.level,
        returned,
        round: input.round,
        attempt: input.attempt,
        recipientName: officer,
        dueBy: task.expiresAt,
      }),
    }),
  );
  return { taskId: task.taskId };
}
