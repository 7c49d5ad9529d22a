/**
 * The names of the fields a task page's form POSTs, shared with the handler that parses the
 * POST: the evaluation's declaration and scores, the payment reference's HTML pattern (the
 * rules themselves are the domain's, decision-rules.ts).
 */
import type { EvaluationCriterion } from '../../../domain/lifecycle-settings.js';

/** Names of the confirmation form's fields, shared with the handler that parses the POST. */
export const DECISION_FORM_FIELDS = {
  nonce: 'nonce',
  comment: 'comment',
  decision: 'decision',
  reference: 'reference',
  /** PAYMENT_CONFIRMATION: the amount paid now, in yuan as typed (all that is due when left empty). */
  amount: 'amount',
  /** EVALUATION: the declaration-of-independence checkbox; its value is DECLARE_VALUE. */
  declare: 'declare',
  /** COUNTERSIGN, MIDTERM_REVIEW, EVALUATION: the upload id of each file the page showed (repeated). */
  reviewed: 'reviewed',
  /** A shared mailbox's page: the acting person's own e-mail address. */
  actingEmail: 'actingEmail',
  /** APPROVE: the second step's confirmation checkbox; its value is CONFIRMED_VALUE. */
  confirmed: 'confirmed',
  /** EVALUATION: the Save draft button; its value is DRAFT_VALUE. */
  draft: 'draft',
} as const;

/** The value the Save draft button posts. */
export const DRAFT_VALUE = '1';

/** The value the ticked declaration checkbox posts. */
export const DECLARE_VALUE = '1';

/** EVALUATION: the form field of a criterion's score, `score_<CRITERION>`. */
export const SCORE_FIELD_PREFIX = 'score_';

export function scoreField(criterion: EvaluationCriterion): string {
  return `${SCORE_FIELD_PREFIX}${criterion}`;
}

/** PAYMENT_REFERENCE_PATTERN for the input's `pattern` attribute (browsers compile it with the `v` flag). */
export const PAYMENT_REFERENCE_HTML_PATTERN = '[A-Za-z0-9_\\/\\-]{4,64}';
