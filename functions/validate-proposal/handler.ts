import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { validateProposal } from '../../shared/usecases/approval-workflow.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = workflowDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  validateProposal(deps, purchaseId),
);
