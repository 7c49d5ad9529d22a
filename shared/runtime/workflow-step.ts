import middy from '@middy/core';
import type * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.js';
import { zodIssuesToFieldErrors } from '../domain/policy.js';

/**
 * A Lambda that is one Task state of the workflow: its input is parsed with the given
 * schema (a malformed input is a bug upstream and fails without retry), then `run` does
 * the step. Errors keep their names so the state machine's Retry/Catch can match them.
 */
export function workflowStep<S extends z.ZodMiniType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>) {
  return middy<unknown, R>().handler(async (event) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success)
      throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, event, schema));
    return run(parsed.data as z.infer<S>);
  });
}
