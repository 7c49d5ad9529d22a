import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { DECISION_FORM_FIELDS, SCORE_FIELD_PREFIX } from '../../shared/pages/task-pages.js';
import { htmlResponse, pageErrors, rawBody } from '../../shared/runtime/http.js';
import { lifecycleSettings } from '../../shared/runtime/lifecycle-settings.js';
import { log } from '../../shared/runtime/log.js';
import { linkKeyProvider } from '../../shared/runtime/mail-and-links.js';
import { tableRepositories } from '../../shared/runtime/repositories.js';
import { createObjectReader, s3Client } from '../../shared/runtime/s3.js';
import { stepFunctionsCallbacks } from '../../shared/runtime/step-functions.js';
import { systemNow } from '../../shared/usecases/ports.js';
import {
  type DecisionForm,
  decideTask,
  reviewedUploadLinks,
  showTask,
  type TaskLinkDeps,
} from '../../shared/usecases/task-links.js';

const { tasks, purchases, payments, deliverables } = tableRepositories();
const { evaluation } = lifecycleSettings();
// Review pages link the files under review (signed contract, mid-term and final reports) only
// where the documents bucket is configured.
const documentsBucket = process.env.DOCUMENTS_BUCKET;
const deps: TaskLinkDeps = {
  tasks,
  purchases,
  payments,
  callbacks: stepFunctionsCallbacks,
  linkKey: linkKeyProvider(),
  now: systemNow,
  log: log.warn,
  rubric: evaluation.rubric,
  bands: evaluation.bands,
  ...(documentsBucket
    ? {
        documentUrls: reviewedUploadLinks({
          deliverables,
          objects: createObjectReader({ client: s3Client(), bucket: documentsBucket }),
        }),
      }
    : {}),
};

const MAX_FORM_BYTES = 16 * 1024;

/** The POSTed form: the decision fields, the declaration, and each `score_<CRITERION>` by criterion. */
function decisionForm(body: string): DecisionForm {
  const fields = new URLSearchParams(body.length <= MAX_FORM_BYTES ? body : '');
  const f = DECISION_FORM_FIELDS;
  const form: DecisionForm = {};
  for (const name of ['nonce', 'decision', 'comment', 'reference', 'declare'] as const) {
    const value = fields.get(f[name]);
    if (value !== null) form[name] = value;
  }
  const scores: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith(SCORE_FIELD_PREFIX) && name.length > SCORE_FIELD_PREFIX.length)
      scores[name.slice(SCORE_FIELD_PREFIX.length)] ??= value;
  }
  if (Object.keys(scores).length > 0) form.scores = scores;
  return form;
}

/** GET|HEAD|POST /tasks/{taskId}?sig=...: the decision link from an e-mail. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(pageErrors())
  .handler(async (event) => {
    const method = event.requestContext.http.method;
    const taskId = event.pathParameters?.taskId ?? '';
    const sig = event.queryStringParameters?.sig;
    if (method !== 'POST') return htmlResponse(await showTask(deps, { taskId, sig }), method);
    const page = await decideTask(deps, { taskId, sig, form: decisionForm(rawBody(event)) });
    return htmlResponse(page, method);
  });
