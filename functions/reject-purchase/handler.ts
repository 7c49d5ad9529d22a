import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { rejectPurchase } from '../../shared/usecases/approval-workflow.js';
import { workflowDeps } from '../workflow-deps.js';
import { RejectPurchaseInput } from '../workflow-input.js';

const deps = workflowDeps();

export const handler = workflowStep(RejectPurchaseInput, (input) => rejectPurchase(deps, input));
