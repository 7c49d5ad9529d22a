import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { recordMissingFinalReport } from '../../shared/usecases/evaluation.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  recordMissingFinalReport(deps, purchaseId),
);
