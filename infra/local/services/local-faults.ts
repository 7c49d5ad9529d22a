import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type AwsService, SDK_DEFAULT_ATTEMPTS } from './aws-calls.js';

/**
 * Faults armed by tests: the next calls of a service (by operation and calling function) get the
 * retryable error the real service sends under load, in its protocol, instead of being forwarded.
 */

/** Which retryable error an armed call gets: service unavailable (5xx) or throttled. */
export type InjectedError = 'unavailable' | 'throttled';

export type FaultSpec =
  | {
      /** Fail calls (the default mode). */
      readonly mode?: 'fail';
      /** Function making the call: its logical id, name, or a prefix of its logical id naming one function. */
      readonly caller: string;
      readonly service: AwsService;
      /** The API operation, e.g. SendEmail, Publish, SendTaskSuccess, PutObject. */
      readonly operation: string;
      /** How many calls fail, one after the other. @default SDK_DEFAULT_ATTEMPTS (one whole SDK call) */
      readonly failures?: number;
      /** @default 'unavailable' */
      readonly error?: InjectedError;
    }
  | {
      /** At-least-once events: each S3 ObjectCreated event is delivered a second time. */
      readonly mode: 'redeliver';
      readonly source: 's3';
      /** How many events are delivered twice. @default every one until disarmed */
      readonly events?: number;
    }
  | {
      /** At-least-once invocation: the function is invoked a second time with the same payload. */
      readonly mode: 'duplicate';
      /** The invoked function: logical id, name or unique logical-id prefix. */
      readonly function: string;
      /** How many invocations get a duplicate. @default every one until disarmed */
      readonly invocations?: number;
    };

/** A fault in force; `fired` counts the calls it answered (or invocations it duplicated). */
export interface ArmedFault {
  readonly id: number;
  readonly spec: FaultSpec;
  /** Logical id of the function the spec names ('' for a redelivery fault). */
  readonly functionId: string;
  readonly fired: number;
  /** Calls (or invocations) it still takes; Infinity for a duplicate fault without a count. */
  readonly remaining: number;
}

interface MutableFault {
  id: number;
  spec: FaultSpec;
  functionId: string;
  fired: number;
  remaining: number;
}

export class UnknownFunctionError extends Error {
  override name = 'UnknownFunctionError';
}

/** The functions a fault may name. */
export interface FaultTarget {
  readonly logicalId: string;
  readonly name: string;
}

/** Faults armed by tests: failing calls at the fronts, duplicate invocations at the runner. */
export class LocalFaults {
  readonly #faults: MutableFault[] = [];
  #nextId = 1;

  constructor(private readonly functions: readonly FaultTarget[]) {}

  /** The logical id of the function `name` designates (logical id, name, or unique logical-id prefix). */
  resolve(name: string): string {
    const exact = this.functions.find((f) => f.logicalId === name || f.name === name);
    if (exact) return exact.logicalId;
    const prefixed = this.functions.filter((f) => f.logicalId.startsWith(name));
    if (prefixed.length === 1 && prefixed[0]) return prefixed[0].logicalId;
    throw new UnknownFunctionError(
      prefixed.length === 0
        ? `no function is named ${name}`
        : `${name} names ${prefixed.length} functions: ${prefixed.map((f) => f.logicalId).join(', ')}`,
    );
  }

  arm(spec: FaultSpec): ArmedFault {
    let functionId = '';
    let remaining: number;
    switch (spec.mode) {
      case 'redeliver':
        remaining = spec.events ?? Number.POSITIVE_INFINITY;
        break;
      case 'duplicate':
        functionId = this.resolve(spec.function);
        remaining = spec.invocations ?? Number.POSITIVE_INFINITY;
        break;
      default:
        functionId = this.resolve(spec.caller);
        remaining = spec.failures ?? SDK_DEFAULT_ATTEMPTS;
    }
    if (!(remaining > 0)) throw new RangeError('a fault must take at least one call');
    const fault: MutableFault = { id: this.#nextId++, spec, functionId, fired: 0, remaining };
    this.#faults.push(fault);
    return fault;
  }

  disarm(fault: Pick<ArmedFault, 'id'>): void {
    const index = this.#faults.findIndex((f) => f.id === fault.id);
    if (index >= 0) this.#faults.splice(index, 1);
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Faults still armed or that fired, in order of arming. */
  get armed(): readonly ArmedFault[] {
    return this.#faults;
  }

  /** The fault that answers this call instead of the service, if one is armed for it (and counts it). */
  takeFailure(service: AwsService, operation: string, caller: string): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.spec.mode === undefined || f.spec.mode === 'fail') &&
        f.functionId === caller &&
        f.spec.service === service &&
        f.spec.operation === operation,
    );
    return fault ? this.#take(fault) : undefined;
  }

  /** The fault that duplicates this invocation of `functionId`, if one is armed (and counts it). */
  takeDuplicate(functionId: string): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && f.spec.mode === 'duplicate' && f.functionId === functionId,
    );
    return fault ? this.#take(fault) : undefined;
  }

  /** The fault that delivers this event a second time, if one is armed for its source (and counts it). */
  takeRedelivery(source: 's3'): ArmedFault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && f.spec.mode === 'redeliver' && f.spec.source === source,
    );
    return fault ? this.#take(fault) : undefined;
  }

  #take(fault: MutableFault): ArmedFault {
    fault.remaining -= 1;
    fault.fired += 1;
    return fault;
  }
}

interface InjectedAnswer {
  status: number;
  code: string;
  headers: Record<string, string | number>;
  body: string;
}

/** The retryable error the real service sends, in its protocol; the SDK retries each of them. */
export function injectedError(
  service: AwsService,
  error: InjectedError,
  req: Pick<IncomingMessage, 'headers'>,
): InjectedAnswer {
  const requestId = randomUUID();
  const unavailable = error === 'unavailable';
  const json = (status: number, code: string, message: string): InjectedAnswer => {
    const body = JSON.stringify({ __type: code, message });
    return {
      status,
      code,
      headers: {
        'content-type': service === 'sesv2' ? 'application/json' : 'application/x-amz-json-1.0',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(body),
      },
      body,
    };
  };
  const xml = (status: number, code: string, body: string): InjectedAnswer => ({
    status,
    code,
    headers: {
      'content-type': 'text/xml',
      'x-amz-request-id': requestId,
      'content-length': Buffer.byteLength(body),
    },
    body,
  });
  switch (service) {
    case 'sesv2':
      return unavailable
        ? json(503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).')
        : json(429, 'TooManyRequestsException', 'Too many requests (injected by the local fault facility).');
    case 'sfn':
      return unavailable
        ? json(503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).')
        : json(400, 'ThrottlingException', 'Rate exceeded (injected by the local fault facility).');
    case 'sns': {
      const [status, code, message] = unavailable
        ? [503, 'ServiceUnavailable', 'Service is unavailable (injected by the local fault facility).']
        : [400, 'Throttling', 'Rate exceeded (injected by the local fault facility).'];
      if (req.headers['x-amz-target']) return json(status, code, message);
      const type = unavailable ? 'Receiver' : 'Sender';
      return xml(
        status,
        code,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
    case 's3': {
      const [code, message] = unavailable
        ? [
            'ServiceUnavailable',
            'Service is unable to handle request (injected by the local fault facility).',
          ]
        : ['SlowDown', 'Please reduce your request rate (injected by the local fault facility).'];
      return xml(
        503,
        code,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );
    }
  }
}
