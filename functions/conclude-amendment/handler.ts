import { ngoNoticePorts, workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { concludeAmendment } from '../../shared/usecases/amendment-approval.js';
import { type InformNgoDeps, thenInformNgo } from '../../shared/usecases/inform-ngo.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { ConcludeAmendmentInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones); it tells the officer the outcome, and the NGO an amendment in force. */
export function createHandler(deps: WorkflowDeps & InformNgoDeps) {
  const conclude = thenInformNgo(deps, ['AMENDED'], (input: ConcludeAmendmentInput) =>
    concludeAmendment(deps, input),
  );
  return workflowStep(ConcludeAmendmentInput, async (input) => {
    const { id, status } = await conclude(input);
    return { amendmentId: id, status };
  });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...workflowDeps(), ...ngoNoticePorts() });
