import { randomBytes } from 'node:crypto';
import { InvalidToken, TaskDoesNotExist, TaskTimedOut } from './errors.js';

/** What a callback gets: the output of SendTaskSuccess or the error of SendTaskFailure. */
export type CallbackOutcome =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string; cause: string };

interface WaitingTask {
  onCallback: (outcome: CallbackOutcome) => void;
  onHeartbeat: () => void;
}

interface TokenRecord {
  executionArn: string;
  /** issued: minted for `$$.Task.Token`, no task waits on it; closed: its task has ended. */
  status: 'issued' | 'waiting' | 'closed';
  waiting?: WaitingTask;
}

/**
 * Task tokens of every execution. A token is 384 random bits, so it cannot be guessed; tokens of ended
 * tasks are remembered so a late or repeated callback gets TaskTimedOut, as on AWS.
 */
export class TaskTokens {
  readonly #tokens = new Map<string, TokenRecord>();

  mint(executionArn: string): string {
    const token = randomBytes(48).toString('base64url');
    this.#tokens.set(token, { executionArn, status: 'issued' });
    return token;
  }

  /** Routes callbacks for `token` to a waiting task until the token is closed. */
  await(token: string, waiting: WaitingTask): void {
    const record = this.#tokens.get(token);
    if (record?.status !== 'issued') throw new Error('a task can only wait on a freshly issued token');
    record.status = 'waiting';
    record.waiting = waiting;
  }

  close(token: string): void {
    const record = this.#tokens.get(token);
    if (!record) return;
    record.status = 'closed';
    delete record.waiting;
  }

  closeExecution(executionArn: string): void {
    for (const [token, record] of this.#tokens) {
      if (record.executionArn === executionArn) this.close(token);
    }
  }

  /** Delivers a callback; the first one wins and closes the token. */
  complete(token: string, outcome: CallbackOutcome): void {
    const waiting = this.#waitingTask(token);
    this.close(token);
    waiting.onCallback(outcome);
  }

  heartbeat(token: string): void {
    this.#waitingTask(token).onHeartbeat();
  }

  #waitingTask(token: string): WaitingTask {
    const record = this.#tokens.get(token);
    if (!record) throw new InvalidToken('Invalid token');
    if (record.status === 'closed') throw new TaskTimedOut('Task Timed Out');
    if (record.status === 'issued' || !record.waiting) {
      throw new TaskDoesNotExist('No task is waiting for a callback with this token');
    }
    return record.waiting;
  }
}
