/**
 * The Lambda quotas the local runtime enforces (AWS Lambda developer guide, "Lambda quotas"), so a
 * payload or a configuration that Lambda would refuse is refused here too, with Lambda's error.
 */

import { jsonBytes } from './json-bytes.js';

/** What Lambda answers instead of running a function. */
interface LambdaError {
  errorType: string;
  errorMessage: string;
}

/** "Invocation payload (request and response): 6 MB each for request and response (synchronous)". */
export const MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024;
/** Lambda answers a response up to 100 bytes larger than the request limit, and refuses one beyond. */
export const MAX_SYNC_RESPONSE_BYTES = MAX_SYNC_REQUEST_BYTES + 100;
/**
 * An asynchronous invocation's event (S3 notifications, EventBridge): 256 KB is the figure the
 * quotas page long gave. (AWS has since announced 1 MB for asynchronous invocations; the smaller
 * figure is kept locally, so nothing passes here that an older region would refuse.)
 */
export const MAX_ASYNC_REQUEST_BYTES = 256 * 1024;
/** "Function environment variables: 4 KB, for all environment variables associated with the function, in aggregate". */
export const MAX_ENVIRONMENT_BYTES = 4 * 1024;

/** Lambda's answer to a request over its limit, or undefined when the request fits. */
export function requestTooLarge(payload: unknown, invocation: 'sync' | 'async'): LambdaError | undefined {
  const limit = invocation === 'sync' ? MAX_SYNC_REQUEST_BYTES : MAX_ASYNC_REQUEST_BYTES;
  if (jsonBytes(payload) <= limit) return undefined;
  return {
    errorType: 'RequestEntityTooLargeException',
    errorMessage: `Request must be smaller than ${limit} bytes for the ${invocation === 'sync' ? 'InvokeFunction' : 'InvokeAsync'} operation`,
  };
}

/** A function's answer over the response limit becomes the error Lambda gives the caller instead. */
export function withinResponseLimit<R extends object>(result: R): R | LambdaError {
  if (!('payload' in result) || jsonBytes(result.payload) <= MAX_SYNC_RESPONSE_BYTES) return result;
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_RESPONSE_BYTES} bytes).`,
  };
}

export class InvalidParameterValueException extends Error {
  override name = 'InvalidParameterValueException';
}

/** Refuses a function whose environment is over 4 KB, as CreateFunction does (so the deploy fails). */
export function checkEnvironmentSize(
  functionName: string,
  environment: Readonly<Record<string, string>>,
): void {
  const measured = jsonBytes(environment);
  if (measured <= MAX_ENVIRONMENT_BYTES) return;
  throw new InvalidParameterValueException(
    `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. ` +
      `Function ${functionName}: ${measured} bytes measured (${Object.keys(environment).join(', ')}).`,
  );
}
