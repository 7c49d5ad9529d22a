/** The same data always as the same text: what is hashed (the audit chain) and what is compared (reference rows). */

export class NotCanonicalisableError extends Error {
  override name = 'NotCanonicalisableError';
}

/**
 * JSON with object keys sorted at every depth, so the same data always gives the same bytes.
 * Keys holding `undefined` are left out (as JSON.stringify and the stored item do).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalisableError(`cannot hash the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const parts = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new NotCanonicalisableError(`cannot hash a value of type ${typeof value}`);
  }
}
