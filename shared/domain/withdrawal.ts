import type { BilingualText } from './bilingual.js';
import type { FieldError } from './errors.js';
import { fieldError } from './field-errors.js';
import type { Stage } from './lifecycle.js';

/**
 * The officer takes a proposal back before approval ends: the purchase ends REJECTED with the
 * outcome WITHDRAWN, its budget reservation is released and the approvers' open links close.
 * The request is recorded on the purchase first; the workflow ends the purchase when it next
 * looks (at once when an approver's link is open: the waiting step is handed WITHDRAWN_DECISION).
 */
export interface WithdrawalRecord {
  /** Who withdrew it (the signed-in officer's e-mail). */
  by: string;
  reason: string;
  at: string;
}

/** Stages a proposal can still be withdrawn from: after approval there is a contract to terminate. */
export const WITHDRAWABLE_STAGES: readonly Stage[] = ['PROPOSAL', 'APPROVAL'];

/** What a waiting approval step receives instead of a person's decision when the proposal is withdrawn. */
export const WITHDRAWN_DECISION = 'WITHDRAWN';

export const WITHDRAWAL_REASON_MAX_CHARS = 500;

/** Why the purchase cannot be withdrawn now (undefined when it can), for the 409 the console shows. */
export function withdrawalRefusal(purchase: { stage: Stage }): BilingualText | undefined {
  if (WITHDRAWABLE_STAGES.includes(purchase.stage)) return undefined;
  return {
    zh: '审批已结束，项目不能再撤回。',
    en: `Approval has ended (the purchase is at ${purchase.stage}): it can no longer be withdrawn.`,
  };
}

/** The reason as it will be recorded, or the field error that says what is wrong with it. */
export function checkWithdrawalReason(raw: string): { reason: string } | { error: FieldError } {
  const reason = raw.trim();
  const allowed = `1 to ${WITHDRAWAL_REASON_MAX_CHARS} characters`;
  if (reason.length === 0) {
    const message = 'a withdrawal needs a reason: the approvers and the audit trail are told why';
    return { error: fieldError('withdrawal-reason-required', 'reason', raw, message, allowed) };
  }
  if (reason.length > WITHDRAWAL_REASON_MAX_CHARS) {
    const message = `the reason is ${reason.length} characters long; at most ${WITHDRAWAL_REASON_MAX_CHARS} are kept`;
    return { error: fieldError('withdrawal-reason-too-long', 'reason', raw, message, allowed) };
  }
  return { reason };
}

/** A withdrawn purchase only ends: a stage move to anywhere but REJECTED is refused. */
export class WithdrawnPurchaseError extends Error {
  override name = 'WithdrawnPurchaseError';
  constructor(
    readonly purchaseId: string,
    readonly to: Stage,
  ) {
    super(`purchase ${purchaseId} was withdrawn: it cannot move to ${to}`);
  }
}

/** The sentence the purchase's outcome and the officer's mail carry. */
export function withdrawalSentence(withdrawal: WithdrawalRecord): BilingualText {
  return {
    zh: `${withdrawal.by} 已撤回：${withdrawal.reason}`,
    en: `withdrawn by ${withdrawal.by}: ${withdrawal.reason}`,
  };
}
