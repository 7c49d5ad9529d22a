import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { vi } from 'vitest';
import { LIFECYCLE_SETTINGS_JSON, POLICY_SETTINGS_JSON } from './settings.js';

/**
 * HTTP API (payload format 2.0) events as API Gateway hands them to a Lambda: lower-case
 * header names, JWT claims under requestContext.authorizer.jwt (every value a string, arrays
 * flattened to "[a b]"), form bodies base64-encoded.
 */

export interface HttpEventInput {
  method?: string;
  /** The raw path, e.g. `/tasks/abc`. */
  path: string;
  /** The route key's template, e.g. `/tasks/{taskId}`. */
  route?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /** JWT claims the authorizer verified; omitted means the route had no token. */
  claims?: Record<string, unknown>;
}

export function httpEvent(input: HttpEventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: unknown } = {
    accountId: '123456789012',
    apiId: 'api-unit',
    domainName: 'api-unit.execute-api.local',
    domainPrefix: 'api-unit',
    http: { method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'vitest' },
    requestId: 'request-1',
    routeKey: `${method} ${input.route ?? input.path}`,
    stage: '$default',
    time: '02/Mar/2026:08:00:00 +0000',
    timeEpoch: Date.parse('2026-03-02T08:00:00Z'),
  };
  if (input.claims) requestContext.authorizer = { jwt: { claims: input.claims, scopes: [] } };
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: requestContext.routeKey,
    rawPath: input.path,
    rawQueryString,
    headers: { host: requestContext.domainName, ...lowerCaseKeys(input.headers ?? {}) },
    requestContext,
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
  if (input.pathParameters) event.pathParameters = input.pathParameters;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (input.body !== undefined) event.body = input.body;
  return event;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Claims of a bureau officer with the staff role, roles as API Gateway flattens an array claim. */
export function staffClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'officer-7',
    email: 'officer@civil-affairs.example.gov.cn',
    email_verified: 'true',
    name: 'Lin Officer',
    roles: '[officer]',
    ...overrides,
  };
}

/** POST /purchases with a JSON body (or a raw string, to send something that is not JSON). */
export function createPurchaseEvent(
  body: unknown,
  options: { claims?: Record<string, unknown> | null; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const claims = options.claims === null ? undefined : (options.claims ?? staffClaims());
  return httpEvent({
    method: 'POST',
    path: '/purchases',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    claims,
  });
}

/** GET /purchases/{id}. */
export function getPurchaseEvent(
  purchaseId: string,
  claims: Record<string, unknown> | null = staffClaims(),
): APIGatewayProxyEventV2 {
  return httpEvent({
    path: `/purchases/${encodeURIComponent(purchaseId)}`,
    route: '/purchases/{id}',
    pathParameters: { id: purchaseId },
    claims: claims ?? undefined,
  });
}

/** GET /purchases with a query string (values as API Gateway hands them over: decoded). */
export function listPurchasesEvent(
  query: Record<string, string> = {},
  claims: Record<string, unknown> | null = staffClaims(),
): APIGatewayProxyEventV2 {
  return httpEvent({ path: '/purchases', query, claims: claims ?? undefined });
}

/** GET, HEAD or POST /tasks/{taskId}?sig=...; a POST form is url-encoded and base64'd as API Gateway does. */
export function taskLinkEvent(input: {
  method: 'GET' | 'HEAD' | 'POST';
  taskId: string;
  sig?: string;
  form?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const form = input.form && new URLSearchParams(input.form).toString();
  return httpEvent({
    method: input.method,
    path: `/tasks/${input.taskId}`,
    route: '/tasks/{taskId}',
    pathParameters: { taskId: input.taskId },
    query: input.sig === undefined ? {} : { sig: input.sig },
    headers: form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
    body: form === undefined ? undefined : Buffer.from(form, 'utf8').toString('base64'),
    isBase64Encoded: form !== undefined,
  });
}

/** A Lambda context with only what the handlers read (no remaining-time clock, so middy sets no timer). */
export function lambdaContext(functionName = 'unit'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'aws-request-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as unknown as Context;
}

/** The structured result every HTTP handler of this app returns. */
export function structured(result: APIGatewayProxyResultV2) {
  if (typeof result === 'string') throw new Error('expected a structured HTTP result, got a string');
  return {
    statusCode: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ?? '',
  };
}

/** The environment the CDK app gives the functions (ServiceFunction and the application stack). */
export const FUNCTION_ENV = {
  AWS_REGION: 'cn-north-1',
  TABLE_NAME: 'purchases-unit',
  POLICY_SETTINGS: POLICY_SETTINGS_JSON,
  TASK_LINK_KEYS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:task-link-keys-AbCdEf',
  NGO_LINK_KEYS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ngo-link-keys-GhIjKl',
  MAIL_FROM: 'purchases@civil-affairs.example.gov.cn',
  PUBLIC_BASE_URL: 'https://purchases.civil-affairs.example.gov.cn',
  STATE_MACHINE_ARN: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:purchase-lifecycle',
} as const;

/** What some functions get beyond FUNCTION_ENV, as the application stack sets it. */
export const OPTIONAL_FUNCTION_ENV = {
  LIFECYCLE_SETTINGS: LIFECYCLE_SETTINGS_JSON,
  DOCUMENTS_BUCKET: 'documents-unit',
  PAYMENTS_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:123456789012:payments',
} as const;

/**
 * Sets FUNCTION_ENV, and the named OPTIONAL_FUNCTION_ENV variables, for the rest of the test
 * file. Handlers read it at module scope, so call this before the handler module is imported
 * (dynamically: static imports are hoisted).
 */
export function stubFunctionEnv(...optional: (keyof typeof OPTIONAL_FUNCTION_ENV)[]): typeof FUNCTION_ENV {
  for (const [name, value] of Object.entries(FUNCTION_ENV)) vi.stubEnv(name, value);
  for (const name of optional) vi.stubEnv(name, OPTIONAL_FUNCTION_ENV[name]);
  return FUNCTION_ENV;
}
