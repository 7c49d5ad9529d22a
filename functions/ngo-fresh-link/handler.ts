import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { htmlResponse, json, pageErrors } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { ngoLinkKeys, sesMailer } from '../../shared/lambda/mail-and-links.js';
import { timeLinkAnswer } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  type FreshNgoLinkDeps,
  requestFreshNgoLink,
} from '../../shared/usecases/ngo-uploads/fresh-ngo-link.js';

/**
 * POST /ngo/{purchaseId}/fresh-link?exp&sig: the expired NGO page's button. It mails a fresh page
 * link to the purchase's registered contact, at most once an hour; the link itself is never shown.
 */
export function createHandler(deps: FreshNgoLinkDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(pageErrors())
    .handler(async (event) => {
      const answered = timeLinkAnswer();
      if (event.requestContext.http.method !== 'POST') return json(405, { message: 'POST the form.' });
      const page = await requestFreshNgoLink(deps, {
        purchaseId: event.pathParameters?.purchaseId ?? '',
        exp: event.queryStringParameters?.exp,
        sig: event.queryStringParameters?.sig,
      });
      return answered(htmlResponse(page, 'POST'));
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  mailer: sesMailer(),
  linkKey: ngoLinkKeys(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
  settings: lifecycleSettings(),
  now: systemNow,
});
