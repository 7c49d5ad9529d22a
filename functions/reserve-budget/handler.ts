import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { reserveBudget } from '../../shared/usecases/approval-workflow.js';
import { workflowDeps } from '../workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = workflowDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => reserveBudget(deps, purchaseId));
