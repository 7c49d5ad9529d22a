import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import type { Mailer } from '../../shared/ports/mailer.js';
import { concludeApproval } from '../../shared/usecases/approval-outcome.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome. */
export function createHandler(deps: WorkflowDeps & { mailer: Mailer }) {
  return workflowStep(PurchaseStepInput, ({ purchaseId }) => concludeApproval(deps, purchaseId));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...workflowDeps(), mailer: sesMailer() });
