import { stepsAside } from '../../domain/evaluation-assignment.js';
import type { Stage } from '../../domain/lifecycle.js';
import { isLinkPurpose, type LinkPurpose } from '../../domain/tasks.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { BAD_REQUEST_MESSAGES, badRequestPage, expiredPage } from '../../presentation/pages/status-pages.js';
import { TASK_FORM_MESSAGES } from '../../presentation/task-form-messages.js';
import { checkForm, type DecisionForm } from './decision-form.js';
import { declareIndependence } from './declare-independence.js';
import { deliver, deliveryAbandoned } from './deliver-decision.js';
import { isServed, openLink } from './open-task-link.js';
import { completePayment, confirmPayment, refusalOfUnpayable } from './payment-confirmation.js';
import { saveEvaluationDraft } from './save-evaluation-draft.js';
import { checkReviewedUploads } from './task-documents.js';
import type { TaskLinkDeps } from './task-link-deps.js';
import { confirmationStep, decidedView, refusedPostPage } from './task-link-pages.js';

/**
 * The stage in which an execution resumed from DynamoDB picks a recorded decision up when
 * no execution waited on the token; outside it the step is over.
 */
const WAITING_STAGE: Readonly<Record<LinkPurpose, Stage | undefined>> = {
  APPROVAL: 'APPROVAL',
  COUNTERSIGN: 'CONTRACTING',
  // Nobody waits on a payment confirmation: recording it is the whole step.
  PAYMENT_CONFIRMATION: undefined,
  MIDTERM_REVIEW: 'MIDTERM_REVIEW',
  LATE_REPORT: 'MIDTERM_REVIEW',
  EVALUATION: 'EVALUATION',
  // An amendment's execution runs beside the purchase's, in whatever stage the purchase is.
  AMENDMENT_APPROVAL: undefined,
};

/**
 * POST: records the decision with a conditional write (the first one wins), then completes it: a
 * payment confirmation on the tranche's payment step, and SendTaskSuccess when an execution waits
 * on the task. Later POSTs, and a second tab, see the recorded decision. Nothing is recorded for
 * an approval not yet confirmed on its second step (that step is shown), a payment of a tranche
 * that is not due, or a review whose files are no longer the ones its page showed.
 */
export async function decideTask(
  deps: TaskLinkDeps,
  input: { taskId: string; sig?: string; form: DecisionForm },
): Promise<HtmlPage> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return opened.page;
  const { task } = opened;
  if (!isServed(task) || !isLinkPurpose(task.purpose))
    return badRequestPage(TASK_FORM_MESSAGES.NOT_DECIDABLE_HERE);
  const purpose = task.purpose;
  if (!input.form.nonce) return badRequestPage(BAD_REQUEST_MESSAGES.MISSING_NONCE);
  if (input.form.declare !== undefined)
    return declareIndependence(deps, task, input.form.declare, input.form.nonce);
  if (input.form.draft !== undefined)
    return saveEvaluationDraft(deps, task, { ...input.form, nonce: input.form.nonce });
  const checked = checkForm(deps, purpose, task, input.form);
  if (!checked.ok) return badRequestPage(checked.refusal);
  if (!checked.confirmed) return confirmationStep(deps, task, { ...checked, nonce: input.form.nonce });
  // A payment task that names no tranche is a bug upstream, and a tranche that is not due cannot
  // be paid: refuse before anything is recorded.
  if (purpose === 'PAYMENT_CONFIRMATION') {
    const unpayable = await refusalOfUnpayable(deps, task);
    if (unpayable) return unpayable;
  }
  // An agency stepping aside decides nothing about the files (before its declaration it never saw them).
  const files = stepsAside(checked.decision)
    ? { ok: true as const }
    : await checkReviewedUploads(deps.reviewedDocuments, task, input.form.reviewed ?? []);
  if (!files.ok) return files.page;
  const data = { ...checked.data, ...(files.reviewed ? { reviewed: files.reviewed } : {}) };

  const result = await deps.tasks.decide({
    taskId: input.taskId,
    nonce: input.form.nonce,
    decision: checked.decision,
    comment: checked.comment,
    ...(Object.keys(data).length > 0 ? { data } : {}),
    now: deps.now(),
  });
  switch (result.outcome) {
    case 'DECIDED': {
      deps.onDecided?.(purpose);
      if (purpose === 'PAYMENT_CONFIRMATION') await confirmPayment(deps, result.task);
      const delivered = await deliver(deps, result.task, true);
      const stage = WAITING_STAGE[purpose];
      if (delivered === 'CLOSED' && stage) {
        // The execution is not waiting on this token. While the purchase is still in the
        // task's stage it is being resumed, and the resumed execution picks the recorded
        // decision up from DynamoDB; otherwise the step is over (it lapsed).
        const purchase = await deps.purchases.getPurchase(result.task.purchaseId);
        deps.log?.('decision recorded while no execution waited for it', {
          purchaseId: result.task.purchaseId,
          stage: purchase?.stage,
        });
        if (purchase?.stage !== stage) return expiredPage();
      }
      return decidedView(deps, result.task, 'RECORDED');
    }
    case 'ALREADY_DECIDED':
      // A first POST that recorded but did not finish (a crash, a throttled call) is completed here;
      // one still running delivers its own decision.
      if (purpose === 'PAYMENT_CONFIRMATION') await completePayment(deps, result.task);
      if (await deliveryAbandoned(deps, result.task)) await deliver(deps, result.task);
      return decidedView(deps, result.task, 'ALREADY_DECIDED');
    case 'NOT_PENDING':
    case 'EXPIRED':
    case 'BAD_NONCE':
    case 'NOT_FOUND':
      return refusedPostPage(result.outcome);
  }
}
