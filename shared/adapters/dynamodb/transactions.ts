import { setTimeout as sleep } from 'node:timers/promises';

/** How often a write that lost a race to a concurrent one is re-read and tried again. */
export const MAX_ATTEMPTS = 8;

/** Per-item outcome of a cancelled transaction, in the order of its TransactItems. */
export type CancellationCode = 'None' | 'ConditionalCheckFailed' | 'TransactionConflict' | (string & {});

/**
 * The cancellation codes of a TransactionCanceledException, or undefined for any other error
 * (those are not ours to interpret and are rethrown).
 */
export function cancellationCodes(error: unknown): CancellationCode[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The item at `index` failed its condition. */
export function conditionFailed(codes: readonly CancellationCode[], index: number): boolean {
  return codes[index] === 'ConditionalCheckFailed';
}

/**
 * A cancellation that a fresh read and another try can get past: a condition on a contended
 * item failed, or DynamoDB refused because another transaction held one of the items.
 */
export function lostRace(codes: readonly CancellationCode[], contendedIndexes: readonly number[]): boolean {
  return (
    codes.includes('TransactionConflict') || contendedIndexes.some((index) => conditionFailed(codes, index))
  );
}

/** Small randomised pause that grows with the attempt, so racing writers spread out. */
export async function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(10 * 2 ** attempt, 250);
  await sleep(5 + Math.floor(Math.random() * ceiling));
}

/**
 * Drops `undefined` at every depth. The document client refuses undefined values unless it
 * was configured to remove them, and the client is injected, so values are cleaned here.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) out[key] = withoutUndefined(v);
    }
    return out as T;
  }
  return value;
}
