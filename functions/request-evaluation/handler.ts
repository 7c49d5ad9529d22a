import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { linkKeyProvider, sesMailer } from '../../shared/lambda/mail-and-links.js';
import { evaluationDeps } from '../../shared/lambda/stage-deps.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { requestEvaluation } from '../../shared/usecases/evaluation.js';
import { RequestEvaluationInput } from '../workflow-input.js';

const deps = {
  ...evaluationDeps(),
  mailer: sesMailer(),
  callbacks: taskCallbacks(),
  linkKey: linkKeyProvider(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
};

export const handler = workflowStep(RequestEvaluationInput, (input) => requestEvaluation(deps, input));
