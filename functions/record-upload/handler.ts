import middy from '@middy/core';
import * as z from 'zod/mini';
import { ValidationError } from '../../shared/domain/errors.js';
import { zodIssuesToFieldErrors } from '../../shared/domain/zod-field-errors.js';
import { documentObjects } from '../../shared/lambda/documents-bucket.js';
import { ENV, requireEnv } from '../../shared/lambda/environment.js';
import { log, withLogContext } from '../../shared/lambda/log.js';
import { BUSINESS_METRICS } from '../../shared/lambda/metric-names.js';
import { countEvent } from '../../shared/lambda/metrics.js';
import { tableRepositories } from '../../shared/lambda/repositories.js';
import { lifecycleSettings } from '../../shared/lambda/settings.js';
import { taskCallbacks } from '../../shared/lambda/step-functions.js';
import { systemNow } from '../../shared/ports/clock.js';
import type { RecordUploadDeps } from '../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import {
  decodeS3EventKey,
  eventBridgeObjectKey,
  type ObjectCreated,
  type RecordUploadResult,
  recordUpload,
} from '../../shared/usecases/ngo-uploads/record-upload.js';

/** EventBridge "Object Created" from S3: the key is NOT URL-encoded. */
const EventBridgeObjectCreated = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.int().check(z.nonnegative()),
      etag: z.optional(z.string()),
      'version-id': z.optional(z.string()),
    }),
  }),
});

/** An S3 notification record: the key IS URL-encoded ('+' for spaces). */
const S3Record = z.object({
  eventName: z.string(),
  eventTime: z.iso.datetime({ offset: true }),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.int().check(z.nonnegative()),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.string()),
    }),
  }),
});
const S3Notification = z.object({ Records: z.array(S3Record) });

const ObjectCreatedEvent = z.union([EventBridgeObjectCreated, S3Notification]);
type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEvent>;

function objectsCreated(event: ObjectCreatedEvent): ObjectCreated[] {
  if ('Records' in event) {
    return event.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3EventKey(r.s3.object.key),
      size: r.s3.object.size,
      eTag: r.s3.object.eTag ?? '',
      ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
      eventTime: r.eventTime,
    }));
  }
  const { bucket: b, object } = event.detail;
  return [
    {
      bucket: b.name,
      key: eventBridgeObjectKey(object.key),
      size: object.size,
      eTag: object.etag ?? '',
      ...(object['version-id'] ? { versionId: object['version-id'] } : {}),
      eventTime: event.time,
    },
  ];
}

/**
 * An object landed in the documents bucket: record it as a deliverable (or quarantine it)
 * and resume the step waiting for it. Delivered at least once; recordUpload is idempotent.
 */
export function createHandler(deps: RecordUploadDeps) {
  return middy<unknown, RecordUploadResult[]>()
    .use(withLogContext())
    .handler(async (event) => {
      const parsed = ObjectCreatedEvent.safeParse(event);
      if (!parsed.success)
        throw new ValidationError(zodIssuesToFieldErrors(parsed.error.issues, event, ObjectCreatedEvent));
      const results: RecordUploadResult[] = [];
      // One at a time: a notification rarely carries more than one record, and order keeps the log readable.
      for (const created of objectsCreated(parsed.data)) results.push(await recordUpload(deps, created));
      // Counted when first recorded (a redelivered event finds it ALREADY_RECORDED).
      const refused = results.filter((r) => r.outcome === 'RECORDED' && r.status === 'REJECTED').length;
      if (refused > 0) countEvent(BUSINESS_METRICS.uploadsRefused, refused);
      return results;
    });
}

/** Wired to AWS once per execution environment, at cold start. */
function defaultDeps(): RecordUploadDeps {
  const { purchases, deliverables, uploadCounts, waits } = tableRepositories();
  return {
    bucket: requireEnv(ENV.documentsBucket),
    purchases,
    deliverables,
    uploadCounts,
    waits,
    callbacks: taskCallbacks(),
    objects: documentObjects(),
    settings: lifecycleSettings(),
    now: systemNow,
    log: log.info,
    warn: log.warn,
  };
}

export const handler = createHandler(defaultDeps());
