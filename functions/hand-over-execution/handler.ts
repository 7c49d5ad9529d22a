import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowExecutions, workflowStarter } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type HandOverDeps, handOverPurchase } from '../../shared/usecases/hand-over.js';
import { HandOverInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: HandOverDeps) {
  return workflowStep(HandOverInput, ({ purchaseId, execution }) =>
    handOverPurchase(deps, { purchaseId, from: execution }),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  workflow: workflowStarter(),
  executions: workflowExecutions(),
  now: systemNow,
});
