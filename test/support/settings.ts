import { DEFAULT_SETTINGS_FILE, loadSettings } from '../../infra/settings.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import type { LifecycleSettings } from '../../shared/domain/lifecycle-settings.js';
import type { PolicySettings } from '../../shared/domain/policy-settings.js';
import { deployedLifecycle, deployedPolicy } from '../../shared/domain/reference-data.js';

/**
 * The one way tests get the deployment settings: config/settings.json, read once and validated
 * by the same loadSettings the CDK app uses. Everything here is deep-frozen, so a test that
 * changes a setting fails loudly instead of leaking the change into the next test: such a test
 * makes its own copy (`structuredClone(TEST_POLICY)`).
 */

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The whole of config/settings.json, as loadSettings returns it: its waits in working days. */
export const SHIPPED_SETTINGS: DeploymentSettings = deepFreeze(loadSettings(DEFAULT_SETTINGS_FILE));

/**
 * The settings with every wait in seconds, as a deployment may set them: what most tests run on,
 * since their clocks (and scripted plan steps) count seconds. The waits in working days are run by
 * test/workflow/working-days.test.ts and the journeys on the synthesized app.
 */
export function waitsInSeconds(settings: DeploymentSettings): DeploymentSettings {
  const copy = structuredClone(settings);
  delete copy.policy.approval.timeoutWorkingDays;
  delete copy.lifecycle.contract.signTimeoutWorkingDays;
  delete copy.lifecycle.midterm.reviewTimeoutWorkingDays;
  delete copy.lifecycle.midterm.graceWorkingDays;
  delete copy.lifecycle.evaluation.timeoutWorkingDays;
  return copy;
}

/** config/settings.json with its waits in seconds (waitsInSeconds). */
export const TEST_SETTINGS: DeploymentSettings = deepFreeze(waitsInSeconds(SHIPPED_SETTINGS));

/** Its policy: budget lines, salary benchmarks, the approval chain. */
export const TEST_POLICY: PolicySettings = TEST_SETTINGS.policy;

/** Its lifecycle: contracting, uploads, payments, mid-term review and evaluation. */
export const TEST_LIFECYCLE: LifecycleSettings = TEST_SETTINGS.lifecycle;

/** The policy as the CDK app hands it to the functions (the `POLICY_SETTINGS` environment variable, without the reference data). */
export const POLICY_SETTINGS_JSON = JSON.stringify(deployedPolicy(TEST_POLICY));

/** The lifecycle as the CDK app hands it to the functions (the `LIFECYCLE_SETTINGS` environment variable, without the agency roster). */
export const LIFECYCLE_SETTINGS_JSON = JSON.stringify(deployedLifecycle(TEST_LIFECYCLE));
