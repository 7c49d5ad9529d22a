import * as z from 'zod/mini';
import { OfficialCalendarSchema } from './working-days.js';

/**
 * What the policy rules take from a deployment: the annual budget lines, the salary benchmark
 * table, the approval thresholds and the approvers. The values come from the deployment's
 * settings (see config/settings.ts); the shapes are the domain's.
 */

const email = z.email();
export const PersonSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(80)),
  email,
});

export const APPROVAL_LEVELS = ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];

export const SalaryBenchmarkSchema = z.strictObject({
  year: z.int().check(z.gte(2000), z.lte(2100)),
  /** Average annual wage of the city's non-private-unit (public-sector) employees, in fen. */
  annualWageFen: z.int().check(z.positive()),
  source: z.string().check(z.minLength(1)),
  /** True when the figure is illustrative sample data, not an official table for this deployment. */
  sample: z.boolean(),
});
export type SalaryBenchmark = z.infer<typeof SalaryBenchmarkSchema>;

export const BudgetLineSettingSchema = z.strictObject({
  lineId: z.string().check(z.regex(/^[0-9]{4}-[A-Z0-9-]{2,40}$/)),
  year: z.int().check(z.gte(2000), z.lte(2100)),
  description: z.string().check(z.minLength(1), z.maxLength(200)),
  totalFen: z.int().check(z.positive()),
});
export type BudgetLineSetting = z.infer<typeof BudgetLineSettingSchema>;

/** A city's yearbook gives the average wage of the year before by mid-year. */
export const DEFAULT_SALARY_BENCHMARK_GRACE_MONTHS = 6;

export const PolicySettingsSchema = z.strictObject({
  /**
   * Annual budget lines proposals reserve against. A line is created in the table the first
   * time it is used; later edits of `totalFen` here do not change an existing line.
   */
  budgetLines: z.array(BudgetLineSettingSchema),
  salaryBenchmarks: z.array(SalaryBenchmarkSchema).check(z.minLength(1)),
  /**
   * How many months into the next year a year's benchmark may still be unpublished (6: until 30
   * June). Until then the newest earlier year stands in for it, named on the approval page; after
   * that a proposal that needs it is refused until an administrator adds it.
   */
  salaryBenchmarkGraceMonths: z._default(
    z.int().check(z.nonnegative(), z.lte(12)),
    DEFAULT_SALARY_BENCHMARK_GRACE_MONTHS,
  ),
  /**
   * The official calendar's years beyond (or in place of) those of the chinese-days package, as the
   * State Council's yearly notice gives them: `{ "2027": { holidays, workdays, source, sample } }`.
   */
  officialCalendar: z._default(OfficialCalendarSchema, () => ({})),
  approval: z.strictObject({
    /** At or below this total only the section chief approves; above it finance and the director too. */
    fullChainAboveFen: z.int().check(z.positive()),
    /**
     * How long an approver (and a countersigner) has before one reminder, and again before
     * escalation, in seconds: what the wait takes when its working days are not given.
     */
    timeoutSeconds: z.int().check(z.gte(60), z.lte(30 * 24 * 3600)),
    /** The same wait in working days on the official calendar; when given, it is what counts. */
    timeoutWorkingDays: z.optional(z.int().check(z.positive(), z.lte(60))),
    approvers: z.strictObject({
      SECTION_CHIEF: PersonSchema,
      FINANCE_SECTION: PersonSchema,
      BUREAU_DIRECTOR: PersonSchema,
    }),
    /** Receives the task when an approver let it time out twice. */
    deputy: PersonSchema,
    /**
     * Takes, from their queue, a level neither its approver nor the deputy may decide under
     * separation of duties (separation-of-duties.ts). A roster stored before there was one has none.
     */
    administrator: z.optional(PersonSchema),
  }),
});
export type PolicySettings = z.infer<typeof PolicySettingsSchema>;
