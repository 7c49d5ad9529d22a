import type { FieldError } from './errors.js';

/** Stable ids of every rule a FieldError can name; clients and tests refer to these. */
export const RULE_IDS = [
  // Shape and types (the zod schema), translated into sentences.
  'schema-required',
  'schema-invalid-type',
  'schema-unknown-field',
  'schema-too-small',
  'schema-too-big',
  'schema-invalid-format',
  'schema-invalid-value',
  'schema-invalid',
  // Titles and names: one line of plain text.
  'text-control-characters',
  // Money.
  'money-integer-fen',
  'budget-lines-sum',
  // Payment tranches.
  'tranche-percent-sum',
  'tranche-milestone-once',
  'tranche-order',
  'tranche-amounts-sum',
  // Contract term.
  'term-end-after-start',
  'term-justification-required',
  'term-max-36-months',
  'term-already-ended',
  // Catalogue.
  'service-catalogue',
  'negative-list',
  // The NGO.
  'credit-code-structure',
  'credit-code-check-digit',
  // Where the NGO is paid.
  'payee-account-required',
  // Staff cost.
  'salary-benchmark',
  'salary-benchmark-missing',
  'salary-benchmark-overdue',
  // Deliverables.
  'deliverable-within-term',
  'midterm-report-required',
  'final-report-required',
  // Budget.
  'budget-line-year',
  'budget-line-known',
  'budget-line-remaining',
  // Lists: a page cursor that is not one, or that belongs to another query.
  'cursor-malformed',
  'cursor-other-listing',
  // Reference data edited by the administrator.
  'reference-duplicate',
  'reference-line-kept',
  'reference-total-below-reserved',
  // Withdrawing a proposal.
  'withdrawal-reason-required',
  'withdrawal-reason-too-long',
  // Waiving a tranche.
  'waiver-reason-required',
  'waiver-reason-too-long',
  // Correcting a payment record.
  'correction-reason-required',
  'correction-reason-too-long',
  'correction-reference-invalid',
  // Revising a proposal an approver returned.
  'revision-budget-line-fixed',
  'revision-note-too-long',
  // Amending a signed contract (amendments.ts).
  'amendment-no-change',
  'amendment-budget-lines-required',
  'amendment-tranche-milestones',
  'amendment-below-settled',
  'amendment-settled-tranche',
  // An approver's out-of-office (delegation.ts).
  'delegation-not-approver',
  'delegation-period-order',
  'delegation-starts-past',
  'delegation-too-long',
  'delegation-self',
  'delegation-overlap',
  'delegate-away',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * The longest value a FieldError echoes back. The sender has the rest; a refusal of a 10 MB text
 * must stay small (Lambda answers at most 6 MB, and a page or log line should not carry it).
 */
export const MAX_ECHOED_CHARS = 200;

/** The value as received, or its first characters, or (for a large object or list) what it is. */
export function echoedValue(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_ECHOED_CHARS) return value;
    // Never cut a surrogate pair in half.
    const end = /[\uD800-\uDBFF]/.test(value.charAt(MAX_ECHOED_CHARS - 1))
      ? MAX_ECHOED_CHARS - 1
      : MAX_ECHOED_CHARS;
    return `${value.slice(0, end)}…`;
  }
  if (value !== null && typeof value === 'object') {
    return (JSON.stringify(value)?.length ?? 0) > MAX_ECHOED_CHARS ? describeValue(value) : value;
  }
  return value;
}

export function fieldError(
  rule: RuleId,
  field: string,
  value: unknown,
  message: string,
  allowed?: string,
  zh?: string,
): FieldError {
  const error: FieldError = { field, rule, message };
  if (value !== undefined) error.value = echoedValue(value);
  if (allowed !== undefined) error.allowed = allowed;
  if (zh !== undefined) error.zh = zh;
  return error;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  return `${typeof v === 'object' ? 'an object' : typeof v}`;
}
