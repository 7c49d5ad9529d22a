import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { terminatePurchase } from '../../shared/usecases/contracting.js';
import { TerminatePurchaseInput } from '../workflow-input.js';

const deps = contractingDeps();

export const handler = workflowStep(TerminatePurchaseInput, (input) => terminatePurchase(deps, input));
