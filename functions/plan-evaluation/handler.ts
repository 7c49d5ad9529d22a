import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import type { ContractingDeps } from '../../shared/usecases/contracting.js';
import { planEvaluation } from '../../shared/usecases/evaluation.js';
import { PlanStepInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: ContractingDeps) {
  return workflowStep(PlanStepInput, ({ purchaseId, startedAt }) =>
    planEvaluation(deps, purchaseId, { startedAt }),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(contractingDeps());
