/**
 * The environment variables the CDK app sets on a function (infra/constructs/service-function.ts
 * writes them, the handlers read them through `requireEnv`): one list, so the two cannot drift.
 */
export const ENV = {
  /** The single DynamoDB table. */
  tableName: 'TABLE_NAME',
  /** Policy settings as JSON, without the reference data the table holds (validated at cold start). */
  policySettings: 'POLICY_SETTINGS',
  /** Lifecycle settings as JSON (without the agency roster: the table holds it). */
  lifecycleSettings: 'LIFECYCLE_SETTINGS',
  /** The reference data the deploy seeds the table with, as JSON (the seeding function only). */
  referenceSeed: 'REFERENCE_SEED',
  documentsBucket: 'DOCUMENTS_BUCKET',
  paymentsTopicArn: 'PAYMENTS_TOPIC_ARN',
  /** The secret holding the keys of task links (the e-mailed decision links). */
  taskLinkKeysSecretArn: 'TASK_LINK_KEYS_SECRET_ARN',
  /** The secret holding the keys of NGO page links: a separate key, so neither kind can forge the other. */
  ngoLinkKeysSecretArn: 'NGO_LINK_KEYS_SECRET_ARN',
  mailFrom: 'MAIL_FROM',
  /** The purchase lifecycle's state machine, for functions that start executions. */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Base of the links in e-mails. */
  publicBaseUrl: 'PUBLIC_BASE_URL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

/** Reads a variable the CDK app sets on the function; absent means a broken deployment, said plainly. */
export function requireEnv(name: EnvName): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`environment variable ${name} is not set`);
  return value;
}
