import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { loadReferenceData } from '../../shared/lambda/settings.js';
import { evaluationDeps, humanStepPorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type RequestEvaluationDeps, requestEvaluation } from '../../shared/usecases/evaluation.js';
import { RequestEvaluationInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: RequestEvaluationDeps) {
  return workflowStep(RequestEvaluationInput, (input) => requestEvaluation(deps, input));
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler({ ...evaluationDeps(), ...humanStepPorts(taskLinkKeys()) }).use(
  loadReferenceData(),
);
