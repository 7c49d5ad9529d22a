import { defineConfig } from 'vitest/config';

/**
 * Everything `npm test` runs, as two projects:
 * - `unit`: the domain, use cases, pages, handlers on fakes and the local runtime's parts, in
 *   process with no service started (`npx vitest run --project unit`, the inner loop);
 * - `integration`: the workflow on the local engine, the CDK app, DynamoDB Local, the local
 *   runtime, the browser and the quick part of the resilience suite (not its long runs,
 *   `*.full.test.ts`). It starts after `unit` has finished, so the two never share the cores.
 * Vitest's default is one worker fewer than the machine has cores: one on these two-core
 * machines. Two files at a time keep both cores busy while the other file waits on a service.
 */
export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    reporters: ['default', './test/resilience/table-reporter.ts', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/{workflow,infra,integration,e2e,resilience}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/resilience/**/*.full.test.ts'],
          // Synthesizes the app once, before any file needs it (assembly-cache.ts).
          globalSetup: ['test/support/assembly-global-setup.ts'],
          // A journey against a running app takes seconds on an idle machine and several times that on
          // a busy one (seen: 4 s idle, over 30 s with four test files sharing two cores).
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
