import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { documentObjects, uploadSigner } from '../../shared/lambda/documents-bucket.js';
import { htmlResponse, json, pageErrors } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { ngoLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings, policySettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import { showNgoPage } from '../../shared/usecases/ngo-uploads/ngo-page.js';
import type { NgoPageDeps } from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';

/**
 * GET|HEAD /ngo/{purchaseId}?exp&sig: the NGO's page. It only reads; the upload grant its
 * script asks for is another function's (ngo-upload-grant).
 */
export function createHandler(deps: NgoPageDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(pageErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      const method = event.requestContext.http.method;
      const link = {
        purchaseId: event.pathParameters?.purchaseId ?? '',
        exp: event.queryStringParameters?.exp,
        sig: event.queryStringParameters?.sig,
      };
      if (method !== 'GET' && method !== 'HEAD') return json(405, { message: 'GET this page.' });
      // The page's own policy (its upload script's nonce) replaces the default one.
      return answered(htmlResponse(await showNgoPage(deps, link), method));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): NgoPageDeps {
  const { purchases, deliverables, payments, waits, uploadCounts } = tableRepositories();
  return {
    purchases,
    deliverables,
    payments,
    waits,
    uploadCounts,
    signer: uploadSigner(),
    objects: documentObjects(),
    linkKey: ngoLinkKeys(),
    settings: lifecycleSettings(),
    policy: policySettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps());
