/** The log of every call the functions make to the local AWS services, and of every Lambda invocation. */
export type AwsService = 'sesv2' | 'sns' | 'sfn' | 's3';

/** The SDK's default attempts per call (standard retry mode): arm this many failures to fail one call. */
export const SDK_DEFAULT_ATTEMPTS = 3;

/** Who made a call that names no function (a browser's upload, a test's own client, the runtime). */
export const UNKNOWN_CALLER = 'unknown';

/** One call to a local AWS service, or one Lambda invocation (service 'lambda'). */
export interface AwsCall {
  /** Order of arrival, from 1. */
  readonly seq: number;
  /** When the call arrived (ISO 8601). */
  readonly at: string;
  /** `dynamodb`: a function's call to DynamoDB Local, as its sandbox saw it (there is no front). */
  readonly service: AwsService | 'lambda' | 's3-events' | 'dynamodb';
  readonly operation: string;
  /**
   * Logical id of the calling function, or UNKNOWN_CALLER. For a Lambda invocation: who invoked it
   * ('states', 'apigateway', 'events', 's3', 'runtime').
   */
  readonly caller: string;
  /** Lambda invocations: the invoked function's logical id; S3 events: the object key. */
  readonly target?: string;
  /** ok: answered with a 2xx/3xx; error: the service refused it; injected: a fault answered it. */
  readonly outcome: 'ok' | 'error' | 'injected';
  /** HTTP status (Lambda: 200, or 500 for a function error). */
  readonly status: number;
  /** The error's name or code, when not ok. */
  readonly errorCode?: string;
  /** The armed fault that answered the call. */
  readonly faultId?: number;
  /** Lambda invocations and S3 events: the second, duplicate delivery. */
  readonly duplicate?: boolean;
  readonly ms: number;
  /** Lambda invocations: ran in a new sandbox, whose INIT phase took `initMs`. */
  readonly coldStart?: boolean;
  readonly initMs?: number;
  /** Lambda invocations: time waiting for one of the function's sandboxes to be free. */
  readonly queuedMs?: number;
}

export type CallFilter = Partial<Pick<AwsCall, 'service' | 'operation' | 'caller' | 'target' | 'outcome'>> & {
  readonly duplicate?: boolean;
};

/** Every call the functions made to the local services, in order of arrival. */
export class AwsCallLog {
  readonly #calls: AwsCall[] = [];
  #seq = 0;

  record(call: Omit<AwsCall, 'seq'>): AwsCall {
    const entry = { seq: ++this.#seq, ...call };
    this.#calls.push(entry);
    return entry;
  }

  get all(): readonly AwsCall[] {
    return this.#calls;
  }

  where(filter: CallFilter): AwsCall[] {
    return this.#calls.filter((call) =>
      Object.entries(filter).every(([key, value]) =>
        key === 'duplicate'
          ? (call.duplicate ?? false) === value
          : value === undefined || call[key as keyof AwsCall] === value,
      ),
    );
  }

  count(filter: CallFilter): number {
    return this.where(filter).length;
  }

  clear(): void {
    this.#calls.length = 0;
  }
}
