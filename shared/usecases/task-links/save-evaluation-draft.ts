import type { HumanTask } from '../../domain/tasks.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { badRequestPage, expiredPage, notFoundPage } from '../../presentation/pages/status-pages.js';
import { DRAFT_VALUE } from '../../presentation/pages/task/decision-form-fields.js';
import { TASK_FORM_MESSAGES } from '../../presentation/task-form-messages.js';
import { checkDraft, type DecisionForm } from './decision-form.js';
import { isExpired } from './open-task-link.js';
import type { TaskLinkDeps } from './task-link-deps.js';
import { decidedView, pendingPage, refusedPostPage } from './task-link-pages.js';

/**
 * POST with Save draft: the evaluator's scores and comment as typed so far are kept on its task
 * (the newest replaces the one before; each is on the audit trail), and the same page comes back
 * with them filled in. A draft decides nothing: only Submit scores does.
 */
export async function saveEvaluationDraft(
  deps: TaskLinkDeps,
  task: HumanTask,
  form: DecisionForm & { nonce: string },
): Promise<HtmlPage> {
  if (task.purpose !== 'EVALUATION') return badRequestPage(TASK_FORM_MESSAGES.NOT_DRAFTABLE);
  if (form.draft !== DRAFT_VALUE) return badRequestPage(TASK_FORM_MESSAGES.INVALID_EVALUATION_DECISION);
  const checked = checkDraft(deps, form);
  if (!checked.ok) return badRequestPage(checked.refusal);
  const result = await deps.tasks.saveDraft({
    taskId: task.taskId,
    nonce: form.nonce,
    draft: checked.draft,
    now: deps.now(),
  });
  switch (result.outcome) {
    case 'SAVED': {
      // The link may lapse in the very moment the draft is kept: the page says so rather than offer a form.
      if (isExpired(result.task, deps.now())) return expiredPage();
      const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
      if (!purchase) return notFoundPage();
      return pendingPage(deps, result.task, purchase);
    }
    case 'NOT_DECLARED':
      return badRequestPage(TASK_FORM_MESSAGES.DECLARATION_FIRST);
    case 'NOT_EVALUATION':
      return badRequestPage(TASK_FORM_MESSAGES.NOT_DRAFTABLE);
    case 'ALREADY_DECIDED':
      return decidedView(deps, result.task, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
    case 'BAD_NONCE':
    case 'NOT_FOUND':
      return refusedPostPage(result.outcome);
  }
}
