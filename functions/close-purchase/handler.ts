import { evaluationDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { closePurchase } from '../../shared/usecases/evaluation.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = evaluationDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => closePurchase(deps, purchaseId));
