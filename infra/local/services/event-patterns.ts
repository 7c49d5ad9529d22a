/**
 * EventBridge event patterns (content filtering), the subset the local runtime serves: exact values
 * (a list is OR), nested objects, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`,
 * `exists`, `numeric` and `$or`. An array in the event matches when any of its elements does; a missing
 * field matches only `exists: false`. SNS subscription filter policies use the same operators, so the
 * local SNS filters with this module too.
 */

export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Matcher = Record<string, unknown>;

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'exists',
  'numeric',
]);
const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

/** Throws EventPatternError, naming the field, for a pattern the local matcher cannot serve. */
export function validateEventPattern(pattern: unknown, path = ''): void {
  if (!isObject(pattern)) throw new EventPatternError(`${where(path)} must be an object`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw new EventPatternError(`${where(at)} needs a list of at least two patterns`);
      for (const alternative of value) validateEventPattern(alternative, path);
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new EventPatternError(`${where(at)} is an empty list`);
      for (const candidate of value) if (isObject(candidate)) validateMatcher(candidate, at);
    } else if (isObject(value)) {
      validateEventPattern(value, at);
    } else {
      throw new EventPatternError(`${where(at)} must be a list or an object, got ${JSON.stringify(value)}`);
    }
  }
}

/** Whether `event` matches `pattern` (call validateEventPattern first for clear errors). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or')
      return (expected as unknown[]).some((alternative) => matchesEventPattern(alternative, event));
    const actual = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) return expected.some((candidate) => matchesField(candidate, actual));
    if (actual === undefined) return false;
    // A nested pattern applies to the object, or to any object of a list.
    if (Array.isArray(actual)) return actual.some((item) => matchesEventPattern(expected, item));
    return matchesEventPattern(expected, actual);
  });
}

function matchesField(candidate: unknown, actual: unknown): boolean {
  if (isObject(candidate) && 'exists' in candidate) {
    const exists = actual !== undefined && !isObject(actual);
    return candidate.exists === exists;
  }
  if (actual === undefined) return false;
  const values = Array.isArray(actual) ? (actual as unknown[]) : [actual];
  return values.some((value) =>
    isObject(candidate) ? matchesOperator(candidate, value) : candidate === value,
  );
}

function matchesOperator(matcher: Matcher, value: unknown): boolean {
  const [operator, argument] = Object.entries(matcher)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && compare(argument, value, (v, a) => v.startsWith(a));
    case 'suffix':
      return typeof value === 'string' && compare(argument, value, (v, a) => v.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(String(argument)).test(value);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(argument as unknown[], value);
    case 'anything-but':
      return !matchesAnyOf(argument, value);
  }
  return false;
}

/** The inside of `anything-but`: a value, a list of values, or one of prefix/suffix/equals-ignore-case/wildcard. */
function matchesAnyOf(argument: unknown, value: unknown): boolean {
  if (Array.isArray(argument)) return argument.some((excluded) => excluded === value);
  if (isObject(argument)) return matchesOperator(argument, value);
  return argument === value;
}

/** `prefix`/`suffix` take a string, or `{ 'equals-ignore-case': string }` to compare without case. */
function compare(
  argument: unknown,
  value: string,
  test: (value: string, argument: string) => boolean,
): boolean {
  if (isObject(argument)) {
    const text = String(argument['equals-ignore-case']);
    return test(value.toLowerCase(), text.toLowerCase());
  }
  return test(value, String(argument));
}

function matchesNumeric(conditions: readonly unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    const holds = {
      '<': value < bound,
      '<=': value <= bound,
      '=': value === bound,
      '>': value > bound,
      '>=': value >= bound,
    }[conditions[i] as '<'];
    if (!holds) return false;
  }
  return true;
}

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (c === '*') source += '.*';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function validateMatcher(matcher: Matcher, at: string): void {
  const entries = Object.entries(matcher);
  const [operator, argument] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined || !OPERATORS.has(operator)) {
    throw new EventPatternError(
      `${where(at)}: ${JSON.stringify(matcher)} is not a matcher the local runtime serves (${[...OPERATORS].join(', ')})`,
    );
  }
  const fail = (expected: string) => {
    throw new EventPatternError(
      `${where(at)}: ${operator} needs ${expected}, got ${JSON.stringify(argument)}`,
    );
  };
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (typeof argument !== 'string' && !isIgnoreCase(argument))
        fail("a string or { 'equals-ignore-case': string }");
      break;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof argument !== 'string') fail('a string');
      break;
    case 'exists':
      if (typeof argument !== 'boolean') fail('true or false');
      break;
    case 'numeric': {
      const list = Array.isArray(argument) ? (argument as unknown[]) : [];
      const valid =
        list.length > 0 &&
        list.length % 2 === 0 &&
        list.every((item, i) =>
          i % 2 === 0 ? NUMERIC_OPERATORS.has(item as string) : Number.isFinite(item),
        );
      if (!valid) fail("pairs of an operator ('<', '<=', '=', '>', '>=') and a number");
      break;
    }
    case 'anything-but': {
      if (Array.isArray(argument)) {
        if (!argument.every((v) => typeof v === 'string' || typeof v === 'number'))
          fail('strings or numbers');
      } else if (isObject(argument)) {
        validateMatcher(argument, at);
        const [inner] = Object.keys(argument);
        if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(String(inner)))
          fail('a value, a list, or prefix / suffix / equals-ignore-case / wildcard');
      } else if (typeof argument !== 'string' && typeof argument !== 'number') {
        fail('a value, a list, or prefix / suffix / equals-ignore-case / wildcard');
      }
      break;
    }
  }
}

function isIgnoreCase(value: unknown): boolean {
  return (
    isObject(value) && Object.keys(value).length === 1 && typeof value['equals-ignore-case'] === 'string'
  );
}

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function where(path: string): string {
  return path ? `event pattern field ${path}` : 'an event pattern';
}
