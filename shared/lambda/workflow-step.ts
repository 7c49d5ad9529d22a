import middy from '@middy/core';
import type * as z from 'zod/mini';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { ValidationError } from '../domain/errors.js';
import { TransientError } from '../domain/workflow-errors.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';

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

/** A transient AWS failure as TransientError (name and message kept in the message); anything else as is. */
export function asWorkflowError(error: unknown): unknown {
  if (!isTransientAwsError(error)) return error;
  const { name, message } = error as Error;
  return new TransientError(`${String(name)}: ${String(message)}`, { cause: error });
}
