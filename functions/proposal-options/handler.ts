import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, requirePermission } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type ProposalOptionsDeps, proposalOptions } from '../../shared/usecases/proposal-options.js';

/**
 * GET /proposal-options?year: what the new-proposal form offers an officer for a budget year (its
 * budget lines with what is left, the catalogue and negative list, the salary benchmark).
 */
export function createHandler(deps: ProposalOptionsDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      requirePermission(event, 'submitProposal');
      return json(200, await proposalOptions(deps, event.queryStringParameters ?? {}));
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler({
  budgets: tableRepositories().budgets,
  settings: policySettings(),
  now: systemNow,
}).use(loadReferenceData());
