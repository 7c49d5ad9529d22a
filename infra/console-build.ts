import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/** The staff console's sources: a Vite project (Preact) whose build is a folder of static files. */
export const CONSOLE_DIR = join(repoRoot, 'console');

/**
 * Builds the console into `outDir` (emptied first). Synchronous, so the CDK can run it as the local
 * bundling of the console's asset; it takes well under two seconds.
 */
export function buildConsole(outDir: string): void {
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(CONSOLE_DIR, 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: CONSOLE_DIR, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}
