import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { loadReferenceData } from '../../shared/lambda/settings.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type RequestRevisionDeps, requestRevision } from '../../shared/usecases/request-revision.js';
import { RequestRevisionInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: RequestRevisionDeps) {
  return workflowStep(RequestRevisionInput, (input) => requestRevision(deps, input));
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler({
  ...workflowDeps(),
  mailer: sesMailer(),
  callbacks: taskCallbacks(),
}).use(loadReferenceData());
