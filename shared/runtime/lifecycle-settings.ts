import { SettingsError } from '../config/errors.js';
import { type LifecycleSettings, parseLifecycleSettings } from '../config/lifecycle-settings.js';
import { requireEnv } from './env.js';

let settings: LifecycleSettings | undefined;

/** The lifecycle settings the CDK app handed this function (LIFECYCLE_SETTINGS, JSON), validated once. */
export function lifecycleSettings(): LifecycleSettings {
  if (settings) return settings;
  const json = requireEnv('LIFECYCLE_SETTINGS');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new SettingsError('LIFECYCLE_SETTINGS is not valid JSON');
  }
  settings = parseLifecycleSettings(raw);
  return settings;
}
