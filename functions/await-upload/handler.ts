import { ngoLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { contractingDeps, humanStepPorts } from '../../shared/lambda/stage-deps.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { type AwaitUploadDeps, awaitUpload } from '../../shared/usecases/contracting.js';
import { AwaitUploadInput } from '../workflow-input.js';

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: AwaitUploadDeps) {
  return workflowStep(AwaitUploadInput, (input) => awaitUpload(deps, input));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ ...contractingDeps(), ...humanStepPorts(ngoLinkKeys()) });
