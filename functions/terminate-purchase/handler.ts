import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type ContractingDeps, terminatePurchase } from '../../shared/usecases/contracting.js';
import { TerminatePurchaseInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: ContractingDeps) {
  return workflowStep(TerminatePurchaseInput, (input) => terminatePurchase(deps, input));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(contractingDeps());
