import { evaluationDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { closePurchase, type EvaluationDeps } from '../../shared/usecases/evaluation.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: EvaluationDeps) {
  return workflowStep(PurchaseStepInput, ({ purchaseId }) => closePurchase(deps, purchaseId));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(evaluationDeps());
