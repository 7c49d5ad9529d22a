import { requireEnv } from '../../shared/runtime/env.js';
import { linkKeyProvider, sesMailer } from '../../shared/runtime/mail-and-links.js';
import { stepFunctionsCallbacks } from '../../shared/runtime/step-functions.js';
import { workflowStep } from '../../shared/runtime/workflow-step.js';
import { requestEvaluation } from '../../shared/usecases/evaluation.js';
import { evaluationDeps } from '../evaluation-deps.js';
import { RequestEvaluationInput } from '../workflow-input.js';

const deps = {
  ...evaluationDeps(),
  mailer: sesMailer(),
  callbacks: stepFunctionsCallbacks,
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv('PUBLIC_BASE_URL'),
};

export const handler = workflowStep(RequestEvaluationInput, (input) => requestEvaluation(deps, input));
