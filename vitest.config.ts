import { defineConfig } from 'vitest/config';

/** Everything `npm test` runs: the quick part of the resilience suite, not its long runs (`*.full.test.ts`). */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/resilience/**/*.full.test.ts'],
    setupFiles: ['test/setup.ts'],
    // A journey against a running app takes seconds on an idle machine and several times that on
    // a busy one (seen: 4 s idle, over 30 s with four test files sharing two cores).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/resilience/table-reporter.ts', './test/summary-reporter.ts'],
  },
});
