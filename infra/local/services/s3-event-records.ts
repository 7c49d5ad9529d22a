import { randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';

export type { S3EventRecord } from 'aws-lambda';

/** S3 event notification records of created objects, as the local S3 reports them. */

export type ObjectCreatedEvent =
  | 'ObjectCreated:Post'
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload';

let lastSequencer = 0n;

/** Sequencers only grow, so a consumer can order events of one key as with S3. */
function nextSequencer(): string {
  const candidate = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** S3 event records carry the key form-encoded: spaces as '+', other specials as %XX, '/' kept. */
export function eventKey(key: string): string {
  return new URLSearchParams({ k: key }).toString().slice(2).replaceAll('%2F', '/');
}

/** The object key of an S3 event record (which carries it form-encoded). */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replaceAll('+', ' '));
}

/** An ObjectCreated record in the S3 event message format (what a subscribed Lambda receives). */
export function objectCreatedRecord(input: {
  readonly region: string;
  readonly principal: string;
  readonly eventName: ObjectCreatedEvent;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly sourceIp: string;
  readonly eventTime?: Date;
  readonly versionId?: string;
}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    eventName: input.eventName,
    userIdentity: { principalId: `AWS:${input.principal}` },
    requestParameters: { sourceIPAddress: input.sourceIp },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: input.principal },
        arn: `arn:aws:s3:::${input.bucket}`,
      },
      object: {
        key: eventKey(input.key),
        size: input.size,
        eTag: input.eTag,
        ...(input.versionId ? { versionId: input.versionId } : {}),
        sequencer: nextSequencer(),
      },
    },
  };
}
