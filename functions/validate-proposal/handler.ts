import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { validateProposal } from '../../shared/usecases/approval-workflow.js';
import { PurchaseStepInput } from '../workflow-input.js';
import { workflowDeps } from '../workflow-deps.js';

const deps = workflowDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => validateProposal(deps, purchaseId));
