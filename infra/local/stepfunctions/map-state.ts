/** Map states: iterations run by the library, at most MaxConcurrency at once, stopped at a failure. */
import './promise-with-resolvers.js';
import { ExecutionError } from 'aws-local-stepfunctions';
import type { MapPlan } from './definition.js';
import { TaskFailure } from './errors.js';
import { type Execution, type JsonValue, startAttempt, unvalidatedMachine } from './execution.js';
import { resolveReferencePath } from './reference-path.js';

/**
 * Runs a Map state's iterations, at most MaxConcurrency at a time (0 or absent: all at once), and stops
 * at the first failure as AWS does: running iterations are aborted, queued ones never start, and the
 * Map fails with that iteration's error for its Retry/Catch.
 */
export function runMap(execution: Execution, map: MapPlan, input: unknown): Promise<unknown> {
  const attempt = startAttempt(execution);
  if (attempt.settled) return attempt.promise;
  const iterations = new Set<{ abort: () => void }>();
  attempt.onSettle(() => {
    for (const iteration of iterations) iteration.abort();
  });
  const processor = unvalidatedMachine(map.processor);
  const runIteration = async (item: unknown, index: number): Promise<unknown> => {
    const itemInput = await selectItem(execution, map, input, item, index);
    if (attempt.settled) return undefined;
    const run = processor.run(itemInput as JsonValue, execution.iterationRunOptions(index));
    const entry = { abort: run.abort };
    iterations.add(entry);
    const recorded = (async () => {
      for await (const event of run.eventLogs) execution.history.recordIteration(map.stateName, index, event);
    })();
    try {
      const output = await run.result;
      await recorded;
      return output;
    } catch (error) {
      await recorded; // the iteration's events land in the history before the Map's failure
      throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    } finally {
      iterations.delete(entry);
    }
  };
  (async () => {
    const items = map.itemsPath === undefined ? input : resolveReferencePath(map.itemsPath, input, undefined);
    if (!Array.isArray(items)) {
      throw new TaskFailure('States.Runtime', `${map.stateName}: ItemsPath must select an array`);
    }
    const limit = mapConcurrency(map, input) || items.length;
    const outputs: unknown[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length && !attempt.settled) {
        const index = next++;
        outputs[index] = await runIteration(items[index], index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return outputs;
  })().then(
    (outputs) => attempt.succeed(outputs),
    (error: Error) => attempt.fail(error),
  );
  return attempt.promise;
}

/** ItemSelector is resolved by the library itself (paths, intrinsics, `$$.Map.Item`) in a one-state run. */
async function selectItem(
  execution: Execution,
  map: MapPlan,
  mapInput: unknown,
  item: unknown,
  index: number,
) {
  if (map.itemSelector === undefined) return item;
  const selector = unvalidatedMachine({
    StartAt: 'ItemSelector',
    States: { ItemSelector: { Type: 'Pass', Parameters: map.itemSelector, End: true } },
  });
  const context = { ...execution.runOptions.context, Map: { Item: { Index: index, Value: item } } };
  try {
    return await selector.run(mapInput as JsonValue, { context }).result;
  } catch (error) {
    throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  }
}

function mapConcurrency(map: MapPlan, input: unknown): number {
  if (map.maxConcurrencyPath === undefined) return map.maxConcurrency ?? 0;
  const value = resolveReferencePath(map.maxConcurrencyPath, input, undefined);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TaskFailure(
      'States.Runtime',
      `MaxConcurrencyPath '${map.maxConcurrencyPath}' must select an integer >= 0`,
    );
  }
  return value;
}
