import { type HumanTask, isLinkPurpose } from '../../domain/tasks.js';
import { keyIdOfSignature } from '../../links/link-keyring.js';
import { verifyTaskSignature } from '../../links/signing.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type { TaskRepository } from '../../ports/repositories.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { expiredPage, forbiddenPage, notFoundPage } from '../../presentation/pages/status-pages.js';
import { completePayment } from './payment-confirmation.js';
import type { TaskLinkDeps } from './task-link-deps.js';
import { decidedView, pendingPage } from './task-link-pages.js';

/** A task these pages can serve: one of the link purposes, and an approval always with its level. */
export function isServed(task: HumanTask): boolean {
  return isLinkPurpose(task.purpose) && (task.purpose !== 'APPROVAL' || task.level !== undefined);
}

type Opened = { ok: true; task: HumanTask } | { ok: false; page: HtmlPage };

/** The task a link names, once its signature checks out: a forged link is refused before anything is read. */
export async function openLink(
  deps: { linkKey: LinkKeyProvider; tasks: Pick<TaskRepository, 'getTask'> },
  taskId: string,
  sig: string | undefined,
): Promise<Opened> {
  if (!sig || !verifyTaskSignature(taskId, sig, await deps.linkKey(keyIdOfSignature(sig))))
    return { ok: false, page: forbiddenPage() };
  const task = await deps.tasks.getTask(taskId);
  if (!task) return { ok: false, page: notFoundPage() };
  return { ok: true, task };
}

/** A link that no longer decides anything: it lapsed, or an escalation replaced it. */
export function isExpired(task: HumanTask, now: string): boolean {
  return task.status === 'EXPIRED' || task.status === 'SUPERSEDED' || task.expiresAt <= now;
}

/** GET/HEAD: the confirmation page, or what was decided; never a decision. */
export async function showTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { task } = opened;
  if (!isServed(task)) return notFoundPage();
  if (task.status === 'DECIDED') {
    // Opening never decides; but a confirmation already recorded whose payment step a crash cut
    // off would otherwise wait for a POST the page no longer offers. Finishing it is idempotent.
    if (task.purpose === 'PAYMENT_CONFIRMATION') await completePayment(deps, task);
    return decidedView(deps, task, 'ALREADY_DECIDED');
  }
  if (isExpired(task, deps.now())) return expiredPage();
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  if (!purchase) return notFoundPage();
  return pendingPage(deps, task, purchase);
}
