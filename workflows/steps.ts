import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Errors,
  Fail,
  type IChainable,
  IntegrationPattern,
  JitterType,
  JsonPath,
  Pass,
  Result,
  State,
  TaskInput,
  TaskStateBase,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { TaskAttempt } from '../shared/domain/tasks.js';
import { WORKFLOW_ERRORS } from '../shared/domain/workflow-errors.js';

/** Lambda errors worth retrying: throttling and service hiccups, never a domain error. */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  WORKFLOW_ERRORS.transient,
  // The repositories give up after a bounded number of lost optimistic races; a later try wins.
  'ContentionError',
];

/**
 * The function ran out of time or its process died (what Lambda and the local runtime report).
 * Every task of the workflow is idempotent (conditional writes named by an event id, each mail
 * and notification claimed once), so running it again cannot do anything twice: a one-off (a
 * slow cold start, an out-of-memory kill) passes on the next try. Only once more, though: a
 * crash that repeats is a bug, which the catch-all records instead of retrying for minutes.
 */
const CRASHED_LAMBDA_ERRORS = ['Sandbox.Timedout', 'Runtime.ExitError'];

/** Retries transient failures with exponential backoff and full jitter (no thundering herd). */
function retryTransient(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({
    errors: TRANSIENT_LAMBDA_ERRORS,
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: JitterType.FULL,
  });
  task.addRetry({
    errors: CRASHED_LAMBDA_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 1,
    jitterStrategy: JitterType.FULL,
  });
  return task;
}

/**
 * A Lambda task of the workflow: the function's own result (not the invoke envelope) lands
 * at `resultPath` as `{ value }`, or is discarded with `null`.
 */
export function lambdaStep(
  scope: Construct,
  name: string,
  fn: IFunction,
  payload: Record<string, unknown>,
  resultPath: string | null,
): LambdaInvoke {
  return retryTransient(
    new LambdaInvoke(scope, name, {
      lambdaFunction: fn,
      payload: TaskInput.fromObject(payload),
      payloadResponseOnly: false,
      resultSelector: { 'value.$': '$.Payload' },
      resultPath: resultPath === null ? JsonPath.DISCARD : resultPath,
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(Duration.seconds(60)),
    }),
  );
}

/**
 * One `.waitForTaskToken` task whose timeout comes from the state (`timeoutSecondsPath`), for
 * waits that run to a date, such as a report due on a planned day plus a grace period.
 */
export function callbackStep(
  scope: Construct,
  name: string,
  fn: IFunction,
  payload: Record<string, unknown>,
  timeoutSecondsPath: string,
  resultPath: string,
): LambdaInvoke {
  return retryTransient(
    new LambdaInvoke(scope, name, {
      lambdaFunction: fn,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ ...payload, taskToken: JsonPath.taskToken }),
      resultPath,
      taskTimeout: Timeout.at(timeoutSecondsPath),
      retryOnServiceExceptions: false,
    }),
  );
}

export interface EscalatingWaitProps {
  /** State names of the three attempts: first ask, reminder, escalation. */
  readonly names: Readonly<Record<TaskAttempt, string>>;
  /** Opens the human task (or the upload wait) and mails its link; receives the task token. */
  readonly fn: IFunction;
  /** The task's input without `attempt` and `taskToken`, which are added per attempt. */
  readonly payload: Record<string, unknown>;
  /** How long each attempt waits. */
  readonly timeout: Duration;
  /** Where the person's answer (SendTaskSuccess output) goes. */
  readonly resultPath: string;
  /** Where the execution goes when the escalation times out too. */
  readonly onLapse: IChainable;
}

/**
 * Waiting for a person, the way every wait in the product works: a `.waitForTaskToken` task
 * with a timeout; on timeout the same step again as a reminder, then as an escalation, and
 * when that times out as well, `onLapse`. Nothing waits silently and nothing waits forever.
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
          payload: TaskInput.fromObject({ ...props.payload, attempt: which, taskToken: JsonPath.taskToken }),
          resultPath: props.resultPath,
          taskTimeout: Timeout.duration(props.timeout),
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

/** State names of the failure path, as operators read them in an execution's history. */
const FAILURE_STATES = {
  record: 'Record workflow failure',
  failed: 'Workflow failed',
  /** The Pass state that names the failed task before the recorder runs. */
  namePrefix: 'Unexpected error in ',
} as const;

/** Where the catch-all puts the error (`{ Error, Cause, state }`) in the execution's state. */
const FAILURE_PATH = '$.workflowFailure';

/**
 * The end of every unexpected error, so that no execution fails without a trace on its purchase:
 * after each task's own Retry and Catch, a Catch of States.ALL names the failed task, the
 * `recorder` function writes the failure on the purchase (and its audit log), and a Fail state
 * ends the execution FAILED, which raises the operations alarm. Call it once, after the whole
 * workflow is chained, with the workflow's first state.
 *
 * The recorder is retried like every task; if it fails all the same, its own catch-all goes
 * straight to the Fail state (never back into itself), so the execution still ends FAILED.
 * Only the top-level graph is walked: a Parallel or Map added later needs this on its branches
 * too (the infrastructure test walks every branch and would say so).
 */
export function recordUnexpectedFailures(scope: Construct, start: State, recorder: IFunction): void {
  const failed = new Fail(scope, FAILURE_STATES.failed, {
    errorPath: `${FAILURE_PATH}.Error`,
    cause:
      'An unexpected error stopped the purchase workflow: the execution history and the purchase show the step.',
  });
  const record = lambdaStep(
    scope,
    FAILURE_STATES.record,
    recorder,
    {
      purchaseId: JsonPath.stringAt('$.purchaseId'),
      execution: JsonPath.executionName,
      // The whole object: a Cause may be missing (a timeout), and a missing path would stop the recorder.
      failure: JsonPath.objectAt(FAILURE_PATH),
    },
    null,
  );
  record.addCatch(failed, { errors: [Errors.ALL], resultPath: '$.recordingFailure' });
  record.next(failed);

  const tasks = State.findReachableStates(start, { includeErrorHandlers: true }).filter(
    (state): state is TaskStateBase => state instanceof TaskStateBase && state !== record,
  );
  for (const task of tasks) {
    // A Catch tells only Error and Cause: this Pass adds which task it was.
    const nameTask = new Pass(scope, `${FAILURE_STATES.namePrefix}${task.stateId}`, {
      result: Result.fromString(task.stateId),
      resultPath: `${FAILURE_PATH}.state`,
    });
    nameTask.next(record);
    task.addCatch(nameTask, { errors: [Errors.ALL], resultPath: FAILURE_PATH });
  }
}
