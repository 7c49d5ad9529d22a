import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { recordMissingFinalReport } from '../../shared/usecases/evaluation.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) =>
  recordMissingFinalReport(deps, purchaseId),
);
