import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { concludeContracting } from '../../shared/usecases/contracting.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  concludeContracting(deps, purchaseId),
);
