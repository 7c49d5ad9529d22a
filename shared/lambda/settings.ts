import type middy from '@middy/core';
import { SettingsError } from '../config/errors.js';
import { parseDeployedLifecycle, parseDeployedPolicy, parseReferenceSeed } from '../config/settings.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import { policyWithReferenceData, type ReferenceData } from '../domain/reference-data.js';
import { currentReferenceData } from '../usecases/reference-data.js';
import { ENV, type EnvName, requireEnv } from './environment.js';
import { tableRepositories } from './repositories.js';

/** The JSON settings the CDK app handed the function in `name`, validated once per execution environment. */
function settingsFromEnv<T>(name: EnvName, parse: (raw: unknown) => T): () => T {
  let parsed: T | undefined;
  return () => {
    if (parsed !== undefined) return parsed;
    let raw: unknown;
    try {
      raw = JSON.parse(requireEnv(name));
    } catch (error) {
      if (error instanceof SyntaxError) throw new SettingsError(`${name} is not valid JSON`);
      throw error;
    }
    parsed = parse(raw);
    return parsed;
  };
}

const deployedPolicy = settingsFromEnv(ENV.policySettings, parseDeployedPolicy);
const deployedLifecycle = settingsFromEnv(ENV.lifecycleSettings, parseDeployedLifecycle);

/** The reference data the running invocation read (loadReferenceData), or undefined between invocations. */
let loaded: ReferenceData | undefined;

export class ReferenceDataNotLoadedError extends Error {
  override name = 'ReferenceDataNotLoadedError';
  constructor() {
    super(
      "the reference data was read outside an invocation that loads it: add loadReferenceData() to the function's handler",
    );
  }
}

function reference(): ReferenceData {
  if (!loaded) throw new ReferenceDataNotLoadedError();
  return loaded;
}

/**
 * Middleware of every function whose rules read the reference data (budget lines, benchmarks,
 * approvers, agencies): reads it from the table before the handler, so an administrator's change
 * holds from the next invocation on, and forgets it after.
 */
export function loadReferenceData(): middy.MiddlewareObj {
  const forget = async () => {
    loaded = undefined;
  };
  return {
    before: async () => {
      loaded = await currentReferenceData(tableRepositories().referenceData);
    },
    after: forget,
    onError: forget,
  };
}

/**
 * The policy settings: the thresholds from the environment, the reference data as the running
 * invocation read it. Its reference fields are read when used, so the object can be given to the
 * use cases once, at cold start.
 */
export function policySettings(): PolicySettings {
  const current = () => policyWithReferenceData(deployedPolicy(), reference());
  return {
    salaryBenchmarkGraceMonths: deployedPolicy().salaryBenchmarkGraceMonths,
    officialCalendar: deployedPolicy().officialCalendar,
    get budgetLines() {
      return current().budgetLines;
    },
    get salaryBenchmarks() {
      return current().salaryBenchmarks;
    },
    approval: {
      ...deployedPolicy().approval,
      get approvers() {
        return current().approval.approvers;
      },
      get deputy() {
        return current().approval.deputy;
      },
      get administrator() {
        return current().approval.administrator;
      },
    },
  };
}

/** The lifecycle settings: the environment's, with the agency roster as the running invocation read it. */
export function lifecycleSettings(): LifecycleSettings {
  const deployed = deployedLifecycle();
  return {
    ...deployed,
    evaluation: {
      ...deployed.evaluation,
      get agencies() {
        return reference().agencies;
      },
    },
  };
}

/** The seeding function's reference data: the deployment's settings, which only seed the table. */
export const referenceSeed: () => ReferenceData = settingsFromEnv(ENV.referenceSeed, parseReferenceSeed);
