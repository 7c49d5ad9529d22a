import { contractingDeps, ngoNoticePorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type ContractingDeps, concludeContracting } from '../../shared/usecases/contracting.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); the NGO hears the contract is in force. */
export function createHandler(deps: ContractingDeps & InformNgoDeps) {
  return workflowStep(
    PurchaseStepInput,
    thenInformNgo(deps, ['CONTRACT_IN_FORCE'], ({ purchaseId }) => concludeContracting(deps, purchaseId)),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...contractingDeps(), ...ngoNoticePorts() });
