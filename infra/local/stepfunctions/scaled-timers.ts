/** How fast state-machine time runs: real milliseconds per state-machine second (1000 = real time). */
export interface LocalClock {
  /** real ms per state-machine second; 1000 = real time, 1 = 1000x faster */
  msPerSecond: number;
  /**
   * The state machine's time (execution dates, history timestamps, `$$` times, Timestamp waits):
   * without it, the system clock; with it, a clock of the engine's own that starts at this instant
   * and runs at the timers' speed, so a test can play years and read them as years.
   */
  startsAt?: string;
}

/** Node fires any setTimeout longer than this at once, so longer waits are armed in slices. */
export const MAX_TIMER_MS = 2_147_483_647;

interface PendingTimer {
  /** State-machine seconds still to wait when the timer was last armed. */
  remainingSeconds: number;
  armedAt: number;
  handle: NodeJS.Timeout | undefined;
  fire: () => void;
}

/**
 * Calls `fire` after `seconds` of real time, whatever the clock; returns a function that cancels it.
 * A limit beyond Node's longest timer is never reached in a local run, so none is armed.
 */
export function afterRealSeconds(seconds: number, fire: () => void): () => void {
  const ms = Math.max(0, seconds) * 1000;
  if (ms > MAX_TIMER_MS) return () => {};
  const handle = setTimeout(fire, ms);
  return () => clearTimeout(handle);
}

/**
 * Timers measured in state-machine seconds. A clock change re-arms every pending timer for the time it
 * still has to run, so a demo can speed up a wait that already started.
 */
export class ScaledTimers {
  readonly #pending = new Set<PendingTimer>();
  #msPerSecond: number;
  /** The engine's own time, when it has one: its instant at `realAnchor`, from which it runs at the clock's speed. */
  readonly #ownTime: { anchor: number; realAnchor: number } | undefined;

  constructor(clock: LocalClock) {
    this.#msPerSecond = checkedMsPerSecond(clock);
    if (clock.startsAt !== undefined) {
      const anchor = Date.parse(clock.startsAt);
      if (Number.isNaN(anchor))
        throw new RangeError(`clock.startsAt must be an ISO 8601 instant, got ${clock.startsAt}`);
      this.#ownTime = { anchor, realAnchor: Date.now() };
    }
  }

  /** The state machine's time now. */
  now(): Date {
    const own = this.#ownTime;
    if (!own) return new Date();
    return new Date(own.anchor + ((Date.now() - own.realAnchor) * 1000) / this.#msPerSecond);
  }

  get msPerSecond(): number {
    return this.#msPerSecond;
  }

  setClock(clock: LocalClock): void {
    const next = checkedMsPerSecond(clock);
    const now = Date.now();
    // The engine's own time goes on from where it is, at the new speed.
    if (this.#ownTime) Object.assign(this.#ownTime, { anchor: this.now().getTime(), realAnchor: now });
    for (const timer of this.#pending) {
      clearTimeout(timer.handle);
      timer.remainingSeconds = Math.max(
        0,
        timer.remainingSeconds - (now - timer.armedAt) / this.#msPerSecond,
      );
    }
    this.#msPerSecond = next;
    for (const timer of this.#pending) this.#arm(timer);
  }

  /** Calls `fire` after `seconds` state-machine seconds; returns a function that cancels it. */
  after(seconds: number, fire: () => void): () => void {
    const timer: PendingTimer = {
      remainingSeconds: Math.max(0, seconds),
      armedAt: 0,
      handle: undefined,
      fire,
    };
    this.#pending.add(timer);
    this.#arm(timer);
    return () => {
      clearTimeout(timer.handle);
      this.#pending.delete(timer);
    };
  }

  #arm(timer: PendingTimer): void {
    const realMs = timer.remainingSeconds * this.#msPerSecond;
    timer.armedAt = Date.now();
    if (realMs > MAX_TIMER_MS) {
      timer.handle = setTimeout(() => {
        timer.remainingSeconds -= MAX_TIMER_MS / this.#msPerSecond;
        this.#arm(timer);
      }, MAX_TIMER_MS);
      return;
    }
    // Node keeps whole milliseconds and drops the fraction: rounded up, a timer never fires early
    // (at a fast clock a millisecond is hours of state-machine time).
    timer.handle = setTimeout(() => {
      this.#pending.delete(timer);
      timer.fire();
    }, Math.ceil(realMs));
  }
}

function checkedMsPerSecond(clock: LocalClock): number {
  if (!Number.isFinite(clock.msPerSecond) || clock.msPerSecond <= 0) {
    throw new RangeError(`clock.msPerSecond must be a positive number, got ${clock.msPerSecond}`);
  }
  return clock.msPerSecond;
}
