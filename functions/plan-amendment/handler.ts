import { loadReferenceData } from '../../shared/lambda/settings.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { planAmendment } from '../../shared/usecases/amendment-approval.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: WorkflowDeps) {
  return workflowStep(PurchaseStepInput, ({ purchaseId }) => planAmendment(deps, purchaseId));
}

/** Wired to AWS once per execution environment, at cold start; the waits' calendar is reference data. */
export const handler = createHandler(workflowDeps()).use(loadReferenceData());
