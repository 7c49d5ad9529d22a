/**
 * The Step Functions quotas the local engine enforces, so a workflow that would break on AWS breaks
 * here first. Figures are AWS's documented ones (Step Functions developer guide, "Step Functions
 * service quotas", and the Amazon States Language specification).
 */
import { jsonBytes } from '../json-bytes.js';
import { InvalidDefinition, TaskFailure, ValidationException } from './errors.js';

/** "Maximum execution time: 1 year" for a Standard execution; past it the execution times out. */
export const MAX_EXECUTION_SECONDS = 365 * 24 * 60 * 60;

/** "Maximum execution history size: 25,000 events"; event 25,000 must end the execution, or it fails. */
export const MAX_HISTORY_EVENTS = 25_000;

/** "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string." */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** The largest TimeoutSeconds, HeartbeatSeconds or Wait Seconds the service accepts in a definition. */
export const MAX_TIMER_SECONDS = 99_999_999;

/** "Names of state machines, executions, activities and states must not exceed 80 characters." */
export const MAX_NAME_LENGTH = 80;

/** An API request field over 256 KiB is refused as AWS refuses a length constraint. */
export function checkRequestPayload(field: string, text: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new ValidationException(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
    );
  }
}

/** What a task was given or answered is over 256 KiB: the task fails with States.DataLimitExceeded. */
export function checkTaskPayload(stateName: string, what: 'input' | 'result', value: unknown): void {
  if (jsonBytes(value) <= MAX_PAYLOAD_BYTES) return;
  throw dataLimitExceeded(
    what === 'result'
      ? `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`
      : `The state/task '${stateName}' was given an input with a size exceeding the maximum number of bytes service limit.`,
  );
}

export function dataLimitExceeded(cause: string): TaskFailure {
  return new TaskFailure('States.DataLimitExceeded', cause);
}

type Json = Record<string, unknown>;

/**
 * Refuses a definition whose timers or state names are out of AWS's ranges, as CreateStateMachine
 * does: TimeoutSeconds and HeartbeatSeconds positive integers (a heartbeat shorter than the
 * timeout), a Wait's Seconds not negative, none above 99,999,999; state names at most 80 characters.
 */
export function checkDefinitionLimits(definition: object): void {
  const problems: string[] = [];
  const timer = (value: unknown, path: string, field: string, minimum: 0 | 1) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum)
      problems.push(
        `The value for the field '${field}' must be ${minimum === 1 ? 'positive' : 'non-negative'} at ${path}/${field}`,
      );
    else if (value > MAX_TIMER_SECONDS)
      problems.push(
        `The value for the field '${field}' must be smaller than or equal to ${MAX_TIMER_SECONDS} at ${path}/${field}`,
      );
  };
  const walk = (machine: Json, path: string) => {
    timer(machine.TimeoutSeconds, path, 'TimeoutSeconds', 1);
    for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
      const at = `${path}/States/${name}`;
      if (name.length > MAX_NAME_LENGTH)
        problems.push(`State names must be at most ${MAX_NAME_LENGTH} characters long at ${at}`);
      if (state.Type === 'Task') {
        timer(state.TimeoutSeconds, at, 'TimeoutSeconds', 1);
        timer(state.HeartbeatSeconds, at, 'HeartbeatSeconds', 1);
        // A Task without TimeoutSeconds may run for 99,999,999 seconds.
        const timeout = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : MAX_TIMER_SECONDS;
        if (typeof state.HeartbeatSeconds === 'number' && state.HeartbeatSeconds >= timeout)
          problems.push(
            `The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds' at ${at}`,
          );
      }
      if (state.Type === 'Wait') timer(state.Seconds, at, 'Seconds', 0);
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) walk(processor, `${at}/ItemProcessor`);
      for (const [i, branch] of ((state.Branches ?? []) as Json[]).entries())
        walk(branch, `${at}/Branches/${i}`);
    }
  };
  walk(definition as Json, '');
  if (problems.length > 0) {
    throw new InvalidDefinition(
      `Invalid State Machine Definition: ${problems.map((p) => `'SCHEMA_VALIDATION_FAILED: ${p}'`).join(', ')}`,
    );
  }
}
