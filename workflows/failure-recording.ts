import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Errors, Fail, JsonPath, Pass, Result, State, TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { lambdaStep } from './lambda-step.js';

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
      // (and, as every task, the execution's name)
      purchaseId: JsonPath.stringAt('$.purchaseId'),
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
