/** What Task states call: this app's functions (Lambda invoke) and SNS publish. */
import { lambdaFunctionName, type TaskAction, type TaskPlan } from './definition.js';
import { TaskFailure } from './errors.js';

export type LambdaInvoker = (
  functionName: string,
  payload: unknown,
  options?: { readonly onRunning?: () => void },
) => Promise<{ payload: unknown } | { errorType: string; errorMessage: string }>;

export type SnsPublisher = (params: Record<string, unknown>) => Promise<{ MessageId: string }>;

/** The services Task states reach (the engine's options object). */
export interface TaskIntegrations {
  readonly invokeLambda: LambdaInvoker;
  readonly publishSns?: SnsPublisher;
}

/**
 * Calls the service a Task state stands for (Lambda invoke, SNS publish) with its resolved input.
 * `onRunning` is called when the service has taken the call: for a function, once a sandbox runs
 * it (not while it waits in the local queue); for SNS, at once.
 */
export async function performTask(
  integrations: TaskIntegrations,
  task: TaskPlan,
  input: unknown,
  onRunning: () => void = () => {},
): Promise<unknown> {
  const action: TaskAction = task.action;
  switch (action.kind) {
    case 'lambda-invoke': {
      const params = (input ?? {}) as Record<string, unknown>;
      const functionName = lambdaFunctionName(String(params.FunctionName ?? ''));
      if (!functionName) {
        throw new TaskFailure(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${String(params.FunctionName)}`,
        );
      }
      const payload = await invokeFunction(integrations, functionName, params.Payload ?? {}, onRunning);
      return { ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 };
    }
    case 'lambda-function':
      return invokeFunction(integrations, action.functionName, input, onRunning);
    case 'sns-publish': {
      onRunning();
      if (!integrations.publishSns)
        throw new TaskFailure('States.Runtime', 'No SNS publisher is configured locally');
      try {
        const { MessageId } = await integrations.publishSns((input ?? {}) as Record<string, unknown>);
        return { MessageId };
      } catch (error) {
        const { name, message } = error as Error;
        throw new TaskFailure(name.includes('.') ? name : `SNS.${name}`, message);
      }
    }
    case 'unsupported':
      throw new TaskFailure('States.Runtime', `Task resource ${task.resource} is not supported locally`);
  }
}

/** Invokes a function; a function error surfaces under the function's own errorType, as on AWS. */
async function invokeFunction(
  integrations: TaskIntegrations,
  functionName: string,
  payload: unknown,
  onRunning: () => void,
): Promise<unknown> {
  let outcome: Awaited<ReturnType<LambdaInvoker>>;
  try {
    outcome = await integrations.invokeLambda(functionName, payload, { onRunning });
  } catch (error) {
    throw new TaskFailure('Lambda.ServiceException', (error as Error).message);
  }
  if ('payload' in outcome) return outcome.payload;
  const errorType = outcome.errorType || 'Lambda.Unknown';
  throw new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage: outcome.errorMessage }));
}
