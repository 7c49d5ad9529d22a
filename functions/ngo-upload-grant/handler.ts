import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { ngoLinkKeys } from '../../shared/lambda/mail-and-links.js';
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
import type { UploadGrantDeps } from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { presignUpload } from '../../shared/usecases/ngo-uploads/presign-upload.js';

/**
 * POST /ngo/{purchaseId}/uploads?exp&sig: a presigned POST for one file (JSON in, JSON out),
 * while the day's grants of its kind last. Open to the internet like the NGO's page, it writes
 * the day's grant count and nothing else.
 */
export function createHandler(deps: UploadGrantDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(uploadGrantErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      if (event.requestContext.http.method !== 'POST') return postOnly();
      const body = smallJsonBody(event);
      if (body === undefined) return notJson();
      const link = {
        purchaseId: event.pathParameters?.purchaseId ?? '',
        exp: event.queryStringParameters?.exp,
        sig: event.queryStringParameters?.sig,
      };
      return answered(grantResponse(await presignUpload(deps, { ...link, body })));
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
