import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { linkKeyProvider, sesMailer } from '../../shared/lambda/mail-and-links.js';
import { contractingDeps } from '../../shared/lambda/stage-deps.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { awaitUpload } from '../../shared/usecases/contracting.js';
import { AwaitUploadInput } from '../workflow-input.js';

const deps = {
  ...contractingDeps(),
  mailer: sesMailer(),
  callbacks: taskCallbacks(),
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
};

export const handler = workflowStep(AwaitUploadInput, (input) => awaitUpload(deps, input));
