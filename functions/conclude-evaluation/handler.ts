import { evaluationDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { concludeEvaluation } from '../../shared/usecases/evaluation.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = evaluationDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  concludeEvaluation(deps, purchaseId),
);
