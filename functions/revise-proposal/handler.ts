import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type ReviseProposalDeps, reviseProposal } from '../../shared/usecases/revise-proposal.js';

/** What each outcome answers: the console shows it on the purchase page. */
const STATUS = { REVISED: 200, NOT_REVISABLE: 409, UNKNOWN: 404 } as const;

/**
 * PUT /purchases/{id}/proposal: the officer who registered the purchase (or an administrator)
 * resubmits the proposal an approver returned, corrected (the body of POST /purchases, plus an
 * optional `note`). 200: recorded, and the same approval level is asked again; 400 names each
 * field that is wrong; 409 when nothing waits for a revision.
 */
export function createHandler(deps: ReviseProposalDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'reviseProposal');
      const outcome = await reviseProposal(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        body: parseJsonBody(event),
        staff,
      });
      log.info('revision submitted', { outcome: outcome.outcome });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
function defaultDeps(): ReviseProposalDeps {
  const { purchases, budgets, tasks, trackRecords } = tableRepositories();
  return {
    purchases,
    budgets,
    tasks,
    trackRecords,
    callbacks: taskCallbacks(),
    settings: policySettings(),
    now: systemNow,
  };
}

export const handler = createHandler(defaultDeps()).use(loadReferenceData());
