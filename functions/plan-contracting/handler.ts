import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { planContracting } from '../../shared/usecases/contracting.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => planContracting(deps, purchaseId));
