import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { documentObjectsIfGranted, uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { htmlResponse, pageErrors, rawBody } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { sesMailer, taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent, timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  DECISION_FORM_FIELDS,
  SCORE_FIELD_PREFIX,
} from '../../shared/presentation/pages/task/decision-form-fields.js';
import { decideTask } from '../../shared/usecases/task-links/decide-task.js';
import type { DecisionForm } from '../../shared/usecases/task-links/decision-form.js';
import { showTask } from '../../shared/usecases/task-links/open-task-link.js';
import { reviewedUploads } from '../../shared/usecases/task-links/task-documents.js';
import type { TaskLinkDeps } from '../../shared/usecases/task-links/task-link-deps.js';

const MAX_FORM_BYTES = 16 * 1024;

/** The POSTed form: the decision fields, the declaration, and each `score_<CRITERION>` by criterion. */
function decisionForm(body: string): DecisionForm {
  const fields = new URLSearchParams(body.length <= MAX_FORM_BYTES ? body : '');
  const f = DECISION_FORM_FIELDS;
  const form: DecisionForm = {};
  for (const name of [
    'nonce',
    'decision',
    'comment',
    'reference',
    'amount',
    'declare',
    'actingEmail',
    'confirmed',
    'draft',
  ] as const) {
    const value = fields.get(f[name]);
    if (value !== null) form[name] = value;
  }
  const scores: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith(SCORE_FIELD_PREFIX) && name.length > SCORE_FIELD_PREFIX.length)
      scores[name.slice(SCORE_FIELD_PREFIX.length)] ??= value;
  }
  if (Object.keys(scores).length > 0) form.scores = scores;
  const reviewed = fields.getAll(f.reviewed);
  if (reviewed.length > 0) form.reviewed = reviewed;
  return form;
}

/** GET|HEAD|POST /tasks/{taskId}?sig=...: the decision link from an e-mail. */
export function createHandler(deps: TaskLinkDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(pageErrors())
    .handler(async (event) => {
      const method = event.requestContext.http.method;
      const answered = timeLinkAnswer();
      const taskId = event.pathParameters?.taskId ?? '';
      const sig = event.queryStringParameters?.sig;
      if (method !== 'POST') return answered(htmlResponse(await showTask(deps, { taskId, sig }), method));
      const page = await decideTask(deps, { taskId, sig, form: decisionForm(rawBody(event)) });
      return answered(htmlResponse(page, method));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): TaskLinkDeps {
  const { tasks, purchases, payments, deliverables } = tableRepositories();
  const { evaluation, uploads } = lifecycleSettings();
  // Review pages show the files under review (signed contract, mid-term and final reports), and
  // link them where the documents bucket is granted.
  const documentObjects = documentObjectsIfGranted();
  return {
    tasks,
    purchases,
    payments,
    callbacks: taskCallbacks(),
    // A payment confirmed is mailed to the NGO's contact.
    mailer: sesMailer(),
    linkKey: taskLinkKeys(),
    now: systemNow,
    log: log.warn,
    onDecided: (purpose) =>
      countEvent(
        purpose === 'PAYMENT_CONFIRMATION'
          ? BUSINESS_METRICS.paymentsConfirmed
          : BUSINESS_METRICS.decisionsRecorded,
      ),
    rubric: evaluation.rubric,
    bands: evaluation.bands,
    reviewedDocuments: reviewedUploads({
      deliverables,
      ...(documentObjects ? { objects: documentObjects } : {}),
    }),
    // The evaluation page's report form posts to the bucket: the page names the bucket's origin in
    // its policy. The grant itself is another function's (evaluation-report-grant).
    ...(documentObjects ? { reportUploads: { signer: uploadSigner(), maxBytes: uploads.maxBytes } } : {}),
  };
}

export const handler = createHandler(defaultDeps());
