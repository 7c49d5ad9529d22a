import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { planContracting } from '../../shared/usecases/contracting.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => planContracting(deps, purchaseId));
