import { randomUUID } from 'node:crypto';
import type { LocalEventRule, LocalEventRuleTarget } from '../assembly/model.js';
import type { LambdaInvoker } from '../lambda-runner.js';
import { matchesEventPattern } from './event-patterns.js';
import { decodeEventKey, type S3EventRecord } from './s3-event-records.js';

/**
 * The default event bus, locally: S3 "Object Created" events of buckets with EventBridge enabled are
 * matched against the app's enabled rules, and each matching rule's Lambda targets are invoked
 * (scheduled rules deliver their own events through the same path: scheduled-rules.ts).
 */

/** An event as EventBridge hands it to a target. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 to the second, as EventBridge writes it. */
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

/** S3's `reason` of an Object Created event, by the S3 event name of the notification record. */
const REASONS: Record<string, string> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'PostObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/**
 * The EventBridge event S3 sends for an object created: unlike the notification record, the key is
 * not URL-encoded and `etag` is spelled in lower case.
 */
export function s3ObjectCreatedEvent(
  record: S3EventRecord,
  where: { readonly account: string; readonly region: string },
): EventBridgeEvent {
  const { bucket, object } = record.s3;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: where.account,
    time: new Date(record.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: bucket.name },
      object: {
        key: decodeEventKey(object.key),
        size: object.size,
        etag: object.eTag,
        ...(object.versionId ? { 'version-id': object.versionId } : {}),
        sequencer: object.sequencer,
      },
      'request-id': record.responseElements['x-amz-request-id'],
      requester: where.account,
      'source-ip-address': record.requestParameters.sourceIPAddress,
      reason: REASONS[record.eventName] ?? record.eventName,
    },
  };
}

/** Every enabled rule of the bus whose pattern matches the event, with its targets. */
export function matchingRules(
  rules: readonly LocalEventRule[],
  event: EventBridgeEvent,
  eventBusName = 'default',
): LocalEventRule[] {
  return rules.filter(
    (rule) =>
      rule.enabled &&
      rule.eventBusName === eventBusName &&
      rule.eventPattern !== undefined &&
      matchesEventPattern(rule.eventPattern, event),
  );
}

/** What a target receives: its constant Input, the part of the event its InputPath selects, or the event. */
export function targetInput(target: LocalEventRuleTarget, event: EventBridgeEvent): unknown {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return selectPath(event, target.inputPath) ?? null;
  return event;
}

/**
 * Puts an event on the bus: one invocation per target of every matching rule. A failing target is
 * logged and does not stop the others (EventBridge delivers at least once and does not report back).
 */
export async function putEvent(
  event: EventBridgeEvent,
  rules: readonly LocalEventRule[],
  invoke: LambdaInvoker,
  log: (line: string) => void,
): Promise<void> {
  await Promise.all(matchingRules(rules, event).map((rule) => deliverToTargets(rule, event, invoke, log)));
}

/** Invokes each of the rule's targets with the event (or what the target takes of it); failures are logged. */
export async function deliverToTargets(
  rule: LocalEventRule,
  event: EventBridgeEvent,
  invoke: LambdaInvoker,
  log: (line: string) => void,
): Promise<void> {
  await Promise.all(
    rule.targets.map(async (target) => {
      const describe = `EventBridge ${event['detail-type']} -> rule ${rule.name} -> ${target.functionName}`;
      try {
        const result = await invoke(target.functionName, targetInput(target, event));
        if ('errorType' in result) log(`${describe} failed: ${result.errorType}: ${result.errorMessage}`);
      } catch (error) {
        log(`${describe} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
}

/** A JSONPath of names and indexes (`$`, `$.detail.object`, `$.detail['request-id']`, `$.resources[0]`). */
export function selectPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new RangeError(`InputPath ${path} does not start with $`);
  const step = /\.([^.[\]]+)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\]/y;
  let current = value;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const match = step.exec(path);
    if (!match) throw new RangeError(`InputPath ${path} is not a path of names and indexes`);
    const name = match[1] ?? match[2] ?? match[3] ?? Number(match[4]);
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[name];
  }
  return current;
}
