import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { planMidterm } from '../../shared/usecases/midterm.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => planMidterm(deps, purchaseId));
