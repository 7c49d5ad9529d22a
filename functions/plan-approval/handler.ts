import { loadReferenceData } from '../../shared/lambda/settings.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { planApproval } from '../../shared/usecases/plan-approval.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { PlanStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: WorkflowDeps) {
  return workflowStep(PlanStepInput, ({ purchaseId, startedAt }) =>
    planApproval(deps, purchaseId, { startedAt }),
  );
}

/** Wired to AWS once per execution environment, at cold start; the benchmark it records is reference data. */
export const handler = createHandler(workflowDeps()).use(loadReferenceData());
