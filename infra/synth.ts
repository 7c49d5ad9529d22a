import { join } from 'node:path';
import { buildApp } from './build-app.js';
import { repoRoot } from './paths.js';

/**
 * Synthesizes the product's cloud assembly (templates + bundled functions) into `outdir`,
 * exactly what `cdk synth` writes; the local runtime then runs that assembly.
 */
export function synthesizeApp(outdir = join(repoRoot, 'cdk.out')): string {
  const { app } = buildApp({ outdir });
  return app.synth().directory;
}
