import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallbacks, WorkflowStarter } from '../ports/workflow.js';
import { ENV, requireEnv } from './environment.js';
import { onFirstUse } from './on-first-use.js';

// Loaded on first use: a link function needs Step Functions only when a decision is posted.
let client: Promise<SFNClient> | undefined;
const sfn = () => (client ??= import('@aws-sdk/client-sfn').then(({ SFNClient }) => new SFNClient({})));
const adapters = () => import('../adapters/step-functions.js');

/** Hands people's decisions and uploads back to the waiting executions. */
export function taskCallbacks(): TaskCallbacks {
  return onFirstUse(async () => (await adapters()).createStepFunctionsCallbacks(await sfn()), ['succeed']);
}

/** Starts executions of the purchase lifecycle (only functions granted `startExecutionsOf` have its ARN). */
export function workflowStarter(): WorkflowStarter {
  const stateMachineArn = requireEnv(ENV.stateMachineArn);
  return onFirstUse(
    async () => (await adapters()).createStepFunctionsStarter({ client: await sfn(), stateMachineArn }),
    ['start', 'isRunning'],
  );
}
