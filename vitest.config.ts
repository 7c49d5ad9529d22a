import { defineConfig } from 'vitest/config';

/** Everything `npm test` runs: the quick part of the resilience suite, not its long runs (`*.full.test.ts`). */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/resilience/**/*.full.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/resilience/table-reporter.ts', './test/summary-reporter.ts'],
  },
});
