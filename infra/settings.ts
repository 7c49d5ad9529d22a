import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type DeploymentSettings, parseDeploymentSettings } from '../shared/config/settings.js';
import { repoRoot } from './paths.js';

/** The deployer's settings file, when the `settingsFile` context value names none (relative to the repository root). */
export const DEFAULT_SETTINGS_FILE = 'config/settings.json';

/** Reads and validates the deployer's settings file (relative paths are from the repository root). */
export function loadSettings(file: string): DeploymentSettings {
  const path = isAbsolute(file) ? file : resolve(repoRoot, file);
  return parseDeploymentSettings(JSON.parse(readFileSync(path, 'utf8')), path);
}
