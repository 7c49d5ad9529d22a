import { requireEnv } from '../../shared/runtime/env.js';
import { linkKeyProvider, sesMailer } from '../../shared/runtime/mail-and-links.js';
import { stepFunctionsCallbacks } from '../../shared/runtime/step-functions.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { requestDecision } from '../../shared/usecases/approval-workflow.js';
import { workflowDeps } from '../workflow-deps.js';
import { RequestDecisionInput } from '../workflow-input.js';

const deps = {
  ...workflowDeps(),
  mailer: sesMailer(),
  callbacks: stepFunctionsCallbacks,
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv('PUBLIC_BASE_URL'),
};

export const handler = workflowStep(RequestDecisionInput, (input) => requestDecision(deps, input));
