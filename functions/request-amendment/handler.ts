import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { workflowStarter } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type RequestAmendmentDeps, requestAmendment } from '../../shared/usecases/request-amendment.js';

/** What each outcome answers: the console shows it on the purchase page. */
const STATUS = { REQUESTED: 202, NOT_AMENDABLE: 409, UNKNOWN: 404 } as const;

/**
 * POST /purchases/{id}/amendments: the officer who registered the purchase (or an administrator)
 * asks to amend its signed contract (rationale; new end date, value with its budget lines, tranche
 * amounts, NGO contact). 202: recorded and sent for approval; 400 names each field that is wrong;
 * 409 when the contract is not in force, the purchase ended, or another amendment is open.
 */
export function createHandler(deps: RequestAmendmentDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'amendPurchase');
      const outcome = await requestAmendment(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        body: parseJsonBody(event),
        staff,
      });
      log.info('amendment requested', { outcome: outcome.outcome });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
function defaultDeps(): RequestAmendmentDeps {
  const { purchases, payments, budgets } = tableRepositories();
  return {
    purchases,
    payments,
    budgets,
    workflow: workflowStarter(),
    settings: policySettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps()).use(loadReferenceData());
