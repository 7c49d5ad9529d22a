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
import { repoRoot } from '../../infra/paths.js';
import { synthesizeApp } from '../../infra/synth.js';
import type { DeploymentSettings } from '../../shared/config/settings.js';
import { synthesizeFixtureApp } from '../fixtures/local-app/app.js';
import { TEST_SETTINGS } from './settings.js';

/**
 * Synthesized cloud assemblies shared by the test files that run an app: bundling two dozen
 * functions costs each file seconds (minutes on a busy machine), and the result depends only on
 * the sources and the settings. An assembly is kept under `test-results/assemblies/<hash>`,
 * where the hash covers every source file the app is built from and the settings in effect; a
 * change to either makes a new one. Files racing to build the same one each build it and the
 * first rename wins, so nobody reads a half-written assembly. The integration project builds
 * the product's default one before its files start (assembly-global-setup.ts).
 */

const SOURCE_FOLDERS = ['infra', 'functions', 'shared', 'workflows', 'config', 'test/fixtures'];
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const CACHE_DIR = join(repoRoot, 'test-results', 'assemblies');
const LOCAL_RUNTIME_DIR = join(repoRoot, 'infra', 'local');
/** Assemblies kept: enough for the settings variants of one run, old sources' ones go. */
const KEEP = 8;

function pruneOldAssemblies(): void {
  const finished = readdirSync(CACHE_DIR)
    .filter((name) => !name.startsWith('building-'))
    .map((name) => ({ path: join(CACHE_DIR, name), at: statSync(join(CACHE_DIR, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of finished.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}

function cached(variant: string, synthesize: (outdir: string) => void): string {
  const key = createHash('sha256');
  for (const file of sourceFiles())
    key.update(relative(repoRoot, file)).update('\0').update(readFileSync(file));
  key.update(variant);
  const dir = join(CACHE_DIR, key.digest('hex').slice(0, 24));
  if (existsSync(join(dir, 'manifest.json'))) return dir;

  mkdirSync(CACHE_DIR, { recursive: true });
  pruneOldAssemblies();
  const building = mkdtempSync(join(CACHE_DIR, 'building-'));
  try {
    synthesize(building);
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // Another file finished the same assembly first: theirs is as good as ours.
    if (!existsSync(join(dir, 'manifest.json'))) throw error;
  }
  return dir;
}

/** The product's app with `settings` (config/settings.json when omitted): one assembly per settings in effect. */
export function cachedAssembly(settings?: DeploymentSettings): string {
  const effective = settings ?? TEST_SETTINGS;
  return cached(`product ${JSON.stringify(effective)}`, (outdir) => synthesizeApp(outdir, effective));
}

/** The local runtime's fixture app (test/fixtures/local-app). */
export function cachedFixtureAssembly(): string {
  return cached('fixture', (outdir) => synthesizeFixtureApp(outdir));
}

function sourceFiles(): string[] {
  const files = SOURCE_FILES.map((f) => join(repoRoot, f)).filter((f) => existsSync(f));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      // The local runtime runs an assembly; it is not part of one.
      if (name === 'node_modules' || name.startsWith('.') || path === LOCAL_RUNTIME_DIR) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) walk(join(repoRoot, folder));
  return files;
}
