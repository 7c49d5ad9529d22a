import { createHash } from 'node:crypto';
import type { LifecycleSettings } from '../../shared/domain/lifecycle-settings.js';
import type { PolicySettings } from '../../shared/domain/policy-settings.js';
import type { LinkKeyProvider } from '../../shared/ports/link-key.js';
import type { PaymentPublisher } from '../../shared/ports/payment-publisher.js';
import type {
  DocumentStore,
  DownloadPin,
  ObjectHead,
  ObjectStore,
  PresignedPost,
  UploadSigner,
} from '../../shared/ports/storage.js';
import type { ContractingDeps } from '../../shared/usecases/contracting.js';
import type { EvaluationDeps } from '../../shared/usecases/evaluation.js';
import type { HumanStepPorts } from '../../shared/usecases/human-steps.js';
import type { WorkflowDeps } from '../../shared/usecases/workflow-deps.js';
import { FUNCTION_ENV, lambdaContext } from './events.js';
import { type Fakes, TEST_LINK_KEY } from './fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from './settings.js';

/**
 * What the handler tests give a handler's `createHandler`: the in-memory fakes of fakes/, put
 * together the way shared/lambda/stage-deps.ts puts the AWS ones together, plus fakes of the
 * storage and payment ports (which fakes/ has none of) and a way to see which ports were used.
 */

/** The base of the links in e-mails, as the CDK app sets PUBLIC_BASE_URL. */
export const TEST_BASE_URL = FUNCTION_ENV.PUBLIC_BASE_URL;

/** The link key as the Secrets Manager provider hands it out. */
export const testLinkKey: LinkKeyProvider = async () => TEST_LINK_KEY;

/** Like workflowDeps() of stage-deps.ts, over the fakes. */
export function workflowDepsOf(fakes: Fakes, settings: PolicySettings = TEST_POLICY): WorkflowDeps {
  const { purchases, budgets, tasks, trackRecords, clock } = fakes;
  return { purchases, budgets, tasks, trackRecords, settings, now: clock.now };
}

/** Like contractingDeps() of stage-deps.ts, over the fakes. */
export function contractingDepsOf(
  fakes: Fakes,
  settings: { policy?: PolicySettings; lifecycle?: LifecycleSettings } = {},
): ContractingDeps {
  const { purchases, budgets, tasks, deliverables, waits, payments, clock } = fakes;
  return {
    purchases,
    budgets,
    tasks,
    deliverables,
    waits,
    payments,
    policy: settings.policy ?? TEST_POLICY,
    lifecycle: settings.lifecycle ?? TEST_LIFECYCLE,
    now: clock.now,
  };
}

/** Like evaluationDeps() of stage-deps.ts, over the fakes. */
export function evaluationDepsOf(
  fakes: Fakes,
  settings: { policy?: PolicySettings; lifecycle?: LifecycleSettings } = {},
): EvaluationDeps {
  return { ...contractingDepsOf(fakes, settings), trackRecords: fakes.trackRecords };
}

/** Like humanStepPorts() of stage-deps.ts: the recording mailer and callbacks, the test key. */
export function humanStepPortsOf(fakes: Fakes): HumanStepPorts {
  return { mailer: fakes.mailer, callbacks: fakes.callbacks, linkKey: testLinkKey, baseUrl: TEST_BASE_URL };
}

/** The documents the system wrote, with the hash of exactly those bytes (as the S3 adapter reports it). */
export class RecordingDocumentStore implements DocumentStore {
  readonly puts: { key: string; body: string; contentType: string; sha256: string }[] = [];

  async putDocument(key: string, body: string, contentType: string): Promise<{ sha256: string }> {
    const sha256 = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
    this.puts.push({ key, body, contentType, sha256 });
    return { sha256 };
  }
}

/** The finance notices published, as they would go to the payments topic. */
export class RecordingPaymentPublisher implements PaymentPublisher {
  readonly published: Parameters<PaymentPublisher['publish']>[0][] = [];

  async publish(notice: Parameters<PaymentPublisher['publish']>[0]): Promise<void> {
    this.published.push(structuredClone(notice));
  }
}

/** The documents bucket's objects in memory: what was read, quarantined and presigned is recorded. */
export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  readonly reads: { key: string; bytes: number; versionId?: string }[] = [];
  readonly hashed: { key: string; versionId?: string }[] = [];
  readonly quarantined: { key: string; reason: string; versionId?: string }[] = [];
  readonly presigned: { key: string; expiresSeconds: number; pin: DownloadPin }[] = [];

  /** The origin the presigned URLs point at. */
  constructor(readonly origin = 'https://documents.s3.test') {}

  put(key: string, bytes: Uint8Array, contentType?: string): void {
    this.objects.set(key, { bytes, contentType });
  }

  async readHead(key: string, bytes: number, versionId?: string): Promise<ObjectHead> {
    this.reads.push({ key, bytes, ...(versionId ? { versionId } : {}) });
    const object = this.require(key);
    return { bytes: object.bytes.subarray(0, bytes), contentType: object.contentType };
  }

  async sha256(key: string, versionId?: string): Promise<string> {
    this.hashed.push({ key, ...(versionId ? { versionId } : {}) });
    return createHash('sha256').update(this.require(key).bytes).digest('hex');
  }

  async quarantine(key: string, reason: string, versionId?: string): Promise<void> {
    this.quarantined.push({ key, reason, ...(versionId ? { versionId } : {}) });
  }

  async presignGet(key: string, expiresSeconds: number, pin: DownloadPin): Promise<string> {
    this.presigned.push({ key, expiresSeconds, pin });
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.origin}/${path}?X-Amz-Expires=${expiresSeconds}&X-Amz-Signature=${'0'.repeat(64)}`;
  }

  private require(key: string): { bytes: Uint8Array; contentType?: string } {
    const object = this.objects.get(key);
    if (!object) throw Object.assign(new Error(`no object ${key}`), { name: 'NoSuchKey' });
    return object;
  }
}

/** Presigned POSTs as asked for: the request is recorded, the fields name what was asked. */
export class RecordingUploadSigner implements UploadSigner {
  readonly calls: Parameters<UploadSigner['presignPost']>[0][] = [];

  constructor(readonly origin = 'https://documents.s3.test') {}

  async presignPost(input: Parameters<UploadSigner['presignPost']>[0]): Promise<PresignedPost> {
    this.calls.push(input);
    return {
      url: `${this.origin}/`,
      fields: {
        key: input.key,
        'Content-Type': input.contentType,
        Policy: 'cG9saWN5',
        'X-Amz-Signature': 'f',
      },
    };
  }

  async storageOrigin(): Promise<string> {
    return this.origin;
  }
}

/** Function-valued deps that reach AWS in production (Secrets Manager, S3 presigning): recorded too. */
const FUNCTION_PORTS = new Set(['linkKey', 'reviewedDocuments']);

/**
 * The same deps with every method call on an object port (a repository, the mailer, the
 * callbacks, the workflow starter, a store) and every call of the link key or document-link
 * ports recorded as `port.method` / `port()` in `calls`: how a test says a refused request
 * touched nothing (give several handlers one `calls` to watch them all). The clock, the log
 * and settings pass through unrecorded.
 */
export function recordingCalls<T extends object>(
  deps: T,
  calls: string[] = [],
): { deps: T; calls: string[] } {
  const isPort = (value: unknown): value is object =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (Object.getPrototypeOf(value) !== Object.prototype ||
      Object.values(value).some((v) => typeof v === 'function'));
  const recorded = (name: string, port: object) =>
    new Proxy(port, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${key}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrap = (name: string, value: unknown): unknown => {
    if (typeof value === 'function' && FUNCTION_PORTS.has(name))
      return (...args: unknown[]) => {
        calls.push(`${name}()`);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    return isPort(value) ? recorded(name, value) : value;
  };
  const wrapped = Object.fromEntries(
    Object.entries(deps).map(([name, value]) => [name, wrap(name, value)]),
  ) as T;
  return { deps: wrapped, calls };
}

/** Invokes a workflow-step or event handler as Lambda does: a plain payload and a context. */
export function invokeStep(handler: unknown, input: unknown, functionName = 'unit'): Promise<unknown> {
  return (handler as (event: unknown, context: unknown) => Promise<unknown>)(
    input,
    lambdaContext(functionName),
  );
}
