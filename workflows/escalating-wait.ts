import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Errors,
  type IChainable,
  IntegrationPattern,
  JsonPath,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { TaskAttempt } from '../shared/domain/tasks.js';
import type { WaitTimeout } from '../shared/domain/working-days.js';
import { retryTransient, withExecution } from './lambda-step.js';

export interface EscalatingWaitProps {
  /** State names of the three attempts: first ask, reminder, escalation. */
  readonly names: Readonly<Record<TaskAttempt, string>>;
  /** Opens the human task (or the upload wait) and mails its link; receives the task token. */
  readonly fn: IFunction;
  /** The task's input without `attempt` and `taskToken`, which are added per attempt. */
  readonly payload: Record<string, unknown>;
  /**
   * How long each attempt waits: one duration for all three, or per attempt the path of a
   * number of seconds in the state (waits that run to a planned date, then a grace period).
   */
  readonly timeout: Duration | Readonly<Record<TaskAttempt, string>>;
  /** Where the person's answer (SendTaskSuccess output) goes. */
  readonly resultPath: string;
  /** Where the execution goes when the escalation times out too. */
  readonly onLapse: IChainable;
}

/**
 * A wait's timeouts in the definition: a wait set in seconds is fixed (TimeoutSeconds); one set in
 * working days depends on the calendar and the day it starts, so the plan step before it works
 * them out (working-days.ts attemptTimeouts) and each attempt takes its own from the plan's answer
 * at `planned` (TimeoutSecondsPath `<planned>.FIRST`, `.REMINDER`, `.ESCALATION`).
 */
export function plannedTimeouts(timeout: WaitTimeout, planned: string): EscalatingWaitProps['timeout'] {
  if ('seconds' in timeout) return Duration.seconds(timeout.seconds);
  return { FIRST: `${planned}.FIRST`, REMINDER: `${planned}.REMINDER`, ESCALATION: `${planned}.ESCALATION` };
}

function timeoutOf(timeout: EscalatingWaitProps['timeout'], attempt: TaskAttempt): Timeout {
  return timeout instanceof Duration ? Timeout.duration(timeout) : Timeout.at(timeout[attempt]);
}

/**
 * Waiting for a person (or for a file a person uploads), the way every wait in the product
 * works: a `.waitForTaskToken` task with a timeout; on timeout the same step again as a
 * reminder, then as an escalation, and when that times out as well, `onLapse`. Nothing waits
 * silently and nothing waits forever. Any state machine can use it: its states are created in
 * the given scope, under the names given.
 */
export class EscalatingWait {
  /** The first attempt: chain into this. */
  readonly entry: LambdaInvoke;
  private readonly attempts: LambdaInvoke[];

  constructor(scope: Construct, props: EscalatingWaitProps) {
    const attempt = (which: TaskAttempt) =>
      retryTransient(
        new LambdaInvoke(scope, props.names[which], {
          lambdaFunction: props.fn,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: TaskInput.fromObject(
            withExecution({ ...props.payload, attempt: which, taskToken: JsonPath.taskToken }),
          ),
          resultPath: props.resultPath,
          taskTimeout: timeoutOf(props.timeout, which),
          retryOnServiceExceptions: false,
        }),
      );
    const first = attempt('FIRST');
    const reminder = attempt('REMINDER');
    const escalation = attempt('ESCALATION');
    const onTimeout = { errors: [Errors.TIMEOUT], resultPath: '$.timedOut' };
    first.addCatch(reminder, onTimeout);
    reminder.addCatch(escalation, onTimeout);
    escalation.addCatch(props.onLapse, onTimeout);
    this.entry = first;
    this.attempts = [first, reminder, escalation];
  }

  /** Whichever attempt got the answer continues at `state`. */
  next(state: IChainable): void {
    for (const a of this.attempts) a.next(state);
  }
}
