/**
 * Errors of the Step Functions API, named exactly as AWS names them: the HTTP endpoint sends `name` as
 * `__type`, so the real SDK client raises its own modelled exception class for each.
 */
export abstract class StepFunctionsApiError extends Error {
  abstract override name: string;
}

export class ExecutionAlreadyExists extends StepFunctionsApiError {
  override name = 'ExecutionAlreadyExists';
}

export class ExecutionDoesNotExist extends StepFunctionsApiError {
  override name = 'ExecutionDoesNotExist';
}

export class StateMachineDoesNotExist extends StepFunctionsApiError {
  override name = 'StateMachineDoesNotExist';
}

export class InvalidName extends StepFunctionsApiError {
  override name = 'InvalidName';
}

export class InvalidArn extends StepFunctionsApiError {
  override name = 'InvalidArn';
}

export class InvalidDefinition extends StepFunctionsApiError {
  override name = 'InvalidDefinition';
}

export class InvalidExecutionInput extends StepFunctionsApiError {
  override name = 'InvalidExecutionInput';
}

export class InvalidOutput extends StepFunctionsApiError {
  override name = 'InvalidOutput';
}

export class InvalidToken extends StepFunctionsApiError {
  override name = 'InvalidToken';
}

export class TaskDoesNotExist extends StepFunctionsApiError {
  override name = 'TaskDoesNotExist';
}

export class TaskTimedOut extends StepFunctionsApiError {
  override name = 'TaskTimedOut';
}

export class ValidationException extends StepFunctionsApiError {
  override name = 'ValidationException';
}

export class ResourceNotFound extends StepFunctionsApiError {
  override name = 'ResourceNotFound';
}

export class ConflictException extends StepFunctionsApiError {
  override name = 'ConflictException';
}

export class UnknownOperationException extends StepFunctionsApiError {
  override name = 'UnknownOperationException';
}

/**
 * How a task fails inside a running execution. Retry/Catch match `ErrorEquals` against `name`, which is
 * the error a Lambda reported (e.g. `ValidationError`) or the one given to SendTaskFailure.
 */
export class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}
