import { join } from 'node:path';
import type { DeploymentSettings } from '../shared/config/settings.js';
import { buildApp } from './build-app.js';
import { repoRoot } from './paths.js';

/**
 * Synthesizes the product's cloud assembly (templates + bundled functions) into `outdir`,
 * exactly what `cdk synth` writes; the local runtime then runs that assembly. `settings` replaces
 * config/settings.json (tests that need, say, a larger budget line).
 */
export function synthesizeApp(outdir = join(repoRoot, 'cdk.out'), settings?: DeploymentSettings): string {
  const { app } = buildApp({ outdir, ...(settings ? { settings } : {}) });
  return app.synth().directory;
}
