import { WORKFLOW_ACTOR } from '../domain/audit.js';
import type { PurchaseRecord, WorkflowFailureRecord } from '../domain/purchase.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository } from '../ports/repositories.js';
import { PurchaseMissingError } from './load-purchase.js';

/** Longest cause kept in the audit log: enough for a message, never a whole stack or payload. */
export const MAX_CAUSE_LENGTH = 500;
const MAX_ERROR_LENGTH = 120;
const MAX_STATE_LENGTH = 80;

/**
 * Runs of 32 or more base64/base64url/hex characters: the shape of task tokens, HMAC keys,
 * signatures and JWT parts. Nothing a person needs to read in an error message looks like that.
 */
const SECRET_LIKE = /[A-Za-z0-9+/=_-]{32,}/g;

export interface WorkflowFailureDeps {
  purchases: PurchaseRepository;
  now: Now;
}

export interface WorkflowFailureInput {
  purchaseId: string;
  /** The execution's name: one execution fails once, so a retried recording is the same event. */
  execution: string;
  /** The state that failed, and what Step Functions caught (a timeout may come without a Cause). */
  state: string;
  error: string;
  cause?: string;
}

/** Text safe to keep: no secret-looking run, bounded. */
function scrub(text: string, max: number): string {
  const clean = text.replace(SECRET_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/**
 * A Lambda error's Cause is the function's error as JSON (`errorType`, `errorMessage`, and on
 * AWS a stack `trace`): keep its message only. Any other Cause is kept as text.
 */
export function boundedCause(cause: string | undefined): string {
  if (!cause) return '';
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed)
      message = String((parsed as { errorMessage: unknown }).errorMessage);
  } catch {
    // Not JSON: the cause is already a message.
  }
  return scrub(message, MAX_CAUSE_LENGTH);
}

/**
 * Records on the purchase that its workflow stopped on an unexpected error: `failure` (state,
 * error, time) for the purchase view and a `workflow.failed` audit entry with the bounded,
 * scrubbed cause. The stage is left as it was, so the purchase stays open and can be resumed
 * once the cause is fixed. A retried recording of the same execution changes nothing.
 */
export async function recordWorkflowFailure(
  deps: WorkflowFailureDeps,
  input: WorkflowFailureInput,
): Promise<WorkflowFailureRecord> {
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) throw new PurchaseMissingError(`purchase ${input.purchaseId} does not exist`);
  const now = deps.now();
  const failure: WorkflowFailureRecord = {
    state: scrub(input.state, MAX_STATE_LENGTH),
    error: scrub(input.error, MAX_ERROR_LENGTH),
    at: now,
  };
  const changed: PurchaseRecord = await deps.purchases.change({
    purchaseId: purchase.purchaseId,
    set: { failure },
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'workflow.failed',
      detail: {
        state: failure.state,
        error: failure.error,
        stage: purchase.stage,
        cause: boundedCause(input.cause),
      },
    },
    eventId: `workflow.failed:${input.execution}`,
    now,
  });
  return changed.failure ?? failure;
}
