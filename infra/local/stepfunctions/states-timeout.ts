import './promise-with-resolvers.js';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { TaskFailure } from './errors.js';

/**
 * The library tells States.Timeout apart from other task errors by its class (States.TaskFailed must not
 * match a timeout), and does not export it. One task that times out after a millisecond hands it over.
 */
export async function probeStatesTimeoutError(): Promise<() => Error> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: { Probe: { Type: 'Task', Resource: 'local:probe', TimeoutSeconds: 0.001, End: true } },
    },
    { validationOptions: { noValidate: true } },
  );
  try {
    await probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } },
    }).result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const TimeoutClass = cause.constructor as new () => Error;
      return () => new TimeoutClass();
    }
  }
  return () => new TaskFailure('States.Timeout', 'States.Timeout');
}
