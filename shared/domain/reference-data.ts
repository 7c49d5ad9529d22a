import * as z from 'zod/mini';
import { canonicalJson } from './canonical-json.js';
import type { FieldError } from './errors.js';
import { fieldError } from './field-errors.js';
import {
  type EvaluationAgency,
  EvaluationAgencySchema,
  EvaluationSettingsSchema,
  type LifecycleSettings,
  LifecycleSettingsSchema,
} from './lifecycle-settings.js';
import { formatYuan } from './money.js';
import {
  type BudgetLineSetting,
  BudgetLineSettingSchema,
  PersonSchema,
  type PolicySettings,
  PolicySettingsSchema,
  type SalaryBenchmark,
  SalaryBenchmarkSchema,
} from './policy-settings.js';

/**
 * The bureau's reference data: the budget lines of each year, the salary benchmarks with their
 * source, the approvers and their deputy, and the evaluation agencies with their declared ties.
 * It lives in the table, edited by the administrator (every change on its own audit trail); the
 * deployment's settings only seed it. Functions read it at every invocation and see it as part of
 * their settings (withReferenceData), so the policy rules keep taking one settings object.
 */

export const REFERENCE_SECTIONS = ['budgetLines', 'salaryBenchmarks', 'approvers', 'agencies'] as const;
export type ReferenceSection = (typeof REFERENCE_SECTIONS)[number];

export const ApproverRosterSchema = z.strictObject({
  SECTION_CHIEF: PersonSchema,
  FINANCE_SECTION: PersonSchema,
  BUREAU_DIRECTOR: PersonSchema,
  /** Receives a task when an approver let it time out twice. */
  DEPUTY: PersonSchema,
  /** Takes a level nobody else may decide under separation of duties; rosters stored earlier have none. */
  ADMINISTRATOR: z.optional(PersonSchema),
});
export type ApproverRoster = z.infer<typeof ApproverRosterSchema>;

export interface ReferenceData {
  budgetLines: BudgetLineSetting[];
  salaryBenchmarks: SalaryBenchmark[];
  approvers: ApproverRoster;
  agencies: EvaluationAgency[];
}

/** The shape of each section's value, as an edit must send it. */
export const REFERENCE_SCHEMAS = {
  budgetLines: z.array(BudgetLineSettingSchema).check(z.maxLength(500)),
  salaryBenchmarks: z.array(SalaryBenchmarkSchema).check(z.minLength(1), z.maxLength(100)),
  approvers: ApproverRosterSchema,
  agencies: z.array(EvaluationAgencySchema).check(z.minLength(1), z.maxLength(200)),
} as const satisfies { [K in ReferenceSection]: z.ZodMiniType<ReferenceData[K]> };

/** All four sections, as the deploy seeds them. */
export const ReferenceSeedSchema = z.strictObject(REFERENCE_SCHEMAS);

/** One section as stored: its value, its version (+1 on every change) and who changed it last. */
export interface StoredSection<K extends ReferenceSection = ReferenceSection> {
  value: ReferenceData[K];
  version: number;
  updatedAt: string;
  /** The administrator's e-mail, or SEED_ACTOR. */
  updatedBy: string;
}

export type StoredReferenceData = { [K in ReferenceSection]: StoredSection<K> };

/** Who wrote the sections the deployment's settings seeded. */
export const SEED_ACTOR = 'settings';

/** The reference data the deployment's settings seed. */
export function referenceSeed(policy: PolicySettings, lifecycle: LifecycleSettings): ReferenceData {
  return {
    budgetLines: policy.budgetLines,
    salaryBenchmarks: policy.salaryBenchmarks,
    approvers: {
      ...policy.approval.approvers,
      DEPUTY: policy.approval.deputy,
      ...(policy.approval.administrator ? { ADMINISTRATOR: policy.approval.administrator } : {}),
    },
    agencies: lifecycle.evaluation.agencies,
  };
}

/**
 * What a function's environment carries of the settings: everything but the reference data (which
 * the table holds). Lambda allows 4 KB of environment; the reference data grows with the bureau.
 */
export const DeployedPolicySchema = z.strictObject({
  salaryBenchmarkGraceMonths: PolicySettingsSchema.shape.salaryBenchmarkGraceMonths,
  officialCalendar: PolicySettingsSchema.shape.officialCalendar,
  approval: z.pick(PolicySettingsSchema.shape.approval, {
    fullChainAboveFen: true,
    timeoutSeconds: true,
    timeoutWorkingDays: true,
  }),
});
export type DeployedPolicy = z.infer<typeof DeployedPolicySchema>;
export const DeployedLifecycleSchema = z.extend(LifecycleSettingsSchema, {
  evaluation: z.omit(EvaluationSettingsSchema, { agencies: true }),
});
export type DeployedLifecycle = z.infer<typeof DeployedLifecycleSchema>;

export function deployedPolicy(policy: PolicySettings): DeployedPolicy {
  const { fullChainAboveFen, timeoutSeconds, timeoutWorkingDays } = policy.approval;
  return {
    salaryBenchmarkGraceMonths: policy.salaryBenchmarkGraceMonths,
    officialCalendar: policy.officialCalendar,
    approval: {
      fullChainAboveFen,
      timeoutSeconds,
      ...(timeoutWorkingDays === undefined ? {} : { timeoutWorkingDays }),
    },
  };
}

export function deployedLifecycle(lifecycle: LifecycleSettings): DeployedLifecycle {
  const { agencies: _inTheTable, ...evaluation } = lifecycle.evaluation;
  return { ...lifecycle, evaluation };
}

/** The policy settings with the reference data in place of what the settings seeded. */
export function policyWithReferenceData(policy: DeployedPolicy, data: ReferenceData): PolicySettings {
  const { DEPUTY, ADMINISTRATOR, ...approvers } = data.approvers;
  return {
    ...policy,
    budgetLines: data.budgetLines,
    salaryBenchmarks: data.salaryBenchmarks,
    approval: {
      ...policy.approval,
      approvers,
      deputy: DEPUTY,
      ...(ADMINISTRATOR ? { administrator: ADMINISTRATOR } : {}),
    },
  };
}

/** What is reserved on each budget line that was drawn on (lines never used have nothing reserved). */
export type ReservedByLine = ReadonlyMap<string, number>;

/**
 * What an edit of a section breaks beyond its shape: a key given twice; for budget lines, an
 * existing line removed or renamed (purchases refer to it), or a total below what is reserved.
 */
export function referenceEditErrors<K extends ReferenceSection>(
  section: K,
  value: ReferenceData[K],
  current: ReferenceData[K],
  reserved: ReservedByLine,
): FieldError[] {
  switch (section) {
    case 'budgetLines':
      return budgetLineErrors(value as BudgetLineSetting[], current as BudgetLineSetting[], reserved);
    case 'salaryBenchmarks':
      return duplicates(value as SalaryBenchmark[], (b) => String(b.year), 'year');
    case 'agencies':
      return duplicates(value as EvaluationAgency[], (a) => a.id, 'id');
    default:
      return [];
  }
}

function duplicates<T>(rows: readonly T[], keyOf: (row: T) => string, field: string): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const [i, row] of rows.entries()) {
    const key = keyOf(row);
    if (seen.has(key))
      errors.push(
        fieldError('reference-duplicate', `value[${i}].${field}`, key, `${key} is listed twice`, 'each once'),
      );
    seen.add(key);
  }
  return errors;
}

function budgetLineErrors(
  lines: readonly BudgetLineSetting[],
  current: readonly BudgetLineSetting[],
  reserved: ReservedByLine,
): FieldError[] {
  const errors = duplicates(lines, (l) => l.lineId, 'lineId');
  const kept = new Set(lines.map((l) => l.lineId));
  const gone = current.filter((l) => !kept.has(l.lineId)).map((l) => l.lineId);
  if (gone.length > 0)
    errors.push(
      fieldError(
        'reference-line-kept',
        'value',
        gone,
        `budget line ${gone.join(', ')} cannot be removed or renamed: purchases refer to it`,
        'every existing line, with its lineId unchanged',
      ),
    );
  for (const [i, line] of lines.entries()) {
    const before = current.find((l) => l.lineId === line.lineId);
    if (before && before.year !== line.year)
      errors.push(
        fieldError(
          'reference-line-kept',
          `value[${i}].year`,
          line.year,
          `the year of budget line ${line.lineId} cannot change from ${before.year}`,
          String(before.year),
        ),
      );
    const held = reserved.get(line.lineId) ?? 0;
    if (line.totalFen < held)
      errors.push(
        fieldError(
          'reference-total-below-reserved',
          `value[${i}].totalFen`,
          line.totalFen,
          `${formatYuan(held)} is reserved on ${line.lineId}: its total cannot be less`,
          `at least ${held} fen (${formatYuan(held)})`,
        ),
      );
  }
  return errors;
}

/** A short English sentence of what an edit changed, for the audit trail's list of changes. */
export function changeSummary<K extends ReferenceSection>(
  section: K,
  value: ReferenceData[K],
  current: ReferenceData[K],
): string {
  if (!Array.isArray(value) || !Array.isArray(current)) {
    const before = current as ApproverRoster;
    const after = value as ApproverRoster;
    const roles = [...new Set([...Object.keys(before), ...Object.keys(after)])] as (keyof ApproverRoster)[];
    const changed = roles.filter(
      (role) => before[role]?.email !== after[role]?.email || before[role]?.name !== after[role]?.name,
    );
    const now = (role: keyof ApproverRoster) => {
      const person = after[role];
      return person ? `${role} is now ${person.name} <${person.email}>` : `${role} is now nobody`;
    };
    return changed.length === 0 ? 'approvers saved unchanged' : changed.map(now).join('; ');
  }
  // Canonical (sorted keys): a row read back from DynamoDB need not keep its keys' order.
  const keyOf = (row: unknown) => canonicalJson(row);
  const before = new Set((current as unknown[]).map(keyOf));
  const after = new Set((value as unknown[]).map(keyOf));
  const added = [...after].filter((row) => !before.has(row)).length;
  const removed = [...before].filter((row) => !after.has(row)).length;
  return `${section}: ${added} row(s) new or changed, ${removed} previous row(s) replaced or removed, ${value.length} in all`;
}
