/**
 * Telling an AWS call that failed for a passing reason (worth sending again) from one the
 * service refused on its merits. Workflow steps turn the first into a TransientError the state
 * machine retries; the HTTP handlers answer it with 503 and Retry-After.
 */

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
