import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { PAYMENT_REFERENCE_PATTERN } from '../../shared/domain/decision-rules.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { fieldError } from '../../shared/domain/field-errors.js';
import { checkPaymentReason } from '../../shared/domain/payment-records.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  type CorrectPaymentRecordDeps,
  correctPaymentRecord,
} from '../../shared/usecases/correct-payment-record.js';

const CorrectionRequest = z.strictObject({ reference: z.string(), reason: z.string() });
/** The transfer in the path: its tranche (1 to 3) and its number among the tranche's transfers. */
const TransferParams = z.strictObject({
  tranche: z.coerce.number().check(z.int(), z.gte(1), z.lte(3)),
  seq: z.coerce.number().check(z.int(), z.gte(1), z.lte(100)),
});

const STATUS = { CORRECTED: 200, UNCHANGED: 200, NO_SUCH_TRANSFER: 404, UNKNOWN: 404 } as const;

/**
 * POST /purchases/{id}/tranches/{tranche}/transfers/{seq}/correction `{"reference","reason"}`:
 * finance corrects the bank reference a transfer was confirmed with; the one confirmed is kept.
 */
export function createHandler(deps: CorrectPaymentRecordDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'correctPaymentRecord');
      const params = { tranche: event.pathParameters?.tranche ?? '', seq: event.pathParameters?.seq ?? '' };
      const where = TransferParams.safeParse(params);
      if (!where.success)
        throw new ValidationError(zodIssuesToFieldErrors(where.error.issues, params, TransferParams));
      const raw = parseJsonBody(event);
      const parsed = CorrectionRequest.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, CorrectionRequest));
      const reference = parsed.data.reference.trim();
      const errors = [];
      if (!PAYMENT_REFERENCE_PATTERN.test(reference))
        errors.push(
          fieldError(
            'correction-reference-invalid',
            'reference',
            parsed.data.reference,
            'is not a bank transaction reference',
            "4 to 64 letters, digits, '-', '_' or '/'",
          ),
        );
      const reason = checkPaymentReason(parsed.data.reason, 'correction');
      if ('error' in reason) errors.push(reason.error);
      if (errors.length > 0 || 'error' in reason) throw new ValidationError(errors);
      const answer = await correctPaymentRecord(deps, {
        purchaseId: event.pathParameters?.id ?? '',
        ...where.data,
        reference,
        reason: reason.reason,
        by: staff.email ?? staff.sub,
      });
      log.info('payment record correction asked', { outcome: answer.outcome, tranche: where.data.tranche });
      return json(STATUS[answer.outcome], answer);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): CorrectPaymentRecordDeps {
  const { purchases, payments } = tableRepositories();
  return { purchases, payments, now: systemNow };
}

export const handler = createHandler(defaultDeps());
