import * as schemas from '@aws-sdk/client-sfn/dist-es/schemas/schemas_0.js';

/**
 * Checks what the local Step Functions endpoint sends against AWS's own API model: the schemas the
 * real `@aws-sdk/client-sfn` is generated from (`<Shape>$`), which name every member of a
 * structure and put the required ones first. A problem is a required member missing, a member the
 * model does not have, or a value of the wrong kind, each with its path.
 */

type Schema = unknown;

/** The shapes by name, looked up by the name of the operation's output. */
const model: Readonly<Record<string, Schema>> = { ...schemas };

const SIMPLE = { string: 0, number: 1, boolean: 2, timestamp: 4, stringList: 64 } as const;

export function modelProblems(shape: string, value: unknown): string[] {
  const schema = model[`${shape}$`];
  if (schema === undefined) throw new Error(`the Step Functions model has no shape ${shape}`);
  const problems: string[] = [];
  check(schema, value, shape, problems);
  return problems;
}

function resolved(schema: Schema): Schema {
  if (typeof schema === 'function') return resolved(schema());
  // A member with traits: [schema, traits].
  if (Array.isArray(schema) && schema.length === 2 && typeof schema[0] !== 'number')
    return resolved(schema[0]);
  return schema;
}

function check(schema: Schema, value: unknown, path: string, problems: string[]): void {
  const s = resolved(schema);
  if (typeof s === 'number') {
    checkSimple(s, value, path, problems);
    return;
  }
  if (!Array.isArray(s)) throw new Error(`unexpected schema at ${path}`);
  const [kind] = s as [number];
  if (kind === 0) {
    // a named simple shape: [0, namespace, name, traits, type]
    checkSimple(s[4] as number, value, path, problems);
  } else if (kind === 1) {
    // a list: [1, namespace, name, traits, member]
    if (!Array.isArray(value)) problems.push(`${path}: a list is expected`);
    else for (const [i, item] of value.entries()) check(s[4], item, `${path}[${i}]`, problems);
  } else if (kind === 3) {
    checkStructure(s, value, path, problems);
  } else {
    // Maps, unions and documents do not occur in what this engine sends.
    problems.push(`${path}: schema kind ${kind} is not checked here`);
  }
}

/** A structure: [3, namespace, name, traits, memberNames, memberSchemas, requiredCount]. */
function checkStructure(s: unknown[], value: unknown, path: string, problems: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: a structure is expected`);
    return;
  }
  const names = s[4] as string[];
  const members = s[5] as Schema[];
  const required = (s[6] as number | undefined) ?? 0;
  const fields = value as Record<string, unknown>;
  for (const name of names.slice(0, required))
    if (fields[name] === undefined) problems.push(`${path}.${name}: required by the model, missing`);
  for (const [name, field] of Object.entries(fields)) {
    const index = names.indexOf(name);
    if (index < 0) problems.push(`${path}.${name}: not a member of ${String(s[2])}`);
    else check(members[index], field, `${path}.${name}`, problems);
  }
}

function checkSimple(type: number, value: unknown, path: string, problems: string[]): void {
  const ok =
    type === SIMPLE.string
      ? typeof value === 'string'
      : type === SIMPLE.number || type === SIMPLE.timestamp
        ? typeof value === 'number'
        : type === SIMPLE.boolean
          ? typeof value === 'boolean'
          : type === SIMPLE.stringList
            ? Array.isArray(value) && value.every((v) => typeof v === 'string')
            : true;
  if (!ok) problems.push(`${path}: ${JSON.stringify(value)} is not of the model's type ${type}`);
}
