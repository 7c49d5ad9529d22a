import { contractingDeps, ngoNoticePorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type ContractingDeps, terminatePurchase } from '../../shared/usecases/contracting.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import { TerminatePurchaseInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); the NGO hears the purchase ended and why. */
export function createHandler(deps: ContractingDeps & InformNgoDeps) {
  return workflowStep(
    TerminatePurchaseInput,
    thenInformNgo(deps, ['TERMINATED'], (input) => terminatePurchase(deps, input)),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...contractingDeps(), ...ngoNoticePorts() });
