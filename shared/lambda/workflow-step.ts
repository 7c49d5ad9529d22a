import middy from '@middy/core';
import type * as z from 'zod/mini';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { ValidationError } from '../domain/errors.js';
import { TransientError } from '../domain/workflow-errors.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import { log, logInvocation, withLogContext } from './log.js';

/**
 * A Lambda that is one Task state of the workflow: its input is parsed with the given
 * schema (a malformed input is a bug upstream and fails without retry), then `run` does
 * the step. Errors keep their names so the state machine's Retry/Catch can match them,
 * except an AWS call that failed for a passing reason after the SDK's own retries: that
 * becomes a TransientError, which the state machine retries with backoff (every step is
 * safe to run again). Every line it logs names the function, the purchase and the execution, and
 * its outcome is logged: what the step decided (`next`, `status`) or the error's name.
 */
export function workflowStep<S extends z.ZodMiniType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>) {
  return middy<unknown, R>()
    .use(withLogContext())
    .handler(async (event) => {
      logInvocation(invocationKeys(event));
      const parsed = schema.safeParse(event);
      if (!parsed.success) {
        log.error('step refused its input', { outcome: 'ValidationError' });
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, event, schema));
      }
      try {
        const result = await run(parsed.data as z.infer<S>);
        log.info('step done', { outcome: 'ok', ...decisionOf(result) });
        return result;
      } catch (error) {
        const failure = asWorkflowError(error) as Error;
        log.warn('step failed', { outcome: failure?.name ?? 'Error' });
        throw failure;
      }
    });
}

/** The purchase and execution a step's input names (every task of the state machine passes both). */
function invocationKeys(event: unknown): { purchaseId?: string; execution?: string } {
  const { purchaseId, execution } = (event ?? {}) as Record<string, unknown>;
  return {
    ...(typeof purchaseId === 'string' ? { purchaseId: purchaseId.slice(0, 40) } : {}),
    ...(typeof execution === 'string' ? { execution: execution.slice(0, 80) } : {}),
  };
}

/** What a step decided, for its outcome line: never a token, only the words the state machine branches on. */
function decisionOf(result: unknown): Record<string, unknown> {
  if (result === null || typeof result !== 'object') return {};
  const { next, status, outcome } = result as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({ next, status, decision: outcome }).filter(
      ([, v]) => typeof v === 'string' || v === null,
    ),
  );
}

/** A transient AWS failure as TransientError (name and message kept in the message); anything else as is. */
export function asWorkflowError(error: unknown): unknown {
  if (!isTransientAwsError(error)) return error;
  const { name, message } = error as Error;
  return new TransientError(`${String(name)}: ${String(message)}`, { cause: error });
}
