import { evaluationDeps, ngoNoticePorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { closePurchase, type EvaluationDeps } from '../../shared/usecases/evaluation.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); the NGO hears the purchase is closed. */
export function createHandler(deps: EvaluationDeps & InformNgoDeps) {
  return workflowStep(
    PurchaseStepInput,
    thenInformNgo(deps, ['CLOSED'], ({ purchaseId }) => closePurchase(deps, purchaseId)),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...evaluationDeps(), ...ngoNoticePorts() });
