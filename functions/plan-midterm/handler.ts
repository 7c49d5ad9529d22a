import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { planMidterm } from '../../shared/usecases/midterm.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => planMidterm(deps, purchaseId));
