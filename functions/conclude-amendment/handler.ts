import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { concludeAmendment } from '../../shared/usecases/amendment-approval.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { ConcludeAmendmentInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome. */
export function createHandler(deps: WorkflowDeps) {
  return workflowStep(ConcludeAmendmentInput, async (input) => {
    const { id, status } = await concludeAmendment(deps, input);
    return { amendmentId: id, status };
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(workflowDeps());
