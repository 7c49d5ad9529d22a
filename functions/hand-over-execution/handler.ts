import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowStarter } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { handOverPurchase } from '../../shared/usecases/hand-over.js';
import type { StartWorkflowDeps } from '../../shared/usecases/start-workflow.js';
import { HandOverInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: StartWorkflowDeps) {
  return workflowStep(HandOverInput, ({ purchaseId, execution }) =>
    handOverPurchase(deps, { purchaseId, from: execution }),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  workflow: workflowStarter(),
  now: systemNow,
});
