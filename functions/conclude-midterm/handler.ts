import { contractingDeps, ngoNoticePorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import type { ContractingDeps } from '../../shared/usecases/contracting.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import { concludeMidterm } from '../../shared/usecases/midterm.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); the NGO hears its report passed. */
export function createHandler(deps: ContractingDeps & InformNgoDeps) {
  return workflowStep(
    PurchaseStepInput,
    thenInformNgo(deps, ['MIDTERM_PASSED'], ({ purchaseId }) => concludeMidterm(deps, purchaseId)),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...contractingDeps(), ...ngoNoticePorts() });
