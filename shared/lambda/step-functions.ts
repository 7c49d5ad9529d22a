import type { TaskCallbacks, WorkflowExecutions, WorkflowStarter } from '../ports/workflow.js';
import { ENV, requireEnv } from './environment.js';
import { loadedOnFirstCall } from './loaded-on-first-call.js';

/** Hands people's decisions and uploads back to the waiting executions. */
export function taskCallbacks(): TaskCallbacks {
  return loadedOnFirstCall(async () => (await import('./step-functions-client.js')).callbacks());
}

/** Starts executions of the purchase lifecycle (only functions granted `startExecutionsOf` have its ARN). */
export function workflowStarter(): WorkflowStarter {
  const stateMachineArn = requireEnv(ENV.stateMachineArn);
  return loadedOnFirstCall(async () => (await import('./step-functions-client.js')).starter(stateMachineArn));
}

/** What became of the lifecycle's executions (only functions granted `readExecutionsOf` have its ARN). */
export function workflowExecutions(): WorkflowExecutions {
  const stateMachineArn = requireEnv(ENV.stateMachineArn);
  return loadedOnFirstCall(async () =>
    (await import('./step-functions-client.js')).executions(stateMachineArn),
  );
}
