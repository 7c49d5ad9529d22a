import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../shared/domain/errors.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { resendTaskLinkDeps } from '../../shared/lambda/stage-deps.js';
import { type ResendTaskLinkDeps, resendTaskLink } from '../../shared/usecases/resend-task-link.js';

const ResendRequest = z.strictObject({ taskId: z.string().check(z.regex(/^[A-Za-z0-9_-]{24}$/)) });

/** What each outcome answers: the console says it next to the task. */
const STATUS = { RESENT: 200, NOT_PENDING: 409, NOT_MAILED: 409, UNKNOWN: 404 } as const;

/**
 * POST /purchases/{id}/resend-link `{"taskId"}`: an officer or administrator has a pending task's
 * link mailed again from the purchase page (a new link; the old one stops working).
 */
export function createHandler(deps: ResendTaskLinkDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'resendTaskLink');
      const raw = parseJsonBody(event);
      const parsed = ResendRequest.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, ResendRequest));
      const outcome = await resendTaskLink(deps, {
        taskId: parsed.data.taskId,
        by: staff.email ?? staff.sub,
        purchaseId: event.pathParameters?.id ?? '',
      });
      log.info('task link resend asked', { outcome: outcome.outcome });
      return json(STATUS[outcome.outcome], outcome);
    });
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler(resendTaskLinkDeps());
