import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { concludeEvaluation } from '../../shared/usecases/evaluation.js';
import { evaluationDeps } from '../evaluation-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = evaluationDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  concludeEvaluation(deps, purchaseId),
);
