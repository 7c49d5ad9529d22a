import * as z from 'zod/mini';
import { SettingsError } from './errors.js';
import { LifecycleSettingsSchema } from './lifecycle-settings.js';

/**
 * Deployment settings: everything a deployer decides. Read by the CDK app from
 * `config/settings.json` (or the file named by the `settingsFile` context value),
 * validated here, and handed to the functions that need them as the
 * `POLICY_SETTINGS` environment variable (validated again at cold start).
 */

const email = z.email();
const person = z.strictObject({ name: z.string().check(z.minLength(1), z.maxLength(80)), email });

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

export const PolicySettingsSchema = z.strictObject({
  /**
   * Annual budget lines proposals reserve against. A line is created in the table the first
   * time it is used; later edits of `totalFen` here do not change an existing line.
   */
  budgetLines: z.array(BudgetLineSettingSchema),
  salaryBenchmarks: z.array(SalaryBenchmarkSchema).check(z.minLength(1)),
  approval: z.strictObject({
    /** At or below this total only the section chief approves; above it finance and the director too. */
    fullChainAboveFen: z.int().check(z.positive()),
    /** How long an approver has before one reminder, and again before escalation. */
    timeoutSeconds: z.int().check(z.gte(60), z.lte(30 * 24 * 3600)),
    approvers: z.strictObject({
      SECTION_CHIEF: person,
      FINANCE_SECTION: person,
      BUREAU_DIRECTOR: person,
    }),
    /** Receives the task when an approver let it time out twice. */
    deputy: person,
  }),
});
export type PolicySettings = z.infer<typeof PolicySettingsSchema>;

export const DeploymentSettingsSchema = z.strictObject({
  /** Sender of every e-mail; must be a verified SES identity in the target account. */
  mailFrom: email,
  /** SES identity (domain or address) the stack verifies; usually the sender's domain. */
  sesIdentity: z.string().check(z.minLength(3)),
  /** Base URL of the links in e-mails; defaults to the HTTP API's own URL. */
  publicBaseUrl: z.optional(z.url()),
  /** OpenID Connect issuer and audience for staff tokens (the HTTP API's JWT authorizer). */
  auth: z.strictObject({ issuer: z.url(), audience: z.array(z.string()).check(z.minLength(1)) }),
  policy: PolicySettingsSchema,
  /** Contracting, uploads, payments, mid-term review and evaluation (see lifecycle-settings.ts). */
  lifecycle: LifecycleSettingsSchema,
  /** Running the system: who is e-mailed when a purchase workflow fails (none: subscribe by hand). */
  operations: z.optional(
    z.strictObject({
      alarmSubscribers: z.array(email).check(z.maxLength(20)),
    }),
  ),
});
export type DeploymentSettings = z.infer<typeof DeploymentSettingsSchema>;

export { SettingsError } from './errors.js';

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseDeploymentSettings(raw: unknown, source: string): DeploymentSettings {
  const result = DeploymentSettingsSchema.safeParse(raw);
  if (!result.success)
    throw new SettingsError(`invalid settings in ${source}: ${describeIssues(result.error)}`);
  return result.data;
}

export function parsePolicySettings(json: string | undefined): PolicySettings {
  if (!json) throw new SettingsError('POLICY_SETTINGS is not set');
  const result = PolicySettingsSchema.safeParse(JSON.parse(json));
  if (!result.success) throw new SettingsError(`invalid POLICY_SETTINGS: ${describeIssues(result.error)}`);
  return result.data;
}
