import { SFNClient } from '@aws-sdk/client-sfn';
import { createStepFunctionsCallbacks, createStepFunctionsStarter } from '../adapters/step-functions.js';
import type { TaskCallbacks, WorkflowStarter } from '../ports/workflow.js';
import { ENV, requireEnv } from './environment.js';

let client: SFNClient | undefined;
const sfn = () => (client ??= new SFNClient({}));

/** Hands people's decisions and uploads back to the waiting executions. */
export function taskCallbacks(): TaskCallbacks {
  return createStepFunctionsCallbacks(sfn());
}

/** Starts executions of the purchase lifecycle (only functions granted `startExecutionsOf` have its ARN). */
export function workflowStarter(): WorkflowStarter {
  return createStepFunctionsStarter({ client: sfn(), stateMachineArn: requireEnv(ENV.stateMachineArn) });
}
