import { join } from 'node:path';
import { APP_SOURCE_FOLDERS, cachedAssembly as cached } from '../../infra/assembly-cache.js';
import { repoRoot } from '../../infra/paths.js';
import { synthesizeApp } from '../../infra/synth.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import { synthesizeFixtureApp } from '../fixtures/local-app/app.js';
import { TEST_SETTINGS } from './settings.js';

/**
 * The assemblies the test files that run an app share (infra/assembly-cache.ts), kept under
 * `test-results/assemblies/`. The integration project builds the product's default one before
 * its files start (assembly-global-setup.ts).
 */

const CACHE_DIR = join(repoRoot, 'test-results', 'assemblies');
const SOURCE_FOLDERS = [...APP_SOURCE_FOLDERS, 'test/fixtures'];

/** The product's app with `settings` (config/settings.json when omitted): one assembly per settings in effect. */
export function cachedAssembly(settings?: DeploymentSettings): string {
  const effective = settings ?? TEST_SETTINGS;
  return cached({
    cacheDir: CACHE_DIR,
    variant: `product ${JSON.stringify(effective)}`,
    sourceFolders: SOURCE_FOLDERS,
    synthesize: (outdir) => synthesizeApp(outdir, effective),
  }).dir;
}

/** The local runtime's fixture app (test/fixtures/local-app). */
export function cachedFixtureAssembly(): string {
  return cached({
    cacheDir: CACHE_DIR,
    variant: 'fixture',
    sourceFolders: SOURCE_FOLDERS,
    synthesize: (outdir) => synthesizeFixtureApp(outdir),
  }).dir;
}
