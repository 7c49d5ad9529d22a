import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { linkKeyProvider, sesMailer } from '../../shared/lambda/mail-and-links.js';
import { workflowDeps } from '../../shared/lambda/stage-deps.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { requestDecision } from '../../shared/usecases/approval-workflow.js';
import { RequestDecisionInput } from '../workflow-input.js';

const deps = {
  ...workflowDeps(),
  mailer: sesMailer(),
  callbacks: taskCallbacks(),
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
};

export const handler = workflowStep(RequestDecisionInput, (input) => requestDecision(deps, input));
