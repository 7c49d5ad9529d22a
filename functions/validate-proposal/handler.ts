import { loadReferenceData } from '../../shared/lambda/settings.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { validateProposal } from '../../shared/usecases/validate-proposal.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: WorkflowDeps) {
  return workflowStep(PurchaseStepInput, ({ purchaseId }) => validateProposal(deps, purchaseId));
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler(workflowDeps()).use(loadReferenceData());
