/**
 * Records go in and out of the fakes as copies, like items read from a table, and without
 * `undefined` at any depth: the repositories leave such values out of the items they write
 * (the contract suite checks it against DynamoDB Local with a client that would refuse them).
 */
export function copy<T>(value: T): T {
  return withoutUndefined(structuredClone(value));
}

function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = withoutUndefined(v);
    return out as T;
  }
  return value;
}
