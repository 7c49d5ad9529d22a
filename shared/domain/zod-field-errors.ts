import type * as z from 'zod/mini';
import { type FieldError, formatPath } from './errors.js';
import { describeValue, fieldError } from './field-errors.js';
import { SINGLE_LINE_PLAIN } from './plain-text.js';

/** zod issues turned into FieldErrors: which field, what arrived, what the schema wanted. */

type Schema = z.core.$ZodType;
interface SchemaDef {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  format?: string;
  entries?: Record<string, string | number>;
}
const defOf = (s: Schema): SchemaDef => s._zod.def as unknown as SchemaDef;

/** The schema that validates the value at `path`, looking through optional wrappers. */
function schemaAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const seg of [...path, undefined]) {
    while (current && defOf(current).innerType && defOf(current).type !== 'object') {
      current = defOf(current).innerType;
    }
    if (seg === undefined || !current) break;
    const def = defOf(current);
    if (def.type === 'object' && typeof seg === 'string') current = def.shape?.[seg];
    else if (def.type === 'array' && typeof seg === 'number') current = def.element;
    else return undefined;
  }
  return current;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const seg of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[seg];
  }
  return current;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

const FORMATS: Record<string, string> = {
  date: 'a calendar date written YYYY-MM-DD, e.g. 2026-01-01',
  email: 'an e-mail address, e.g. office@ngo.example.org',
  url: 'a URL',
};

/** Friendlier descriptions of pattern fields than the regular expression itself. */
const PATTERN_HINTS: Record<string, string> = {
  budgetLineRef: 'a budget year and line code, e.g. 2026-MZ-ELDER-01 (digits, capital letters and dashes)',
  // The purchases list's query string.
  year: 'a budget year of four digits, e.g. 2026',
  limit: 'a whole number of rows, e.g. 25',
  ngo: 'an NGO’s unified social credit code: 18 digits and capital letters',
  accountNumber: 'a bank account number of 8 to 32 digits (spaces and hyphens may separate them)',
};

/** What the schema at a path accepts, in words: for a missing field there is no issue detail to go on. */
function describeSchema(schema: Schema | undefined, path: readonly PropertyKey[]): string | undefined {
  if (!schema) return undefined;
  const def = defOf(schema);
  if (def.type === 'string' && def.format) return FORMATS[def.format] ?? `a ${def.format}`;
  if (def.type === 'enum' && def.entries) return `one of ${Object.values(def.entries).join(', ')}`;
  if (isFenField(path)) return 'a whole number of fen';
  return EXPECTED[def.type];
}

const isFenField = (path: readonly PropertyKey[]): boolean =>
  String(path[path.length - 1] ?? '').endsWith('Fen');

function unitOf(origin: string, n: number | bigint): string {
  if (origin === 'string') return ` character${n === 1 ? '' : 's'}`;
  if (origin === 'array') return ` item${n === 1 ? '' : 's'}`;
  return '';
}

/**
 * zod/mini says only "Invalid input"; this turns each issue into a sentence that names what
 * was expected and what arrived. An unknown field of a strict object is one error per key,
 * with the path to that key, so a client can point at it.
 */
export function zodIssuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  schema?: Schema,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const field = formatPath(path);
    const value = valueAt(raw, path);
    if (value === undefined && issue.code !== 'unrecognized_keys' && (path.length > 0 || raw === undefined)) {
      const wanted = describeSchema(schema && schemaAt(schema, path), path);
      errors.push(fieldError('schema-required', field, undefined, 'is required but was not given', wanted));
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys': {
        const objectSchema = schema && schemaAt(schema, path);
        const known = objectSchema && Object.keys(defOf(objectSchema).shape ?? {});
        for (const key of issue.keys) {
          errors.push(
            fieldError(
              'schema-unknown-field',
              formatPath([...path, key]),
              valueAt(raw, [...path, key]),
              `unknown field '${key}' is not allowed`,
              known && known.length > 0 ? `known fields: ${known.join(', ')}` : undefined,
            ),
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        if (isFenField(path) && issue.expected === 'int' && typeof value === 'number') {
          errors.push(
            fieldError(
              'money-integer-fen',
              field,
              value,
              `must be a whole number of fen (1 yuan = 100 fen), got ${value}`,
              'a whole number of fen, e.g. 12345 for ¥123.45',
            ),
          );
        } else {
          const what = isFenField(path) ? 'a whole number of fen' : expected;
          errors.push(
            fieldError(
              'schema-invalid-type',
              field,
              value,
              `must be ${what}, got ${describeValue(value)}`,
              what,
            ),
          );
        }
        break;
      }
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const limit = small ? issue.minimum : issue.maximum;
        if (issue.origin === 'int' && !small && isFenField(path)) {
          errors.push(
            fieldError(
              'money-integer-fen',
              field,
              value,
              `is too large to be an exact number of fen`,
              `at most ${limit} fen`,
            ),
          );
          break;
        }
        const unit = isFenField(path) && typeof value === 'number' ? ' fen' : unitOf(issue.origin, limit);
        let bound: string;
        if (issue.exact) bound = `exactly ${limit}${unit}`;
        else if (small) bound = issue.inclusive ? `at least ${limit}${unit}` : `more than ${limit}${unit}`;
        else bound = issue.inclusive ? `at most ${limit}${unit}` : `less than ${limit}${unit}`;
        const has =
          issue.origin === 'string' && typeof value === 'string'
            ? `has ${value.trim().length}`
            : issue.origin === 'array' && Array.isArray(value)
              ? `has ${value.length}`
              : `is ${String(value)}`;
        const noun = issue.origin === 'string' || issue.origin === 'array' ? 'have' : 'be';
        errors.push(
          fieldError(
            small ? 'schema-too-small' : 'schema-too-big',
            field,
            value,
            `must ${noun} ${bound}; it ${has}`,
            bound,
          ),
        );
        break;
      }
      case 'invalid_format': {
        if (issue.format === 'regex' && issue.pattern === SINGLE_LINE_PLAIN.toString()) {
          errors.push(
            fieldError(
              'text-control-characters',
              field,
              value,
              'must be plain text on one line: control characters and bidirectional formatting characters (such as U+202E) are not allowed',
              'one line of plain text',
            ),
          );
          break;
        }
        const lastKey = String(path[path.length - 1] ?? '');
        const wanted =
          PATTERN_HINTS[lastKey] ??
          FORMATS[issue.format] ??
          (issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format}`);
        errors.push(
          fieldError(
            'schema-invalid-format',
            field,
            value,
            `must be ${wanted}, got ${describeValue(value)}`,
            wanted,
          ),
        );
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map(String).join(', ');
        errors.push(
          fieldError(
            'schema-invalid-value',
            field,
            value,
            `must be one of ${allowed}, got ${describeValue(value)}`,
            allowed,
          ),
        );
        break;
      }
      default:
        errors.push(fieldError('schema-invalid', field, value, `is not valid (${issue.code})`));
    }
  }
  return errors;
}
