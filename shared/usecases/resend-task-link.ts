import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { LinkKeyProvider } from '../ports/link-key.js';
import type { Mailer } from '../ports/mailer.js';
import type { PurchaseRepository, TaskRepository } from '../ports/repositories.js';
import { renderTaskMail, taskMailModel } from '../presentation/mail/task-mail.js';
import { sendOncePerAttempt } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';

export interface ResendTaskLinkDeps {
  tasks: TaskRepository;
  purchases: PurchaseRepository;
  mailer: Mailer;
  linkKey: LinkKeyProvider;
  baseUrl: string;
  now: Now;
}

export type ResendOutcome =
  | { outcome: 'RESENT'; purchaseId: string; taskId: string; previousTaskId: string; to: string }
  | { outcome: 'NOT_PENDING'; purchaseId: string; status: string }
  | { outcome: 'NOT_MAILED'; purchaseId: string; reason: string }
  | { outcome: 'UNKNOWN' };

/**
 * A person lost the mail with their task link: the task is reissued (a new link; the old one stops
 * working), the assignee gets the new link by mail, and the audit trail says who asked for it. A
 * payment confirmation is not mailed to a person (it goes to the finance topic), so it is refused.
 */
export async function resendTaskLink(
  deps: ResendTaskLinkDeps,
  input: {
    taskId: string;
    by: string;
    /** The purchase the caller is looking at: a task of another purchase is UNKNOWN to them. */
    purchaseId?: string;
  },
): Promise<ResendOutcome> {
  const current = await deps.tasks.getTask(input.taskId);
  if (!current || (input.purchaseId !== undefined && current.purchaseId !== input.purchaseId))
    return { outcome: 'UNKNOWN' };
  // The reissued task keeps the purpose: narrowed here, once.
  const { purpose } = current;
  if (purpose === 'REVISION') {
    return {
      outcome: 'NOT_MAILED',
      purchaseId: current.purchaseId,
      reason:
        'a revision is made in the console by the officer who registered the purchase: there is no link to resend',
    };
  }
  if (purpose === 'PAYMENT_CONFIRMATION') {
    return {
      outcome: 'NOT_MAILED',
      purchaseId: current.purchaseId,
      reason: 'a payment confirmation link goes to the finance topic, not to one person: it is not resent',
    };
  }
  const now = deps.now();
  const reissued = await deps.tasks.reissueTask({ taskId: input.taskId, now });
  if (reissued.outcome === 'UNKNOWN') return reissued;
  if (reissued.outcome === 'NOT_PENDING')
    return { outcome: 'NOT_PENDING', purchaseId: reissued.task.purchaseId, status: reissued.task.status };
  const { task, previous } = reissued;
  const purchase = await loadPurchase(deps, task.purchaseId);
  await deps.purchases.change({
    purchaseId: task.purchaseId,
    audit: {
      actor: input.by,
      action: 'task.link-resent',
      detail: { purpose, from: previous.taskId, to: task.taskId, assignee: task.assignee.email },
    },
    eventId: `task.link-resent:${task.taskId}`,
    now,
  });
  await sendOncePerAttempt(deps.tasks, task.taskId, 'FIRST', async () => {
    const { round, dueDate } = task.context ?? {};
    const mail = renderTaskMail(
      taskMailModel({
        purpose,
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        ...(task.level === undefined ? {} : { level: task.level }),
        ...(typeof round === 'number' ? { round } : {}),
        ...(typeof dueDate === 'string' ? { dueDate } : {}),
        attempt: 'FIRST',
        link: signTaskLink(deps.baseUrl, task.taskId, await deps.linkKey()),
        expiresAt: task.expiresAt,
        recipientName: task.assignee.name,
      }),
    );
    await deps.mailer.send({ to: task.assignee.email, ...mail });
  });
  return {
    outcome: 'RESENT',
    purchaseId: task.purchaseId,
    taskId: task.taskId,
    previousTaskId: previous.taskId,
    to: task.assignee.email,
  };
}
