import { SettingsError } from '../config/errors.js';
import { parseLifecycleSettings, parsePolicySettings } from '../config/settings.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import { ENV, type EnvName, requireEnv } from './environment.js';

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

export const policySettings: () => PolicySettings = settingsFromEnv(ENV.policySettings, parsePolicySettings);
export const lifecycleSettings: () => LifecycleSettings = settingsFromEnv(
  ENV.lifecycleSettings,
  parseLifecycleSettings,
);
