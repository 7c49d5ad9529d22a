import * as z from 'zod/mini';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { workflowStep } from '../../shared/lambda/workflow-step.js';
import { systemNow } from '../../shared/ports/clock.js';
import { recordWorkflowFailure, type WorkflowFailureDeps } from '../../shared/usecases/workflow-failure.js';

/**
 * What the catch-all of the state machine hands over: the purchase, the execution, and the
 * caught error with the name of the failed state (workflows/failure-recording.ts, recordUnexpectedFailures).
 * Only the table is needed: no settings, no mail, no token.
 */
export const RecordWorkflowFailureInput = z.object({
  purchaseId: z.string().check(z.regex(/^PUR-\d{4}-[A-Z0-9]{16}$/)),
  execution: z.string().check(z.minLength(1), z.maxLength(80)),
  failure: z.object({
    state: z.string().check(z.minLength(1), z.maxLength(200)),
    Error: z.string().check(z.minLength(1)),
    Cause: z.optional(z.string()),
  }),
});

/** The step over the given ports (the tests give it in-memory ones). */
export function createHandler(deps: WorkflowFailureDeps) {
  return workflowStep(RecordWorkflowFailureInput, ({ purchaseId, execution, failure }) =>
    recordWorkflowFailure(deps, {
      purchaseId,
      execution,
      state: failure.state,
      error: failure.Error,
      cause: failure.Cause,
    }),
  );
}

/** Wired to AWS once per execution environment, at cold start. */
export const handler = createHandler({ purchases: tableRepositories().purchases, now: systemNow });
