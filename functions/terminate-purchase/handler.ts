import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { terminatePurchase } from '../../shared/usecases/contracting.js';
import { contractingDeps } from '../contracting-deps.js';
import { TerminatePurchaseInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(TerminatePurchaseInput, (input) => terminatePurchase(deps, input));
