import { TaskFailure } from './errors.js';

export type SettleReason = 'succeeded' | 'failed' | 'timed out' | 'ended with the execution';

/** One run of a Task or Wait handler: settles once, then runs its cleanups (timers, token, log). */
export class TaskAttempt {
  readonly promise: Promise<unknown>;
  #resolve!: (value: unknown) => void;
  #reject!: (error: Error) => void;
  #settled = false;
  readonly #cleanups: ((how: SettleReason) => void)[] = [];

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The library may have stopped listening (aborted execution); an unobserved rejection is expected.
    this.promise.catch(() => {});
  }

  get settled(): boolean {
    return this.#settled;
  }

  onSettle(cleanup: (how: SettleReason) => void): void {
    this.#cleanups.push(cleanup);
  }

  succeed(value: unknown): void {
    if (this.#settle('succeeded')) this.#resolve(value);
  }

  fail(error: Error): void {
    if (this.#settle(error.name === 'States.Timeout' ? 'timed out' : 'failed')) this.#reject(error);
  }

  abandon(): void {
    if (this.#settle('ended with the execution'))
      this.#reject(new TaskFailure('States.Runtime', 'The execution has ended'));
  }

  #settle(how: SettleReason): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    for (const cleanup of this.#cleanups) cleanup(how);
    return true;
  }
}
