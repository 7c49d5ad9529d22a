/**
 * One problem with one field of an input, phrased for the person who sent it:
 * which field, what it held, which rule it breaks and what would be accepted.
 */
export interface FieldError {
  /** Path of the field, e.g. `staffPlan[1].monthlySalaryFen`. */
  field: string;
  /** The offending value as received (omitted when it is absent). */
  value?: unknown;
  /** Stable rule id, e.g. `salary-benchmark`, usable by clients and tests. */
  rule: string;
  /** Full sentence for people. */
  message: string;
  /** What would be accepted. */
  allowed?: string;
  /**
   * The same in Chinese with the figures in it, when the rule has them to say (what is left on a
   * budget line); otherwise forms show the rule's own Chinese (field-error-messages.ts).
   */
  zh?: string;
}

/** Thrown when an input breaks the schema or a policy rule; maps to HTTP 400. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Path segments (as zod reports them) to `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(body)';
}
