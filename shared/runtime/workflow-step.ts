import middy from '@middy/core';
import type * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.js';
import { zodIssuesToFieldErrors } from '../domain/policy.js';
import { TransientError } from '../workflow/errors.js';

/**
 * A Lambda that is one Task state of the workflow: its input is parsed with the given
 * schema (a malformed input is a bug upstream and fails without retry), then `run` does
 * the step. Errors keep their names so the state machine's Retry/Catch can match them,
 * except an AWS call that failed for a passing reason after the SDK's own retries: that
 * becomes a TransientError, which the state machine retries with backoff (every step is
 * safe to run again).
 */
export function workflowStep<S extends z.ZodMiniType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>) {
  return middy<unknown, R>().handler(async (event) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success)
      throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, event, schema));
    try {
      return await run(parsed.data as z.infer<S>);
    } catch (error) {
      throw asWorkflowError(error);
    }
  });
}

/** Error codes AWS services use for throttling and passing failures (the SDK's own lists, and S3's). */
const TRANSIENT_CODES = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Socket errors of a call that never got an answer. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Whether an error is an AWS call that failed for a passing reason: the SDK marked it
 * retryable, the service answered 5xx or 429, a throttling or passing error code, or the
 * connection failed. A service's answer about the request itself (a 4xx such as a failed
 * condition or an unknown task token) is not.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const shape = error as AwsErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const fromSdk = shape.$metadata !== undefined;
  if (fromSdk && shape.$retryable) return true;
  if (fromSdk && typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (fromSdk && typeof shape.name === 'string' && TRANSIENT_CODES.has(shape.name)) return true;
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return true;
  // undici and the SDK wrap a socket failure: look one level down.
  const cause = (error as { cause?: unknown }).cause;
  return (
    cause !== null && typeof cause === 'object' && NETWORK_CODES.has(String((cause as AwsErrorShape).code))
  );
}

/** A transient AWS failure as TransientError (name and message kept in the message); anything else as is. */
export function asWorkflowError(error: unknown): unknown {
  if (!isTransientAwsError(error)) return error;
  const { name, message } = error as Error;
  return new TransientError(`${String(name)}: ${String(message)}`, { cause: error });
}
