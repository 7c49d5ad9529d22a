import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DELEGATION_REASON_MAX_CHARS } from '../../shared/domain/delegation.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { json, jsonErrors, parseJsonBody, requirePermission } from '../../shared/lambda/http.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { sesMailer } from '../../shared/lambda/mail-and-links.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { loadReferenceData, policySettings } from '../../shared/lambda/settings.js';
import { systemNow } from '../../shared/ports/clock.js';
import {
  type DelegationDeps,
  endDelegation,
  listDelegations,
  nameDelegation,
} from '../../shared/usecases/delegations.js';

const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

const DelegationBody = z.strictObject({
  /** Only an administrator names a delegate for someone else; an approver leaves it out. */
  approverEmail: z.optional(z.email()),
  delegate: z.strictObject({ name: trimmed(80), email: z.email() }),
  from: z.iso.date(),
  until: z.iso.date(),
  reason: trimmed(DELEGATION_REASON_MAX_CHARS),
});

/** What each outcome answers. */
const STATUS = {
  NAMED: 201,
  ENDED: 200,
  ALREADY_ENDED: 200,
  UNKNOWN: 404,
  FORBIDDEN: 403,
  STALE: 409,
} as const;

/**
 * GET /my/delegations: the caller's delegations (an administrator's: all). POST /my/delegations
 * `{"delegate":{"name","email"},"from","until","reason"[,"approverEmail"]}`: names a delegate (201),
 * 400 with field errors, 403 for someone else's, 409 when another was recorded meanwhile.
 * POST /my/delegations/{id}/end: ends one now.
 */
export function createHandler(deps: DelegationDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requirePermission(event, 'delegateTasks');
      if (event.requestContext.http.method === 'GET') return json(200, await listDelegations(deps, staff));
      const id = event.pathParameters?.id;
      if (id !== undefined) {
        const ended = await endDelegation(deps, staff, id);
        log.info('delegation end asked', { outcome: ended.outcome });
        return json(STATUS[ended.outcome], ended);
      }
      const raw = parseJsonBody(event);
      const parsed = DelegationBody.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, raw, DelegationBody));
      const named = await nameDelegation(deps, staff, parsed.data);
      log.info('delegation named', { outcome: named.outcome });
      return json(STATUS[named.outcome], named);
    });
}

/** Wired to AWS once per execution environment, at cold start; reads the roster at every invocation. */
export const handler = createHandler({
  delegations: tableRepositories().delegations,
  settings: policySettings(),
  mailer: sesMailer(),
  now: systemNow,
}).use(loadReferenceData());
