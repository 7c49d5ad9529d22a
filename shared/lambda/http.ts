import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { ValidationError } from '../domain/errors.js';
import {
  hasPermission,
  isStaffRole,
  STAFF_PERMISSIONS,
  type StaffMember,
  type StaffPermission,
} from '../domain/staff-roles.js';
import type { HtmlPage } from '../presentation/pages/layout.js';
import { PAGE_HEADERS } from '../presentation/pages/layout.js';
import { errorPage } from '../presentation/pages/status-pages.js';
import { log } from './log.js';

/** HTTP errors the staff API maps by name (STYLE: named errors, mapped at the edge). */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** Every JSON answer: never cached, and never sniffed into something a browser would render. */
const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** A page's answer: the pages' headers, with the page's own Content-Security-Policy when it carries one (a script's nonce). */
export function htmlResponse(
  page: HtmlPage & { contentSecurityPolicy?: string },
  method: string,
): APIGatewayProxyStructuredResultV2 {
  const csp = page.contentSecurityPolicy;
  return {
    statusCode: page.statusCode,
    headers: { ...PAGE_HEADERS, ...(csp === undefined ? {} : { 'Content-Security-Policy': csp }) },
    body: method === 'HEAD' ? '' : page.html,
  };
}

export function rawBody(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

const JSON_BODY_ALLOWED = 'a JSON object, sent with Content-Type: application/json';

/**
 * The body as JSON, or a ValidationError on the body itself (field `(body)`), so a client gets
 * the same shape of answer for a body that does not parse as for a field that is wrong.
 */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const text = rawBody(event);
  if (text.trim() === '') {
    throw new ValidationError([
      {
        field: '(body)',
        rule: 'body-required',
        message: 'the request has no body',
        allowed: JSON_BODY_ALLOWED,
      },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser says where it stopped; its quote of the input is kept short.
    const where = error instanceof SyntaxError ? `: ${error.message.slice(0, 160)}` : '';
    throw new ValidationError([
      {
        field: '(body)',
        rule: 'json-syntax',
        message: `the body is not valid JSON${where}`,
        allowed: JSON_BODY_ALLOWED,
      },
    ]);
  }
}

/** Roles arrive as an array, or flattened by API Gateway into "[a b]", or space/comma separated. */
export function rolesFromClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * The caller, if the JWT authorizer let them in and they hold a staff role. Roles come from the
 * local provider's `roles` claim or Cognito's `cognito:groups`; names that are not roles are dropped.
 * The e-mail address, which matches a person to their tasks and purchases, is taken only when the
 * provider says it verified it (`email_verified`, a string once API Gateway has flattened the claims).
 */
export function requireStaff(event: APIGatewayProxyEventV2): StaffMember {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') throw new UnauthorizedError('no verified token');
  const roles = [...rolesFromClaim(claims.roles), ...rolesFromClaim(claims['cognito:groups'])].filter(
    isStaffRole,
  );
  if (roles.length === 0) throw new ForbiddenError('this route is for bureau staff');
  return {
    sub: claims.sub,
    roles: [...new Set(roles)],
    ...(typeof claims.email === 'string' && isVerified(claims.email_verified) ? { email: claims.email } : {}),
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
  };
}

function isVerified(claim: unknown): boolean {
  return claim === true || claim === 'true';
}

/** The caller, if they hold a role with the permission; a 403 naming the roles that have it otherwise. */
export function requirePermission(event: APIGatewayProxyEventV2, permission: StaffPermission): StaffMember {
  const staff = requireStaff(event);
  if (!hasPermission(staff, permission))
    throw new ForbiddenError(`this needs the role ${STAFF_PERMISSIONS[permission].join(' or ')}`);
  return staff;
}

const STATUS_BY_ERROR: Record<string, number> = {
  ValidationError: 400,
  BadRequestError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotPermittedError: 403,
  NotFoundError: 404,
};

/**
 * A failure that passes (throttling, a 5xx of a service, a lost optimistic race): the request
 * did nothing it cannot do again, so the answer is 503 with Retry-After rather than a 500.
 */
function isPassing(error: Error): boolean {
  return isTransientAwsError(error) || error.name === 'TransientError' || error.name === 'ContentionError';
}

const RETRY_AFTER_SECONDS = 5;

function withRetryAfter(response: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 {
  return { ...response, headers: { ...response.headers, 'retry-after': String(RETRY_AFTER_SECONDS) } };
}

/** Maps named errors to JSON responses; a passing failure is a 503; anything else a logged 500 that reveals nothing. */
export function jsonErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as Error;
      const status = STATUS_BY_ERROR[error.name];
      if (isPassing(error)) {
        log.warn('passing failure', { error: error.name, message: error.message });
        request.response = withRetryAfter(
          json(503, { message: 'The service is busy for a moment: sending the same request again is safe.' }),
        );
        return;
      }
      if (status === undefined) {
        log.error('unhandled error', { error: error.name, message: error.message });
        request.response = json(500, { message: 'Internal Server Error' });
        return;
      }
      const body: Record<string, unknown> = { message: error.message };
      if (error instanceof ValidationError) body.errors = error.errors;
      request.response = json(status, body);
    },
  };
}

/** Link pages never show a stack trace or a JSON error: a plain 500 page (503 for a passing failure). */
export function pageErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as Error;
      const passing = isPassing(error);
      (passing ? log.warn : log.error)(passing ? 'passing failure' : 'unhandled error', {
        error: error.name,
        message: error.message,
      });
      const response = htmlResponse(errorPage(passing ? 503 : 500), request.event.requestContext.http.method);
      request.response = passing ? withRetryAfter(response) : response;
    },
  };
}
