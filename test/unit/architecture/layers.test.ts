import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../infra/paths.js';

/**
 * The dependency direction of the product's code, read from its import statements: the domain
 * is the ground floor, use cases talk to the domain and to ports, adapters implement ports,
 * Lambda wiring, handlers and infrastructure sit on top; and no module imports itself back
 * through others.
 */

const FOLDERS = ['shared', 'functions', 'workflows', 'infra'];

/** Which parts each part may import (its own part always); infra/ sits on top and may import any. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'shared/domain': [],
  'shared/ports': ['shared/domain'],
  'shared/presentation': ['shared/domain'],
  'shared/links': ['shared/domain', 'shared/ports'],
  'shared/config': ['shared/domain'],
  'shared/usecases': ['shared/domain', 'shared/ports', 'shared/presentation', 'shared/links'],
  'shared/adapters': ['shared/domain', 'shared/ports', 'shared/links'],
  'shared/lambda': [
    'shared/domain',
    'shared/ports',
    'shared/presentation',
    'shared/links',
    'shared/config',
    'shared/usecases',
    'shared/adapters',
  ],
  functions: [
    'shared/domain',
    'shared/ports',
    'shared/presentation',
    'shared/links',
    'shared/config',
    'shared/usecases',
    'shared/adapters',
    'shared/lambda',
  ],
  workflows: ['shared/domain'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s(?:type\s)?[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) =>
    resolve(dirname(file), (m[1] ?? m[2] ?? '').replace(/\.js$/, '.ts')),
  );
}

const files = FOLDERS.flatMap((folder) => sources(join(repoRoot, folder)));
const graph = new Map(files.map((file) => [file, importsOf(file)]));

function partOf(file: string): string {
  const rel = relative(repoRoot, file);
  const [top, second] = rel.split('/');
  return top === 'shared' ? `shared/${second}` : (top ?? rel);
}

describe('layers', () => {
  it('reads the product code', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it.each(Object.entries(MAY_IMPORT))('%s imports only what lies below it', (part, allowed) => {
    const wrong = [...graph]
      .filter(([file]) => partOf(file) === part)
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => partOf(target) !== part && !allowed.includes(partOf(target)))
          .map((target) => `${relative(repoRoot, file)} → ${relative(repoRoot, target)}`),
      );
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') {
          cycles.push(
            stack
              .slice(stack.indexOf(next))
              .map((f) => relative(repoRoot, f))
              .join(' → '),
          );
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
