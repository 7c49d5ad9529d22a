import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  type ExecutionStatus,
  type TaskCallbacks,
  TaskClosedError,
  type WorkflowExecutions,
  type WorkflowStarter,
} from '../ports/workflow.js';

/** Task callbacks over the Step Functions API; a closed task becomes TaskClosedError. */
export function createStepFunctionsCallbacks(client: SFNClient): TaskCallbacks {
  return {
    async succeed(taskToken, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      } catch (error) {
        if (
          error instanceof TaskTimedOut ||
          error instanceof InvalidToken ||
          error instanceof TaskDoesNotExist
        ) {
          throw new TaskClosedError('the execution no longer waits for this task');
        }
        throw error;
      }
    },
  };
}

/**
 * Starts the purchase's execution, named after the purchase so a repeat cannot start a
 * second one: ExecutionAlreadyExists means it is already running, which is what we wanted.
 */
export function createStepFunctionsStarter({
  client,
  stateMachineArn,
}: {
  client: SFNClient;
  stateMachineArn: string;
}): WorkflowStarter {
  return {
    async start({ purchaseId, resumeAt, executionName }) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: executionName ?? purchaseId,
            input: JSON.stringify(resumeAt ? { purchaseId, resumeAt } : { purchaseId }),
          }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}

/**
 * An execution's ARN: the state machine's, with `execution` for `stateMachine` and the name
 * appended. An execution started through an alias or a version is named after the state machine
 * alone, so a qualifier (`:live`, `:3`) is dropped.
 */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const [prefix, qualified = ''] = stateMachineArn.split(':stateMachine:');
  const stateMachineName = qualified.split(':')[0];
  return `${prefix}:execution:${stateMachineName}:${executionName}`;
}

/** The executions of one state machine, by name, as DescribeExecution reports them. */
export function createStepFunctionsExecutions({
  client,
  stateMachineArn,
}: {
  client: SFNClient;
  stateMachineArn: string;
}): WorkflowExecutions {
  return {
    async describe(executionName) {
      try {
        const out = await client.send(
          new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, executionName) }),
        );
        return {
          name: executionName,
          status: (out.status ?? 'RUNNING') as ExecutionStatus,
          startDate: (out.startDate ?? new Date(0)).toISOString(),
          ...(out.stopDate ? { stopDate: out.stopDate.toISOString() } : {}),
        };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },
  };
}
