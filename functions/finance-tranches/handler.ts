import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { json, jsonErrors, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { taskLinkKeys } from '../../shared/lambda/mail-and-links.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type FinanceTranchesDeps, financeTranches } from '../../shared/usecases/finance-tranches.js';

/** GET /finance/tranches: every tranche finance was told to pay and has not confirmed. */
export function createHandler(deps: FinanceTranchesDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => json(200, await financeTranches(deps, requireStaff(event))));
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  payments: tableRepositories().payments,
  linkKey: taskLinkKeys(),
  baseUrl: requireEnv(ENV.publicBaseUrl),
  now: systemNow,
});
