/**
 * Error names the state machine matches in Retry and Catch. A Lambda task fails with the
 * `name` of the error its handler throws, so these classes and the workflow agree by name.
 */
export const WORKFLOW_ERRORS = {
  /** The purchase cannot go on (policy, budget, a recorded rejection): the workflow rejects it. */
  refused: 'PurchaseRefused',
  /** The officer withdrew the proposal while an approver's link was open. */
  withdrawn: 'PurchaseWithdrawn',
  /** An approver rejected the proposal. */
  rejected: 'PurchaseRejected',
  /** Nobody decided after a reminder and an escalation. */
  approvalLapsed: 'ApprovalLapsed',
  /** The contract was not signed and countersigned after reminders and an escalation. */
  contractLapsed: 'ContractLapsed',
  /** The purchase was terminated during the mid-term review (a decision, or no decision at all). */
  terminated: 'PurchaseTerminated',
  /** Worth retrying (a lost race that re-reading fixes, a throttled call). */
  transient: 'TransientError',
} as const;

export type RefusalReason = 'POLICY' | 'BUDGET' | 'NGO_BARRED' | 'REJECTED' | 'WITHDRAWN';

/** Thrown by a workflow task when the purchase must end REJECTED; the message says why for people. */
export class PurchaseRefused extends Error {
  override name = WORKFLOW_ERRORS.refused;
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

export class TransientError extends Error {
  override name = WORKFLOW_ERRORS.transient;
}
