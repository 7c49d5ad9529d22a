import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import type { Mailer } from '../../shared/ports/mailer.js';
import { rejectPurchase } from '../../shared/usecases/approval-outcome.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { RejectPurchaseInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome. */
export function createHandler(deps: WorkflowDeps & { mailer: Mailer }) {
  return workflowStep(RejectPurchaseInput, async (input) => {
    await rejectPurchase(deps, input);
    // Per run of the step: a Step Functions retry of a run that had succeeded would count twice.
    countEvent(BUSINESS_METRICS.proposalsRejected);
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...workflowDeps(), mailer: sesMailer() });
