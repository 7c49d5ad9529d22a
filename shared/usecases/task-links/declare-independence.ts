import type { HumanTask } from '../../domain/tasks.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { badRequestPage, expiredPage, notFoundPage } from '../../presentation/pages/status-pages.js';
import { DECLARE_VALUE } from '../../presentation/pages/task/decision-form-fields.js';
import { TASK_FORM_MESSAGES } from '../../presentation/task-form-messages.js';
import { isExpired } from './open-task-link.js';
import type { TaskLinkDeps } from './task-link-deps.js';
import { decidedView, pendingPage, refusedPostPage } from './task-link-pages.js';

/**
 * POST with the ticked declaration: records the agency's independence (the first declaration
 * wins) and shows the same link's next phase, the reports and the rubric.
 */
export async function declareIndependence(
  deps: TaskLinkDeps,
  task: HumanTask,
  declare: string,
  nonce: string,
): Promise<HtmlPage> {
  if (task.purpose !== 'EVALUATION') return badRequestPage(TASK_FORM_MESSAGES.NOT_DECLARABLE);
  if (declare !== DECLARE_VALUE) return badRequestPage(TASK_FORM_MESSAGES.INVALID_EVALUATION_DECISION);
  const result = await deps.tasks.declareIndependence({ taskId: task.taskId, nonce, now: deps.now() });
  switch (result.outcome) {
    case 'DECLARED':
    case 'ALREADY_DECLARED': {
      // A second tab may declare after the first already scored, or after the link lapsed.
      if (result.task.status === 'DECIDED') return decidedView(deps, result.task, 'ALREADY_DECIDED');
      if (isExpired(result.task, deps.now())) return expiredPage();
      const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
      if (!purchase) return notFoundPage();
      return pendingPage(deps, result.task, purchase);
    }
    case 'ALREADY_DECIDED':
      return decidedView(deps, result.task, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
    case 'BAD_NONCE':
    case 'NOT_FOUND':
      return refusedPostPage(result.outcome);
    case 'NOT_EVALUATION':
      return badRequestPage(TASK_FORM_MESSAGES.NOT_DECLARABLE);
  }
}
