import { defineConfig } from 'vitest/config';

/**
 * `npm run test:resilience`: the whole resilience and security suite, long runs included
 * (restart under SIGKILL, load), one file at a time so the load figures are this suite's own.
 */
export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './test/resilience/table-reporter.ts', './test/summary-reporter.ts'],
  },
});
