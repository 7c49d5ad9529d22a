import * as z from 'zod/mini';
import { formatPath } from '../domain/errors.js';
import { type LifecycleSettings, LifecycleSettingsSchema } from '../domain/lifecycle-settings.js';
import { type PolicySettings, PolicySettingsSchema } from '../domain/policy-settings.js';
import {
  type DeployedLifecycle,
  DeployedLifecycleSchema,
  type DeployedPolicy,
  DeployedPolicySchema,
  type ReferenceData,
  ReferenceSeedSchema,
} from '../domain/reference-data.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import { SettingsError } from './errors.js';

/**
 * Deployment settings: everything a deployer decides. Read by the CDK app from
 * `config/settings.json` (or the file named by the `settingsFile` context value),
 * validated here, and handed to the functions that need them as the
 * `POLICY_SETTINGS` environment variable (validated again at cold start).
 */

const email = z.email();

/** Cognito's rule for the prefix of a user pool's own domain. */
export const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito does not allow in a domain prefix. */
export const RESERVED_IN_DOMAIN_PREFIX = /aws|amazon|cognito/;

const DeploymentSettingsFields = z.strictObject({
  /** Sender of every e-mail; must be a verified SES identity in the target account. */
  mailFrom: email,
  /** SES identity (domain or address) the stack verifies; usually the sender's domain. */
  sesIdentity: z.string().check(z.minLength(3)),
  /** Base URL of the links in e-mails; defaults to the HTTP API's own URL. */
  publicBaseUrl: z.optional(z.url()),
  /**
   * Staff sign in at an existing OpenID Connect provider: its issuer and the console's client id
   * there (a public client: authorization code with PKCE), which the HTTP API's JWT authorizer
   * takes as the only audience. Absent: the stack creates a Cognito user pool for staff.
   */
  auth: z.optional(z.strictObject({ issuer: z.url(), clientId: z.string().check(z.minLength(1)) })),
  /** The Cognito user pool the stack creates when `auth` is absent. */
  signIn: z.optional(
    z.strictObject({
      /** Its managed-login domain is `<prefix>.auth.<region>.amazoncognito.com`; default `ngo-purchase-staff-<account>`. */
      domainPrefix: z.string().check(
        z.regex(
          COGNITO_DOMAIN_PREFIX,
          'a domain prefix is 1-63 of a-z, 0-9 and -, not starting or ending with -',
        ),
        z.refine(
          (p) => !RESERVED_IN_DOMAIN_PREFIX.test(p),
          'Cognito refuses a domain prefix with aws, amazon or cognito',
        ),
      ),
    }),
  ),
  policy: PolicySettingsSchema,
  /** Contracting, uploads, payments, mid-term review and evaluation (see lifecycle-settings.ts). */
  lifecycle: LifecycleSettingsSchema,
  /**
   * The documents bucket's object lock: COMPLIANCE (the default) keeps every stored version for the
   * retention period whoever asks, the account's root included; GOVERNANCE lets a role with
   * `s3:BypassGovernanceRetention` delete one, and is meant for test deployments only.
   */
  documentLockMode: z.optional(z.enum(['COMPLIANCE', 'GOVERNANCE'])),
  /** Running the system: who is e-mailed when a purchase workflow fails (none: subscribe by hand). */
  operations: z.optional(
    z.strictObject({
      alarmSubscribers: z.array(email).check(z.maxLength(20)),
    }),
  ),
});
export const DeploymentSettingsSchema = DeploymentSettingsFields.check(
  z.refine((s) => !(s.auth && s.signIn), {
    message:
      'signIn configures the user pool the stack creates; with auth (an existing provider) there is none',
    path: ['signIn'],
  }),
);
export type DeploymentSettings = z.infer<typeof DeploymentSettingsSchema>;

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseDeploymentSettings(raw: unknown, source: string): DeploymentSettings {
  const result = DeploymentSettingsSchema.safeParse(raw);
  if (!result.success)
    throw new SettingsError(`invalid settings in ${source}: ${describeIssues(result.error)}`);
  return result.data;
}

/** Validates the policy settings a function was handed (already parsed from JSON). */
export function parsePolicySettings(raw: unknown): PolicySettings {
  const result = PolicySettingsSchema.safeParse(raw);
  if (!result.success) throw new SettingsError(`invalid policy settings: ${describeIssues(result.error)}`);
  return result.data;
}

/** One sentence per problem: our refinements say it themselves, zod/mini's own issues are translated. */
function describeLifecycleIssues(error: z.core.$ZodError, raw: unknown): string {
  return error.issues
    .flatMap((issue) =>
      issue.code === 'custom'
        ? [`${formatPath(issue.path)}: ${issue.message}`]
        : zodIssuesToFieldErrors([issue], raw, LifecycleSettingsSchema).map(
            (e) => `${e.field}: ${e.message}`,
          ),
    )
    .join('; ');
}

/** Validates lifecycle settings (from a settings file or an environment variable) and fills defaults. */
export function parseLifecycleSettings(raw: unknown): LifecycleSettings {
  const result = LifecycleSettingsSchema.safeParse(raw);
  if (!result.success)
    throw new SettingsError(`invalid lifecycle settings: ${describeLifecycleIssues(result.error, raw)}`);
  return result.data;
}

/** The policy settings a function's environment carries (the reference data is in the table). */
export function parseDeployedPolicy(raw: unknown): DeployedPolicy {
  const result = DeployedPolicySchema.safeParse(raw);
  if (!result.success) throw new SettingsError(`invalid policy settings: ${describeIssues(result.error)}`);
  return result.data;
}

/** The lifecycle settings a function's environment carries (the agency roster is in the table). */
export function parseDeployedLifecycle(raw: unknown): DeployedLifecycle {
  const result = DeployedLifecycleSchema.safeParse(raw);
  if (!result.success)
    throw new SettingsError(`invalid lifecycle settings: ${describeLifecycleIssues(result.error, raw)}`);
  return result.data;
}

/** The reference data the deploy seeds the table with (the seeding function's environment). */
export function parseReferenceSeed(raw: unknown): ReferenceData {
  const result = ReferenceSeedSchema.safeParse(raw);
  if (!result.success) throw new SettingsError(`invalid reference seed: ${describeIssues(result.error)}`);
  return result.data;
}
