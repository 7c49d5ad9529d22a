import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  BadRequestError,
  json,
  jsonErrors,
  parseJsonBody,
  requirePermission,
} from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { workflowStarter } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type SubmitProposalDeps, submitProposal } from '../../shared/usecases/submit-proposal.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** POST /purchases: a purchasing officer registers a proposal. */
export function createHandler(deps: SubmitProposalDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'submitProposal');
      const idempotencyKey = event.headers['idempotency-key'];
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new BadRequestError('Idempotency-Key must be 8 to 64 letters, digits, "-" or "_"');
      }
      const { purchase, created } = await submitProposal(deps, {
        body: parseJsonBody(event),
        staff,
        idempotencyKey,
      });
      log.info(created ? 'purchase submitted' : 'purchase submission repeated', {
        purchaseId: purchase.purchaseId,
      });
      if (created) countEvent(BUSINESS_METRICS.proposalsSubmitted);
      return json(created ? 201 : 200, {
        purchaseId: purchase.purchaseId,
        stage: purchase.stage,
        totalFen: purchase.proposal.totalFen,
        links: { self: `/purchases/${purchase.purchaseId}` },
      });
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the reference data at every invocation. */
export const handler = createHandler({
  purchases: tableRepositories().purchases,
  budgets: tableRepositories().budgets,
  trackRecords: tableRepositories().trackRecords,
  workflow: workflowStarter(),
  settings: policySettings(),
  now: systemNow,
}).use(loadReferenceData());
