import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../shared/domain/errors.js';
import { checkWithdrawalReason } from '../../shared/domain/withdrawal.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type WithdrawProposalDeps, withdrawProposal } from '../../shared/usecases/withdraw-proposal.js';

const WithdrawRequest = z.strictObject({ reason: z.string() });

/** What each outcome answers: the console shows it next to the button. */
const STATUS = { WITHDRAWN: 202, ALREADY_WITHDRAWN: 200, TOO_LATE: 409, UNKNOWN: 404 } as const;

/**
 * POST /purchases/{id}/withdraw `{"reason"}`: an officer or administrator withdraws a proposal
 * before approval ends. 202: recorded, the approvers' links closed; the workflow rejects the
 * purchase and releases its budget (the purchase page shows it when it has).
 */
export function createHandler(deps: WithdrawProposalDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'withdrawProposal');
      const raw = parseJsonBody(event);
      const parsed = WithdrawRequest.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, WithdrawRequest));
      const checked = checkWithdrawalReason(parsed.data.reason);
      if ('error' in checked) throw new ValidationError([checked.error]);
      const outcome = await withdrawProposal(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        by: staff.email ?? staff.sub,
        reason: checked.reason,
      });
      log.info('withdrawal asked', { outcome: outcome.outcome });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): WithdrawProposalDeps {
  const { purchases, tasks } = tableRepositories();
  return { purchases, tasks, callbacks: taskCallbacks(), now: systemNow };
}

export const handler = createHandler(defaultDeps());
