import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IntegrationPattern, JitterType, JsonPath, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
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
export function retryTransient(task: LambdaInvoke): LambdaInvoke {
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
 * What every Lambda task of the workflow is given besides its own input: the execution's name, so
 * each line the function logs names the execution as well as the purchase.
 */
export function withExecution(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, execution: JsonPath.executionName };
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
      payload: TaskInput.fromObject(withExecution(payload)),
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
      payload: TaskInput.fromObject(withExecution({ ...payload, taskToken: JsonPath.taskToken })),
      resultPath,
      taskTimeout: Timeout.at(timeoutSecondsPath),
      retryOnServiceExceptions: false,
    }),
  );
}
