/**
 * One execution as the engine keeps it (description, plan, history, tasks in flight), what running it
 * takes from the engine, and the library state machines that run it.
 */
import './promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionDescription, StateMachineType } from './api.js';
import type { ExecutionPlan } from './definition.js';
import { TaskFailure } from './errors.js';
import type { ExecutionEnding, ExecutionHistory } from './history.js';
import type { ScaledTimers } from './scaled-timers.js';
import { TaskAttempt } from './task-attempt.js';
import type { TaskIntegrations } from './task-integrations.js';
import type { TaskTokens } from './task-tokens.js';

export interface RegisteredStateMachine {
  arn: string;
  name: string;
  definition: object;
  /** The role executions run as (named in ExecutionStarted and `$$.Execution.RoleArn`). */
  roleArn: string;
  type: StateMachineType;
  creationDate: Date;
  /** Changes whenever the definition or role changes (what a version is published from). */
  revisionId: string;
  /** When the current revision was registered. */
  updateDate: Date;
}

export interface Execution {
  description: ExecutionDescription;
  /** The input in a canonical form, to tell an idempotent restart from a clash. */
  canonicalInput: string;
  stateMachine: RegisteredStateMachine;
  plan: ExecutionPlan;
  history: ExecutionHistory;
  ending: ExecutionEnding;
  /** Set the moment the library settles; tasks started after that are refused. */
  ended: boolean;
  abort: () => void;
  attempts: Set<TaskAttempt>;
  /** Token minted for `$$.Task.Token` while the library resolves one task's Parameters. */
  pendingToken?: string;
  /** What the library run of this execution is given. */
  runOptions: RunOptions;
  /** What the library run of one Map iteration is given. */
  iterationRunOptions: (iteration: number) => RunOptions;
  done: Promise<void>;
}

export type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;

/** The input of a Task handler is JSON; so is what it returns. */
export type JsonValue = Parameters<StateMachine['run']>[0];

/** What running an execution takes from the engine: scaled timers, task tokens, Task integrations, log. */
export interface ExecutionServices {
  readonly timers: ScaledTimers;
  readonly tokens: TaskTokens;
  readonly integrations: TaskIntegrations;
  log(line: string): void;
}

/** A task or wait in flight; execution end settles whatever is left so nothing waits forever. */
export function startAttempt(execution: Execution): TaskAttempt {
  const attempt = new TaskAttempt();
  if (execution.ended) {
    attempt.fail(new TaskFailure('States.Runtime', 'The execution has ended'));
    return attempt;
  }
  execution.attempts.add(attempt);
  attempt.onSettle(() => execution.attempts.delete(attempt));
  return attempt;
}

export function unvalidatedMachine(definition: object): StateMachine {
  // The definition was validated when registered; its planned copy holds fractional seconds.
  return new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { noValidate: true },
  });
}
