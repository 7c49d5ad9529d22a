import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { json, rawBody } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { ngoLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import type { UploadGrantDeps } from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { type JsonReply, presignUpload } from '../../shared/usecases/ngo-uploads/presign-upload.js';

/** The presign request is four short fields; anything bigger is not one. */
const MAX_JSON_BYTES = 4 * 1024;

/** The page's script reads JSON even when the request fails: never an HTML error page here. */
function uploadErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as Error;
      log.error('unhandled error', { error: error.name, message: error.message });
      request.response = json(500, {
        message: '系统暂时出错，请稍后重试。 Something went wrong; try again later.',
      });
    },
  };
}

function reply({ statusCode, body, retryAfterSeconds }: JsonReply) {
  const response = json(statusCode, body);
  if (retryAfterSeconds === undefined) return response;
  return { ...response, headers: { ...response.headers, 'Retry-After': String(retryAfterSeconds) } };
}

/**
 * POST /ngo/{purchaseId}/uploads?exp&sig: a presigned POST for one file (JSON in, JSON out),
 * while the day's grants of its kind last. Open to the internet like the NGO's page, it writes
 * the day's grant count and nothing else.
 */
export function createHandler(deps: UploadGrantDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(uploadErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      if (event.requestContext.http.method !== 'POST')
        return json(405, { message: 'POST a JSON upload request here.' });
      const text = rawBody(event);
      let body: unknown;
      try {
        body = text.length <= MAX_JSON_BYTES ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (body === undefined)
        return json(400, { message: '请求须为 JSON。 The request must be a small JSON object.' });
      const link = {
        purchaseId: event.pathParameters?.purchaseId ?? '',
        exp: event.queryStringParameters?.exp,
        sig: event.queryStringParameters?.sig,
      };
      return answered(reply(await presignUpload(deps, { ...link, body })));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): UploadGrantDeps {
  const { purchases, waits, uploadCounts } = tableRepositories();
  return {
    purchases,
    waits,
    uploadCounts,
    signer: uploadSigner(),
    linkKey: ngoLinkKeys(),
    settings: lifecycleSettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps());
