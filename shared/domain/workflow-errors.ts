import type { BilingualText } from './bilingual.js';
import { REVISION_LAPSED_TEXT } from './revision.js';

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
  /** The purchase was terminated by a decision at the mid-term review (its comment is the cause). */
  terminated: 'PurchaseTerminated',
  /** Nobody decided on the mid-term report (or on its lateness) after a reminder and an escalation. */
  midtermLapsed: 'MidtermLapsed',
  /** An approver returned the proposal and the officer did not resubmit it after two reminders. */
  revisionLapsed: 'RevisionLapsed',
  /** Worth retrying (a lost race that re-reading fixes, a throttled call). */
  transient: 'TransientError',
} as const;

export type RefusalReason = 'POLICY' | 'BUDGET' | 'NGO_BARRED' | 'REJECTED' | 'WITHDRAWN';

/**
 * Thrown by a workflow task when the purchase must end REJECTED. Step Functions passes on only
 * the message (as the failure's Cause), so the message carries the reason in both languages:
 * `BUDGET: {"zh":"…","en":"…"}`, which workflowEnding reads back.
 */
export class PurchaseRefused extends Error {
  override name = WORKFLOW_ERRORS.refused;
  constructor(
    readonly reason: RefusalReason,
    readonly text: BilingualText,
  ) {
    super(`${reason}: ${JSON.stringify({ zh: text.zh, en: text.en })}`);
  }
}

export class TransientError extends Error {
  override name = WORKFLOW_ERRORS.transient;
}

/** How the workflow ended a purchase early, as recorded: the English line tools read, and the text people read. */
export interface WorkflowEnding {
  /** `<Error>: <why>` in English, as recorded before the reasons were bilingual (tools match the error name). */
  reason: string;
  text: BilingualText;
}

/** The reasons of the ends whose cause the state machine fixes; a termination's cause is the reviewer's comment. */
const FIXED_ENDINGS: Readonly<Partial<Record<string, (cause: string) => BilingualText>>> = {
  [WORKFLOW_ERRORS.approvalLapsed]: () => ({
    zh: '审批逾期：提醒审批人并上报副局长后，仍无人作出决定，项目未获批准。',
    en: 'Approval lapsed: no decision after a reminder and an escalation to the deputy, so the purchase was not approved.',
  }),
  [WORKFLOW_ERRORS.revisionLapsed]: () => REVISION_LAPSED_TEXT,
  [WORKFLOW_ERRORS.contractLapsed]: () => ({
    zh: '合同逾期未签订：经提醒和上报后，合同仍未签署并会签，项目终止。',
    en: 'Contract lapsed: the contract was not signed and countersigned after reminders and an escalation, so the purchase ended.',
  }),
  [WORKFLOW_ERRORS.midtermLapsed]: () => ({
    zh: '中期评估逾期：经提醒和上报后，仍无人作出中期评估决定，项目终止。',
    en: 'Mid-term review lapsed: no mid-term decision after a reminder and an escalation, so the purchase ended.',
  }),
  [WORKFLOW_ERRORS.terminated]: (comment) => ({
    zh: `中期评估决定终止项目：${comment}`,
    en: `Terminated at the mid-term review: ${comment}`,
  }),
};

/** The message of a failure's Cause: a Lambda failure's is JSON with `errorMessage`, a Pass or Fail state's plain text. */
function causeMessage(cause: string | undefined): string {
  try {
    const parsed = JSON.parse(cause ?? '') as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // A Pass state's cause is plain text already.
  }
  return cause ?? '';
}

/** A PurchaseRefused message read back: its reason code and text, or undefined for any other message. */
function refusalOf(message: string): { code: string; text: BilingualText } | undefined {
  const match = /^([A-Z_]+): (\{.*\})$/s.exec(message);
  if (!match) return undefined;
  try {
    const text = JSON.parse(match[2] as string) as Partial<BilingualText>;
    if (typeof text.zh !== 'string' || typeof text.en !== 'string') return undefined;
    return { code: match[1] as string, text: { zh: text.zh, en: text.en } };
  } catch {
    return undefined;
  }
}

/**
 * Why the workflow ended a purchase, from the failure it caught (`$.failure`: Error and Cause):
 * a refusal's own text, a fixed end's, or (a cause of an older release) the cause as it is.
 */
export function workflowEnding(error: string | undefined, cause: string | undefined): WorkflowEnding {
  const name = error ?? 'Rejected';
  const message = causeMessage(cause);
  const refusal = refusalOf(message);
  if (refusal) return { reason: `${name}: ${refusal.code}: ${refusal.text.en}`, text: refusal.text };
  const reason = `${name}: ${message}`.trim();
  const fixed = FIXED_ENDINGS[name];
  return { reason, text: fixed ? fixed(message) : { zh: reason, en: reason } };
}
