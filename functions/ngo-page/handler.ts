import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { documentObjects, uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { htmlResponse, json, pageErrors, rawBody } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { ngoLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import { PAGE_HEADERS } from '../../shared/presentation/pages/layout.js';
import { showNgoPage } from '../../shared/usecases/ngo-uploads/ngo-page.js';
import type { NgoPageDeps } from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { presignUpload } from '../../shared/usecases/ngo-uploads/presign-upload.js';

/** The presign request is four short fields; anything bigger is not one. */
const MAX_JSON_BYTES = 4 * 1024;

function isUploadsRoute(event: APIGatewayProxyEventV2): boolean {
  return /\/uploads\/?$/.test(event.rawPath);
}

/** The uploads route answers in JSON even when it fails; the page route with the plain 500 page. */
function ngoErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const page = pageErrors();
  return {
    onError: async (request) => {
      if (!isUploadsRoute(request.event)) return page.onError?.(request);
      const error = request.error as Error;
      log.error('unhandled error', { error: error.name, message: error.message });
      request.response = json(500, {
        message: '系统暂时出错，请稍后重试。 Something went wrong; try again later.',
      });
    },
  };
}

/**
 * GET|HEAD /ngo/{purchaseId}?exp&sig: the NGO's page.
 * POST /ngo/{purchaseId}/uploads?exp&sig: a presigned POST for one file (JSON in, JSON out).
 */
export function createHandler(deps: NgoPageDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(ngoErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      const method = event.requestContext.http.method;
      const link = {
        purchaseId: event.pathParameters?.purchaseId ?? '',
        exp: event.queryStringParameters?.exp,
        sig: event.queryStringParameters?.sig,
      };
      if (isUploadsRoute(event)) {
        if (method !== 'POST') return json(405, { message: 'POST a JSON upload request here.' });
        const text = rawBody(event);
        let body: unknown;
        try {
          body = text.length <= MAX_JSON_BYTES ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        if (body === undefined)
          return json(400, { message: '请求须为 JSON。 The request must be a small JSON object.' });
        const reply = await presignUpload(deps, { ...link, body });
        return answered(json(reply.statusCode, reply.body));
      }
      if (method !== 'GET' && method !== 'HEAD') return json(405, { message: 'GET this page.' });
      const page = await showNgoPage(deps, link);
      const response = htmlResponse(page, method);
      if (!('contentSecurityPolicy' in page)) return answered(response);
      return answered({
        ...response,
        headers: { ...PAGE_HEADERS, 'Content-Security-Policy': page.contentSecurityPolicy },
      });
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): NgoPageDeps {
  const { purchases, deliverables, waits } = tableRepositories();
  return {
    purchases,
    deliverables,
    waits,
    signer: uploadSigner(),
    objects: documentObjects(),
    linkKey: ngoLinkKeys(),
    settings: lifecycleSettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps());
