import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import {
  grantResponse,
  notJson,
  postOnly,
  smallJsonBody,
  uploadGrantErrors,
} from '../../shared/lambda/upload-grant-http.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  grantReportUpload,
  type ReportGrantDeps,
} from '../../shared/usecases/task-links/report-upload-grant.js';

/**
 * POST /tasks/{taskId}/report?sig: a presigned POST for the evaluation agency's written report (a
 * PDF), asked for by the script of its evaluation page. Open to the internet like the task link,
 * it reads the task and the purchase and writes the day's grant count, nothing else.
 */
export function createHandler(deps: ReportGrantDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(uploadGrantErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      if (event.requestContext.http.method !== 'POST') return postOnly();
      const body = smallJsonBody(event);
      if (body === undefined) return notJson();
      const taskId = event.pathParameters?.taskId ?? '';
      const sig = event.queryStringParameters?.sig;
      return answered(grantResponse(await grantReportUpload(deps, { taskId, sig, body })));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): ReportGrantDeps {
  const { tasks, purchases, uploadCounts } = tableRepositories();
  return {
    tasks,
    purchases,
    uploadCounts,
    signer: uploadSigner(),
    linkKey: taskLinkKeys(),
    settings: lifecycleSettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps());
