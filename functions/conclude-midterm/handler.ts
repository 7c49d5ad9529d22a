import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { concludeMidterm } from '../../shared/usecases/midterm.js';
import { contractingDeps } from '../contracting-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(PurchaseStepInput, ({ purchaseId }) => concludeMidterm(deps, purchaseId));
