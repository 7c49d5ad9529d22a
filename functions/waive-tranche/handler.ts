import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../shared/domain/errors.js';
import { checkPaymentReason } from '../../shared/domain/payment-records.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import { type WaiveTrancheDeps, waiveTranche } from '../../shared/usecases/waive-tranche.js';

const WaiveRequest = z.strictObject({ reason: z.string() });
/** The tranche in the path: 1, 2 or 3 (a purchase is paid in at most three). */
const TrancheParam = z.strictObject({ tranche: z.coerce.number().check(z.int(), z.gte(1), z.lte(3)) });

/** What each outcome answers: the console shows it next to the button. */
const STATUS = { WAIVED: 200, ALREADY_WAIVED: 200, NOT_WAIVABLE: 409, UNKNOWN: 404 } as const;

/**
 * POST /purchases/{id}/tranches/{tranche}/waive `{"reason"}`: the finance section head or an
 * administrator gives up what is still due on a tranche, with a reason the audit trail keeps; the
 * purchase may then close.
 */
export function createHandler(deps: WaiveTrancheDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'waiveTranche');
      const params = { tranche: event.pathParameters?.tranche ?? '' };
      const tranche = TrancheParam.safeParse(params);
      if (!tranche.success)
        throw new ValidationError(zodIssuesToFieldErrors(tranche.error.issues, params, TrancheParam));
      const raw = parseJsonBody(event);
      const parsed = WaiveRequest.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, WaiveRequest));
      const checked = checkPaymentReason(parsed.data.reason, 'waiver');
      if ('error' in checked) throw new ValidationError([checked.error]);
      const outcome = await waiveTranche(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        tranche: tranche.data.tranche,
        by: staff.email ?? staff.sub,
        reason: checked.reason,
      });
      log.info('tranche waiver asked', { outcome: outcome.outcome, tranche: tranche.data.tranche });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): WaiveTrancheDeps {
  const { purchases, payments, tasks } = tableRepositories();
  return { purchases, payments, tasks, callbacks: taskCallbacks(), now: systemNow };
}

export const handler = createHandler(defaultDeps());
