import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { ngoNoticePorts, workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { concludeApproval } from '../../shared/usecases/approval-outcome.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { PurchaseStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome, and the NGO once approval had begun. */
export function createHandler(deps: WorkflowDeps & InformNgoDeps) {
  const conclude = thenInformNgo(deps, ['APPROVED'], ({ purchaseId }) => concludeApproval(deps, purchaseId));
  return workflowStep(PurchaseStepInput, async (input) => {
    await conclude(input);
    // Per run of the step: a Step Functions retry of a run that had succeeded would count twice.
    countEvent(BUSINESS_METRICS.proposalsApproved);
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...workflowDeps(), ...ngoNoticePorts() });
