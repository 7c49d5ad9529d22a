import { requireEnv } from '../../shared/runtime/env.js';
import { linkKeyProvider, sesMailer } from '../../shared/runtime/mail-and-links.js';
import { stepFunctionsCallbacks } from '../../shared/runtime/step-functions.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { awaitUpload } from '../../shared/usecases/contracting.js';
import { contractingDeps } from '../contracting-deps.js';
import { AwaitUploadInput } from '../workflow-input.js';

const deps = {
  ...contractingDeps(),
  mailer: sesMailer(),
  callbacks: stepFunctionsCallbacks,
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv('PUBLIC_BASE_URL'),
};

export const handler = workflowStep(AwaitUploadInput, (input) => awaitUpload(deps, input));
