import type * as z from 'zod/mini';
import type { PolicySettings, SalaryBenchmark } from '../config/settings.js';
import { catalogueCodes, findCatalogueItem, findNegativeListEntry, SERVICE_CATALOGUE } from './catalogue.js';
import { findCreditCodeProblem } from './credit-code.js';
import { type FieldError, formatPath, ValidationError } from './errors.js';
import { type Fen, formatYuan, sumFen } from './money.js';
import { type Proposal, ProposalSchema, TRANCHE_MILESTONES } from './proposal.js';

/**
 * The policy rules of a proposal (DESIGN section 2). `parseProposal` is the one entry point
 * for untrusted input: schema first, then every rule, and all problems reported at once so
 * the officer can fix the whole form in one go.
 */

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
  // Money.
  'money-integer-fen',
  'budget-lines-sum',
  // Payment tranches.
  'tranche-percent-sum',
  'tranche-milestone-once',
  'tranche-order',
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
  // Staff cost.
  'salary-benchmark',
  'salary-benchmark-missing',
  // Deliverables.
  'deliverable-within-term',
  'midterm-report-required',
  'final-report-required',
  // Budget.
  'budget-line-year',
  'budget-line-known',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface PolicyOptions {
  /** Today's date (`YYYY-MM-DD`); when given, a term that is already over is refused. */
  today?: string;
}

/** Months a term may run without, and with, a recorded justification. */
export const MAX_TERM_MONTHS = 12;
export const MAX_JUSTIFIED_TERM_MONTHS = 36;

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

function fieldError(
  rule: RuleId,
  field: string,
  value: unknown,
  message: string,
  allowed?: string,
): FieldError {
  const error: FieldError = { field, rule, message };
  if (value !== undefined) error.value = echoedValue(value);
  if (allowed !== undefined) error.allowed = allowed;
  return error;
}

/** Parses untrusted input into a Proposal, or throws ValidationError with every problem found. */
export function parseProposal(raw: unknown, settings: PolicySettings, opts: PolicyOptions = {}): Proposal {
  const result = ProposalSchema.safeParse(raw);
  if (!result.success) {
    throw new ValidationError(zodIssuesToFieldErrors(result.error.issues, raw, ProposalSchema));
  }
  const errors = checkProposalPolicy(result.data, settings, opts);
  if (errors.length > 0) throw new ValidationError(errors);
  return result.data;
}

/** Every policy rule over a proposal whose shape is already known to be right. */
export function checkProposalPolicy(
  p: Proposal,
  settings: PolicySettings,
  opts: PolicyOptions = {},
): FieldError[] {
  return [
    ...checkMoney(p),
    ...checkTranches(p),
    ...checkTerm(p, opts),
    ...checkServiceItem(p),
    ...checkCreditCode(p),
    ...checkSalaryBenchmark(p, settings),
    ...checkDeliverables(p),
    ...checkBudgetLineYear(p),
    ...checkBudgetLineKnown(p, settings),
  ];
}

// ---------------------------------------------------------------------------------------------
// Money

const isFen = (v: unknown): v is Fen => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Yuan for people; an amount that is not whole fen is shown as it came (it is reported elsewhere). */
const yuan = (fen: number): string => (Number.isSafeInteger(fen) ? formatYuan(fen) : `${fen} fen`);

function moneyFields(p: Proposal): [string, number][] {
  return [
    ['totalFen', p.totalFen],
    ...p.budgetLines.map((l, i): [string, number] => [`budgetLines[${i}].amountFen`, l.amountFen]),
    ...p.staffPlan.flatMap((s, i): [string, number][] => [
      [`staffPlan[${i}].monthlySalaryFen`, s.monthlySalaryFen],
      [`staffPlan[${i}].monthlySocialWelfareFen`, s.monthlySocialWelfareFen],
    ]),
  ];
}

function checkMoney(p: Proposal): FieldError[] {
  // The schema already insists on whole fen; this guards proposals built in code.
  const errors = moneyFields(p)
    .filter(([, v]) => !isFen(v))
    .map(([field, v]) =>
      fieldError(
        'money-integer-fen',
        field,
        v,
        `${v} is not a whole, non-negative number of fen (1 yuan = 100 fen)`,
        'a whole number of fen, e.g. 12345 for ¥123.45',
      ),
    );
  if (errors.length > 0) return errors;
  const lines = sumFen(p.budgetLines.map((l) => l.amountFen));
  if (lines !== p.totalFen) {
    errors.push(
      fieldError(
        'budget-lines-sum',
        'budgetLines',
        lines,
        `budget lines add up to ${yuan(lines)} but the total is ${yuan(p.totalFen)}`,
        `budget lines adding up to exactly ${yuan(p.totalFen)}`,
      ),
    );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Tranches

function checkTranches(p: Proposal): FieldError[] {
  const errors: FieldError[] = [];
  const percent = p.trancheSchedule.reduce((total, t) => total + t.percent, 0);
  if (percent !== 100) {
    errors.push(
      fieldError(
        'tranche-percent-sum',
        'trancheSchedule',
        percent,
        `tranche percentages add up to ${percent}%; they must add up to 100%`,
        'percentages adding up to exactly 100',
      ),
    );
  }
  const seen = new Set<string>();
  let previous = -1;
  p.trancheSchedule.forEach((t, i) => {
    const field = `trancheSchedule[${i}].milestone`;
    if (seen.has(t.milestone)) {
      errors.push(
        fieldError(
          'tranche-milestone-once',
          field,
          t.milestone,
          `milestone ${t.milestone} already has a tranche; each milestone pays at most once`,
          TRANCHE_MILESTONES.filter((m) => !seen.has(m)).join(', ') || 'no further milestone',
        ),
      );
      return;
    }
    seen.add(t.milestone);
    const order = TRANCHE_MILESTONES.indexOf(t.milestone);
    if (order < previous) {
      errors.push(
        fieldError(
          'tranche-order',
          field,
          t.milestone,
          `tranche ${i + 1} (${t.milestone}) comes after a later milestone; tranches follow the lifecycle order ${TRANCHE_MILESTONES.join(' → ')}`,
          TRANCHE_MILESTONES.join(' → '),
        ),
      );
    }
    previous = Math.max(previous, order);
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Term

const DAY_MS = 24 * 3600 * 1000;

function parseDate(iso: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === iso ? date : undefined;
}

const isoOf = (d: Date): string => d.toISOString().slice(0, 10);

/** Same day `months` later; a day the target month lacks becomes its last day (01-31 + 1 = 02-28). */
function addMonths(d: Date, months: number): Date {
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target;
}

/** The last day a term starting on `start` may run to when it lasts at most `months`. */
export function lastTermDay(start: string, months: number): string | undefined {
  const s = parseDate(start);
  return s ? isoOf(new Date(addMonths(s, months).getTime() - DAY_MS)) : undefined;
}

/** "18 months", "12 months and 1 day": how long a term runs, both ends included. */
function describeTermLength(start: Date, end: Date): string {
  const endExclusive = new Date(end.getTime() + DAY_MS);
  let months = 0;
  while (addMonths(start, months + 1) <= endExclusive) months++;
  const days = Math.round((endExclusive.getTime() - addMonths(start, months).getTime()) / DAY_MS);
  const parts = [];
  if (months > 0) parts.push(`${months} month${months === 1 ? '' : 's'}`);
  if (days > 0 || months === 0) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  return parts.join(' and ');
}

function checkTerm(p: Proposal, opts: PolicyOptions): FieldError[] {
  const { start, end } = p.term;
  const s = parseDate(start);
  const e = parseDate(end);
  if (!s || !e) return []; // the schema reports malformed dates
  const errors: FieldError[] = [];
  if (e <= s) {
    errors.push(
      fieldError(
        'term-end-after-start',
        'term.end',
        end,
        `the term ends on ${end}, which is not after it starts on ${start}`,
        `a date after ${start}`,
      ),
    );
    return errors;
  }
  const plainLast = lastTermDay(start, MAX_TERM_MONTHS) ?? start;
  const justifiedLast = lastTermDay(start, MAX_JUSTIFIED_TERM_MONTHS) ?? start;
  const length = describeTermLength(s, e);
  if (end > justifiedLast) {
    errors.push(
      fieldError(
        'term-max-36-months',
        'term.end',
        end,
        `the term ${start} to ${end} runs ${length}; no contract term may exceed ${MAX_JUSTIFIED_TERM_MONTHS} months`,
        `an end date on or before ${justifiedLast} (${MAX_JUSTIFIED_TERM_MONTHS} months, with a justification)`,
      ),
    );
  } else if (end > plainLast && p.justification === undefined) {
    errors.push(
      fieldError(
        'term-justification-required',
        'justification',
        undefined,
        `the term ${start} to ${end} runs ${length}; a term over ${MAX_TERM_MONTHS} months needs a recorded justification (stable, continuous service with guaranteed budget)`,
        `an end date on or before ${plainLast}, or a justification for a term of up to ${MAX_JUSTIFIED_TERM_MONTHS} months (ending on or before ${justifiedLast})`,
      ),
    );
  }
  if (opts.today !== undefined && end < opts.today) {
    errors.push(
      fieldError(
        'term-already-ended',
        'term.end',
        end,
        `the term ended on ${end}, before today (${opts.today}); a service cannot be purchased after it was delivered`,
        `an end date on or after ${opts.today}`,
      ),
    );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Catalogue

function checkServiceItem(p: Proposal): FieldError[] {
  const code = p.serviceItem;
  const allowedCodes = catalogueCodes(p.serviceArea);
  const allowed = SERVICE_CATALOGUE[p.serviceArea].map((i) => `${i.code} (${i.nameZh})`).join(', ');
  const refused = findNegativeListEntry(code);
  if (refused) {
    return [
      fieldError(
        'negative-list',
        'serviceItem',
        code,
        `${code} (${refused.nameZh}, ${refused.nameEn}) is on the negative list and cannot be purchased: ${refused.reason}`,
        allowed,
      ),
    ];
  }
  const found = findCatalogueItem(code);
  if (found?.area === p.serviceArea) return [];
  const where = found
    ? `${code} (${found.item.nameZh}) belongs to ${found.area}, not ${p.serviceArea}`
    : `${code} is not in the purchasable-service catalogue for ${p.serviceArea}`;
  return [
    fieldError(
      'service-catalogue',
      'serviceItem',
      code,
      `${where}; allowed: ${allowedCodes.join(', ')}`,
      allowed,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// The NGO's credit code

function checkCreditCode(p: Proposal): FieldError[] {
  const code = p.ngo.creditCode;
  const problem = findCreditCodeProblem(code);
  if (!problem) return [];
  if (problem.kind === 'check-character') {
    return [
      fieldError(
        'credit-code-check-digit',
        'ngo.creditCode',
        code,
        `credit code ${code} fails its check: the 18th character is '${code.charAt(17)}' but the first 17 call for '${problem.expected}' (check the code for a mistyped character)`,
        `check character '${problem.expected}' after ${code.slice(0, 17)}`,
      ),
    ];
  }
  return [
    fieldError(
      'credit-code-structure',
      'ngo.creditCode',
      code,
      `credit code ${code} is not a unified social credit code: ${problem.message}`,
      problem.allowed,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Staff cost against the salary benchmark

export interface ApplicableBenchmark {
  benchmark: SalaryBenchmark;
  /** The year the rule asks for (the year before the term starts). */
  wantedYear: number;
  /** False when that year is not configured and an earlier one stands in. */
  exact: boolean;
}

/** The benchmark for `wantedYear`, or else the newest configured year before it. */
export function applicableBenchmark(
  wantedYear: number,
  settings: PolicySettings,
): ApplicableBenchmark | undefined {
  const candidates = settings.salaryBenchmarks.filter((b) => b.year <= wantedYear);
  const newest = candidates.reduce<SalaryBenchmark | undefined>(
    (best, b) => (best === undefined || b.year > best.year ? b : best),
    undefined,
  );
  return newest && { benchmark: newest, wantedYear, exact: newest.year === wantedYear };
}

function checkSalaryBenchmark(p: Proposal, settings: PolicySettings): FieldError[] {
  if (p.staffPlan.length === 0) return [];
  const startYear = Number(p.term.start.slice(0, 4));
  const wantedYear = startYear - 1;
  const applicable = applicableBenchmark(wantedYear, settings);
  if (!applicable) {
    const configured = settings.salaryBenchmarks.map((b) => b.year).sort((a, b) => a - b);
    return [
      fieldError(
        'salary-benchmark-missing',
        'term.start',
        p.term.start,
        `no salary benchmark is configured for ${wantedYear} or any earlier year, so staff costs cannot be checked; configured years: ${configured.join(', ')}`,
        `a term starting in ${configured.map((y) => y + 1).join(', ')} or later, or a benchmark for ${wantedYear} in the settings`,
      ),
    ];
  }
  const { benchmark, exact } = applicable;
  const notes: string[] = [];
  if (benchmark.sample) notes.push('sample data');
  if (!exact) {
    notes.push(
      `no benchmark is configured for ${wantedYear}, so ${benchmark.year}, the newest configured year before it, applies`,
    );
  }
  const note = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const monthlyMinimum = Math.ceil(benchmark.annualWageFen / 12);
  const errors: FieldError[] = [];
  p.staffPlan.forEach((line, i) => {
    const { monthlySalaryFen: salary, monthlySocialWelfareFen: welfare } = line;
    if (!isFen(salary) || !isFen(welfare)) return; // reported by money-integer-fen
    const annual = (salary + welfare) * 12;
    if (annual >= benchmark.annualWageFen) return;
    // People count lines from 1; the field path keeps the zero-based index.
    errors.push(
      fieldError(
        'salary-benchmark',
        `staffPlan[${i}].monthlySalaryFen`,
        salary,
        `staff line ${i + 1} (${line.role}): salary ${formatYuan(salary)} + social welfare ${formatYuan(welfare)} per month = ${formatYuan(annual)} a year, below the ${benchmark.year} benchmark of ${formatYuan(benchmark.annualWageFen)}${note}`,
        `salary and social welfare together of at least ${formatYuan(monthlyMinimum)} a month (${formatYuan(benchmark.annualWageFen)} a year) per full-time worker`,
      ),
    );
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Deliverables

function checkDeliverables(p: Proposal): FieldError[] {
  const errors: FieldError[] = [];
  const { start, end } = p.term;
  if (start < end) {
    p.deliverables.forEach((d, i) => {
      if (d.dueDate >= start && d.dueDate <= end) return;
      const side = d.dueDate < start ? `before the term starts on ${start}` : `after the term ends on ${end}`;
      errors.push(
        fieldError(
          'deliverable-within-term',
          `deliverables[${i}].dueDate`,
          d.dueDate,
          `deliverable ${i + 1} (${d.kind}) is due on ${d.dueDate}, ${side}`,
          `a date from ${start} to ${end}`,
        ),
      );
    });
  }
  const kinds = new Set(p.deliverables.map((d) => d.kind));
  if (!kinds.has('MIDTERM_REPORT')) {
    errors.push(
      fieldError(
        'midterm-report-required',
        'deliverables',
        undefined,
        'no MIDTERM_REPORT is planned; the mid-term review needs one',
        'a deliverable of kind MIDTERM_REPORT with a due date within the term',
      ),
    );
  }
  if (!kinds.has('FINAL_REPORT')) {
    errors.push(
      fieldError(
        'final-report-required',
        'deliverables',
        undefined,
        'no FINAL_REPORT is planned; the third-party evaluation needs one',
        'a deliverable of kind FINAL_REPORT with a due date within the term',
      ),
    );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Budget line

function checkBudgetLineYear(p: Proposal): FieldError[] {
  const lineYear = p.budgetLineRef.slice(0, 4);
  const startYear = p.term.start.slice(0, 4);
  if (lineYear === startYear) return [];
  return [
    fieldError(
      'budget-line-year',
      'budgetLineRef',
      p.budgetLineRef,
      `budget line ${p.budgetLineRef} belongs to the ${lineYear} budget but the term starts in ${startYear}`,
      `a budget line of ${startYear}, e.g. ${startYear}-${p.budgetLineRef.slice(5)}`,
    ),
  ];
}

function checkBudgetLineKnown(p: Proposal, settings: PolicySettings): FieldError[] {
  const known = settings.budgetLines.map((l) => l.lineId);
  if (known.includes(p.budgetLineRef)) return [];
  return [
    fieldError(
      'budget-line-known',
      'budgetLineRef',
      p.budgetLineRef,
      `there is no budget line ${p.budgetLineRef}; a purchase needs a budget line to reserve against`,
      known.length > 0 ? `one of ${known.join(', ')}` : 'a budget line configured in the settings',
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// zod issues as FieldErrors

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

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  return `${typeof v === 'object' ? 'an object' : typeof v}`;
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
