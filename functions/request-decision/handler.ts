import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData } from '../../shared/lambda/settings.js';
import { humanStepPorts, workflowDeps } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type RequestDecisionDeps, requestDecision } from '../../shared/usecases/request-decision.js';
import { RequestDecisionInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: RequestDecisionDeps) {
  return workflowStep(RequestDecisionInput, (input) => requestDecision(deps, input));
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler({
  ...workflowDeps(),
  ...humanStepPorts(taskLinkKeys()),
  delegations: tableRepositories().delegations,
}).use(loadReferenceData());
