import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { ngoNoticePorts, workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { rejectPurchase } from '../../shared/usecases/approval-outcome.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { RejectPurchaseInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome, and the NGO once approval had begun. */
export function createHandler(deps: WorkflowDeps & InformNgoDeps) {
  const reject = thenInformNgo(deps, ['NOT_APPROVED'], (input: RejectPurchaseInput) =>
    rejectPurchase(deps, input),
  );
  return workflowStep(RejectPurchaseInput, async (input) => {
    await reject(input);
    // Per run of the step: a Step Functions retry of a run that had succeeded would count twice.
    countEvent(BUSINESS_METRICS.proposalsRejected);
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...workflowDeps(), ...ngoNoticePorts() });
