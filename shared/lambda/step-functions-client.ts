import { SFNClient } from '@aws-sdk/client-sfn';
import {
  createStepFunctionsCallbacks,
  createStepFunctionsExecutions,
  createStepFunctionsStarter,
} from '../adapters/step-functions.js';
import type { TaskCallbacks, WorkflowExecutions, WorkflowStarter } from '../ports/workflow.js';

/**
 * The Step Functions adapters on one client per execution environment. Only `step-functions.ts`
 * imports this module, dynamically, so the client is loaded by its first use.
 */
let client: SFNClient | undefined;
const sfn = () => (client ??= new SFNClient({}));

export function callbacks(): TaskCallbacks {
  return createStepFunctionsCallbacks(sfn());
}

export function starter(stateMachineArn: string): WorkflowStarter {
  return createStepFunctionsStarter({ client: sfn(), stateMachineArn });
}

export function executions(stateMachineArn: string): WorkflowExecutions {
  return createStepFunctionsExecutions({ client: sfn(), stateMachineArn });
}
