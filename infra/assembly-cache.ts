import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * Synthesized cloud assemblies kept for reuse: bundling two dozen functions costs seconds (minutes
 * on a busy machine), and the result depends only on the sources and the settings. An assembly is
 * kept under `<cacheDir>/<hash>`, where the hash covers every source file the app is built from
 * and a variant (the settings in effect); a change to either makes a new one. Builders racing for
 * the same one each build it and the first rename wins, so nobody reads a half-written assembly.
 * `npm start` and the tests both use it.
 */

/** What the product's app is built from; the local runtime runs an assembly and is not part of one. */
export const APP_SOURCE_FOLDERS = ['infra', 'functions', 'shared', 'workflows', 'config', 'console'] as const;
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const LOCAL_RUNTIME_DIR = join(repoRoot, 'infra', 'local');
/** Assemblies kept: enough for the settings variants of one test run; older sources' ones go. */
const KEEP = 8;

export interface AssemblyCacheOptions {
  readonly cacheDir: string;
  /** Tells assemblies of the same sources apart (the settings in effect, a fixture app). */
  readonly variant: string;
  /** Folders of the repository the app is built from; default APP_SOURCE_FOLDERS. */
  readonly sourceFolders?: readonly string[];
  readonly synthesize: (outdir: string) => void;
}

/** The assembly's folder, and whether it was built now or reused. */
export function cachedAssembly(options: AssemblyCacheOptions): { dir: string; reused: boolean } {
  const key = createHash('sha256');
  for (const file of sourceFiles(options.sourceFolders ?? APP_SOURCE_FOLDERS))
    key.update(relative(repoRoot, file)).update('\0').update(readFileSync(file));
  key.update(options.variant);
  const dir = join(options.cacheDir, key.digest('hex').slice(0, 24));
  if (existsSync(join(dir, 'manifest.json'))) return { dir, reused: true };

  mkdirSync(options.cacheDir, { recursive: true });
  pruneOldAssemblies(options.cacheDir);
  const building = mkdtempSync(join(options.cacheDir, 'building-'));
  try {
    options.synthesize(building);
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another builder finished the same assembly first: theirs is as good as ours.
    if (!existsSync(join(dir, 'manifest.json'))) throw error;
  }
  return { dir, reused: false };
}

function pruneOldAssemblies(cacheDir: string): void {
  const finished = readdirSync(cacheDir)
    .filter((name) => !name.startsWith('building-'))
    .map((name) => ({ path: join(cacheDir, name), at: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of finished.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}

function sourceFiles(folders: readonly string[]): string[] {
  const files = SOURCE_FILES.map((f) => join(repoRoot, f)).filter((f) => existsSync(f));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.') || path === LOCAL_RUNTIME_DIR) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const folder of folders) if (existsSync(join(repoRoot, folder))) walk(join(repoRoot, folder));
  return files;
}
