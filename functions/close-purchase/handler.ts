import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { closePurchase } from '../../shared/usecases/evaluation.js';
import { evaluationDeps } from '../evaluation-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = evaluationDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => closePurchase(deps, purchaseId));
