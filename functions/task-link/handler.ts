import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { htmlResponse, pageErrors, rawBody } from '../../shared/runtime/http.js';
import { log } from '../../shared/runtime/log.js';
import { linkKeyProvider } from '../../shared/runtime/mail-and-links.js';
import { tableRepositories } from '../../shared/runtime/repositories.js';
import { createObjectReader, s3Client } from '../../shared/runtime/s3.js';
import { stepFunctionsCallbacks } from '../../shared/runtime/step-functions.js';
import { systemNow } from '../../shared/usecases/ports.js';
import {
  decideTask,
  reviewedUploadLink,
  showTask,
  type TaskLinkDeps,
} from '../../shared/usecases/task-links.js';

const { tasks, purchases, payments, deliverables } = tableRepositories();
// Review pages link the file under review (signed contract, mid-term report) only where the
// documents bucket is configured.
const documentsBucket = process.env.DOCUMENTS_BUCKET;
const deps: TaskLinkDeps = {
  tasks,
  purchases,
  payments,
  callbacks: stepFunctionsCallbacks,
  linkKey: linkKeyProvider(),
  now: systemNow,
  log: log.warn,
  ...(documentsBucket
    ? {
        documentUrl: reviewedUploadLink({
          deliverables,
          objects: createObjectReader({ client: s3Client(), bucket: documentsBucket }),
        }),
      }
    : {}),
};

const MAX_FORM_BYTES = 16 * 1024;

/** GET|HEAD|POST /tasks/{taskId}?sig=...: the decision link from an e-mail. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(pageErrors())
  .handler(async (event) => {
    const method = event.requestContext.http.method;
    const taskId = event.pathParameters?.taskId ?? '';
    const sig = event.queryStringParameters?.sig;
    if (method !== 'POST') return htmlResponse(await showTask(deps, { taskId, sig }), method);
    const body = rawBody(event);
    const form = new URLSearchParams(body.length <= MAX_FORM_BYTES ? body : '');
    const page = await decideTask(deps, {
      taskId,
      sig,
      form: {
        nonce: form.get('nonce') ?? undefined,
        decision: form.get('decision') ?? undefined,
        comment: form.get('comment') ?? undefined,
        reference: form.get('reference') ?? undefined,
      },
    });
    return htmlResponse(page, method);
  });
