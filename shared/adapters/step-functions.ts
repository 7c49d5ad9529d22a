import {
  ExecutionAlreadyExists,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { type TaskCallbacks, TaskClosedError, type WorkflowStarter } from '../ports/workflow.js';

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
    async isRunning(purchaseId) {
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListExecutionsCommand({
            stateMachineArn,
            statusFilter: 'RUNNING',
            nextToken,
          }),
        );
        if (page.executions?.some((e) => e.name === purchaseId || e.name?.startsWith(`${purchaseId}-r`)))
          return true;
        nextToken = page.nextToken;
      } while (nextToken);
      return false;
    },
  };
}
