import { relative } from 'node:path';
import type { SerializedError } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

/** How many failures the closing list names; the rest are counted. */
const listedFailures = 10;

/**
 * Ends the run with one plain line, `N passed, N failed` (and skipped when any), that any
 * CI log reader understands, followed by the failed tests by file and name with the first
 * line of their error. A CI log often keeps only its tail, so what failed has to be there.
 * Counts come from vitest's own results, module by module; unhandled errors count as failures.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'skipped') skipped++;
        else if (result.state === 'failed') {
          failures.push(
            `${relative(process.cwd(), module.moduleId)} › ${test.fullName}: ${firstLine(result.errors?.[0]?.message)}`,
          );
        }
      }
      // A file that failed to load, or a beforeAll/afterAll that threw (its tests then count as
      // skipped), fails the file with no failed test: the error is on the module or the suite.
      const file = relative(process.cwd(), module.moduleId);
      const hookFailures = [module, ...module.children.allSuites()].flatMap((entity) =>
        entity.errors().map((error) => {
          const where = entity.type === 'suite' ? `${file} › ${entity.fullName}` : file;
          return `${where}: ${firstLine(error.message)}`;
        }),
      );
      failures.push(...hookFailures);
      const testFailed = tests.some((test) => test.result().state === 'failed');
      if (module.state() === 'failed' && !testFailed && hookFailures.length === 0) {
        failures.push(`${file}: failed with no failed test and no error message`);
      }
    }
    // An error thrown outside any test (a timer firing after its test ended) fails the run too.
    for (const error of unhandledErrors) failures.push(`unhandled error: ${firstLine(error.message)}`);
    const lines = [`${passed} passed, ${failures.length} failed${skipped ? `, ${skipped} skipped` : ''}`];
    for (const failure of failures.slice(0, listedFailures)) lines.push(`  FAILED ${failure}`);
    if (failures.length > listedFailures) lines.push(`  and ${failures.length - listedFailures} more`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}

function firstLine(message: string | undefined): string {
  const line = (message ?? 'no error message').split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
