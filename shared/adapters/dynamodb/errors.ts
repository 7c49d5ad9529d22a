export class PurchaseNotFoundError extends Error {
  override name = 'PurchaseNotFoundError';
  constructor(readonly purchaseId: string) {
    super(`purchase ${purchaseId} does not exist`);
  }
}

export class TaskNotFoundError extends Error {
  override name = 'TaskNotFoundError';
  constructor(readonly taskId: string) {
    super(`task ${taskId} does not exist`);
  }
}

/** Delivery can only be recorded for a task that holds a decision. */
export class TaskNotDecidedError extends Error {
  override name = 'TaskNotDecidedError';
  constructor(
    readonly taskId: string,
    readonly status: string,
  ) {
    super(`task ${taskId} is ${status}, not DECIDED`);
  }
}

/** An escalation opens its own step, named after the step it escalates: `<stepKey>:ESCALATED`. */
export class InvalidEscalationStepError extends Error {
  override name = 'InvalidEscalationStepError';
  constructor(readonly stepKey: string) {
    super(`an ESCALATION task needs a step key ending in ':ESCALATED', got '${stepKey}'`);
  }
}

/** A reservation that was given back is final; the purchase it belonged to has ended. */
export class ReservationReleasedError extends Error {
  override name = 'ReservationReleasedError';
  constructor(
    readonly lineId: string,
    readonly purchaseId: string,
  ) {
    super(`the reservation of purchase ${purchaseId} on budget line ${lineId} was already released`);
  }
}

/**
 * Concurrent writers kept winning the race for the same items (audit head, budget line) and
 * the bounded retries ran out. Safe to retry later: nothing was written.
 */
export class ContentionError extends Error {
  override name = 'ContentionError';
  constructor(
    readonly what: string,
    readonly attempts: number,
  ) {
    super(`gave up on ${what} after ${attempts} attempts lost to concurrent changes`);
  }
}

/** A task opened with input that cannot be recorded (an APPROVAL task without its level). */
export class InvalidTaskError extends Error {
  override name = 'InvalidTaskError';
}

/** A write was refused because its record exists, yet the record cannot be read back. */
export class RecordMissingError extends Error {
  override name = 'RecordMissingError';
  constructor(readonly what: string) {
    super(`${what} was refused as already written, but it is not stored`);
  }
}
