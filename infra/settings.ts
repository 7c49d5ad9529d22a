import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type DeploymentSettings, parseDeploymentSettings } from '../shared/config/settings.js';
import { repoRoot } from './paths.js';

/** Reads and validates the deployer's settings file (relative paths are from the repository root). */
export function loadSettings(file: string): DeploymentSettings {
  const path = isAbsolute(file) ? file : resolve(repoRoot, file);
  return parseDeploymentSettings(JSON.parse(readFileSync(path, 'utf8')), path);
}
