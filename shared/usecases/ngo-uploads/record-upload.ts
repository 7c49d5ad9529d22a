import type { DeliverableRecord } from '../../domain/deliverables.js';
import { DETECTION_BYTES, detectFileType, detectionLength } from '../../domain/file-types.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import { checkUploadedObject } from '../../domain/upload-check.js';
import { objectLimitReason, uploadDay } from '../../domain/upload-limits.js';
import {
  agencyReplacedReason,
  agencyUploader,
  grantedAgencyOf,
  parseUploadKey,
  type UploadKind,
} from '../../domain/uploads.js';
import { handBack } from '../human-steps.js';
import type { Log, RecordUploadDeps } from './ngo-upload-deps.js';

/** Recording what lands in the bucket: judged by its bytes; only an accepted file resumes the step that waits for it. */
export interface ObjectCreated {
  bucket: string;
  /** The object key as stored (decode S3 notification keys with decodeS3EventKey first). */
  key: string;
  size: number;
  eTag: string;
  /** The version S3 gave the object (a versioned bucket): what is checked and recorded. */
  versionId?: string;
  /** When S3 created the object. */
  eventTime: string;
}

/** S3 notification records URL-encode keys with '+' for spaces; EventBridge events do not. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * The key of an EventBridge "Object Created" event, which S3 documents as not URL-encoded.
 * Should a key still arrive encoded, it is recognised because no key of the upload scheme
 * contains '%' or '+' (sanitised names never do): only then is the decoded form used.
 */
export function eventBridgeObjectKey(key: string): string {
  if (parseUploadKey(key) || !/[%+]/.test(key)) return key;
  try {
    const decoded = decodeS3EventKey(key);
    return parseUploadKey(decoded) ? decoded : key;
  } catch {
    return key;
  }
}

export type RecordUploadResult =
  | { outcome: 'IGNORED_OTHER_BUCKET' }
  | { outcome: 'IGNORED_NOT_AN_UPLOAD' }
  | { outcome: 'QUARANTINED_OUTSIDE_SCHEME' }
  | { outcome: 'QUARANTINED_UNKNOWN_PURCHASE'; purchaseId: string }
  /** Another object written under the key of a recorded upload (its grant posted again): never taken. */
  | { outcome: 'QUARANTINED_LATER_VERSION'; purchaseId: string; uploadId: string; versionId: string }
  | {
      outcome: 'RECORDED' | 'ALREADY_RECORDED';
      purchaseId: string;
      uploadId: string;
      kind: UploadKind;
      status: 'ACCEPTED' | 'REJECTED';
      quarantined: boolean;
      /** Whether this call handed the upload to the waiting workflow step. */
      resumed: boolean;
    };

const QUARANTINE_OUTSIDE_SCHEME = 'key-outside-scheme';
const QUARANTINE_LATER_VERSION = 'later-version-of-a-recorded-upload';
/** Where presigned POSTs put files (uploadKeyPrefix); the EventBridge rule may filter on it too. */
export const UPLOADS_PREFIX = 'uploads/';

/**
 * The ObjectCreated event of the documents bucket: check the bytes, record the deliverable
 * once, quarantine a refused file, and resume the step waiting for an accepted one. Safe to
 * run twice for the same event (S3 and EventBridge deliver at least once).
 */
export async function recordUpload(
  deps: RecordUploadDeps,
  event: ObjectCreated,
): Promise<RecordUploadResult> {
  const log = deps.log ?? (() => undefined);
  const warn = deps.warn ?? log;
  if (event.bucket !== deps.bucket) {
    log('object event of another bucket ignored', { bucket: event.bucket });
    return { outcome: 'IGNORED_OTHER_BUCKET' };
  }
  // The system's own documents (the issued contract, exports) live outside uploads/.
  if (!event.key.startsWith(UPLOADS_PREFIX)) {
    log('object outside the uploads area ignored', { key: event.key });
    return { outcome: 'IGNORED_NOT_AN_UPLOAD' };
  }
  const parts = parseUploadKey(event.key);
  if (!parts) {
    // Only a presigned POST of ours can write to the bucket's upload area, so this is either
    // another writer or a bug: keep the object (nothing is deleted) but mark it.
    await deps.objects.quarantine(event.key, QUARANTINE_OUTSIDE_SCHEME);
    warn('object outside the upload scheme quarantined', { key: event.key });
    return { outcome: 'QUARANTINED_OUTSIDE_SCHEME' };
  }
  const { purchaseId, uploadId, kind, fileName } = parts;
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (!purchase) {
    await deps.objects.quarantine(event.key, 'unknown-purchase');
    warn('upload for an unknown purchase quarantined', { purchaseId, uploadId });
    return { outcome: 'QUARANTINED_UNKNOWN_PURCHASE', purchaseId };
  }

  const earlier = (await deps.deliverables.listDeliverables(purchaseId)).find((d) => d.uploadId === uploadId);
  let deliverable: DeliverableRecord;
  let created = false;
  let quarantined = false;
  if (earlier && isLaterVersion(earlier, event)) {
    return quarantineLaterVersion(deps, event, earlier, event.versionId as string);
  }
  if (earlier) {
    // A repeated event: the bytes were judged and the file tagged the first time.
    deliverable = earlier;
  } else {
    const judged = await judge(deps, event, { purchaseId, uploadId, kind, fileName }, purchase);
    const candidate = await withinDailyLimit(deps, event, judged);
    if (candidate.status === 'REJECTED') {
      // Tagged before it is recorded: a crash in between retries both; a repeat after both finds the record.
      await deps.objects.quarantine(
        event.key,
        candidate.reasons.map((r) => r.rule).join(' '),
        event.versionId,
      );
      quarantined = true;
    }
    const recorded = await deps.deliverables.recordDeliverable(candidate, deps.now());
    deliverable = recorded.deliverable;
    created = recorded.created;
  }

  const base = {
    outcome: created ? 'RECORDED' : 'ALREADY_RECORDED',
    purchaseId,
    uploadId,
    kind,
    status: deliverable.status,
    quarantined,
  } as const;
  log(`upload ${deliverable.status.toLowerCase()}`, {
    purchaseId,
    uploadId,
    kind,
    rules: deliverable.reasons.map((r) => r.rule),
    created,
  });
  if (deliverable.status !== 'ACCEPTED') return { ...base, resumed: false };
  return { ...base, resumed: await resumeWaitingStep(deps, deliverable, log, warn) };
}

/** One object as the daily count knows it: its upload and version, so a redelivered event is counted once. */
function countedObjectId(uploadId: string, event: ObjectCreated): string {
  return `${uploadId}/${event.versionId ?? 'unversioned'}`;
}

/** Counts the object against the day of its kind (lifecycle.uploads.limits); the day's day is the event's, so a retry counts on the same one. */
async function countObject(
  deps: RecordUploadDeps,
  event: ObjectCreated,
  kind: UploadKind,
  purchaseId: string,
  uploadId: string,
) {
  const limit = deps.settings.uploads.limits.objectsPerKindPerDay;
  const { outcome } = await deps.uploadCounts.countUpload({
    purchaseId,
    kind,
    measure: 'OBJECT',
    day: uploadDay(event.eventTime),
    id: countedObjectId(uploadId, event),
    limit,
  });
  return { withinLimit: outcome !== 'LIMIT_REACHED', limit };
}

/**
 * An object past the day's limit of its kind is kept (nothing is deleted) but refused and
 * quarantined like any refused file, with the reason the NGO page shows. Counted after the
 * bytes were judged, so a read that failed counts nothing; a retry finds the object counted.
 */
async function withinDailyLimit(
  deps: RecordUploadDeps,
  event: ObjectCreated,
  judged: DeliverableRecord,
): Promise<DeliverableRecord> {
  const { withinLimit, limit } = await countObject(
    deps,
    event,
    judged.kind,
    judged.purchaseId,
    judged.uploadId,
  );
  if (withinLimit) return judged;
  return {
    ...judged,
    status: 'REJECTED',
    reasons: [...judged.reasons, objectLimitReason(judged.kind, limit)],
  };
}

/** The event is of another object written under a recorded upload's key (a versioned bucket tells them apart). */
function isLaterVersion(earlier: DeliverableRecord, event: ObjectCreated): boolean {
  return (
    event.versionId !== undefined && earlier.versionId !== undefined && event.versionId !== earlier.versionId
  );
}

/**
 * Someone posted the upload's grant again (it stays valid for minutes) and S3 kept a second
 * version under the same key: the record stays the version that was checked, which every read is
 * pinned to, and the later one is tagged and flagged to staff on the purchase's audit trail.
 */
async function quarantineLaterVersion(
  deps: RecordUploadDeps,
  event: ObjectCreated,
  earlier: DeliverableRecord,
  versionId: string,
): Promise<RecordUploadResult> {
  const { purchaseId, uploadId } = earlier;
  // It landed, so it uses up the day's files of its kind: posting a grant again gains nothing.
  await countObject(deps, event, earlier.kind, purchaseId, uploadId);
  await deps.objects.quarantine(event.key, QUARANTINE_LATER_VERSION, versionId);
  await deps.purchases.change({
    purchaseId,
    audit: {
      actor: earlier.uploadedBy,
      action: 'deliverable.later-version-quarantined',
      detail: {
        uploadId,
        kind: earlier.kind,
        key: event.key,
        versionId,
        checkedVersionId: earlier.versionId,
        size: event.size,
        eTag: event.eTag.replace(/^"|"$/g, ''),
      },
    },
    eventId: `deliverable.later-version:${uploadId}:${versionId}`,
    now: deps.now(),
  });
  (deps.warn ?? deps.log ?? (() => undefined))('later version under a recorded upload quarantined', {
    purchaseId,
    uploadId,
  });
  return { outcome: 'QUARANTINED_LATER_VERSION', purchaseId, uploadId, versionId };
}

/**
 * When the upload counts as received: EventBridge gives S3 event times in whole seconds, so
 * an upload in the same second as a refusal would look older than the round it answers. The
 * moment it is checked is never earlier than the upload itself.
 */
function receivedAt(eventTime: string, now: string): string {
  return new Date(Math.max(Date.parse(eventTime), Date.parse(now))).toISOString();
}

/**
 * Who an upload is from: the NGO, or for an evaluation report the agency its grant was for (its
 * upload id names it; one granted before ids did is the agency assigned when it landed), and
 * whether that agency is still the purchase's: one that has stepped aside since is refused.
 */
function uploaderOf(
  parts: { kind: UploadKind; uploadId: string },
  purchase: PurchaseRecord,
): { uploadedBy: string; replaced: boolean } {
  if (parts.kind !== 'EVALUATION_REPORT')
    return { uploadedBy: `ngo:${purchase.proposal.ngo.creditCode}`, replaced: false };
  const assigned = purchase.evaluation?.agencyId;
  const named = grantedAgencyOf(parts.uploadId);
  return {
    uploadedBy: agencyUploader(named ?? assigned ?? 'unassigned'),
    replaced: named !== undefined && named !== assigned,
  };
}

async function judge(
  deps: RecordUploadDeps,
  event: ObjectCreated,
  parts: { purchaseId: string; uploadId: string; kind: UploadKind; fileName: string },
  purchase: PurchaseRecord,
): Promise<DeliverableRecord> {
  const { maxBytes, allowMacroDocuments } = deps.settings.uploads;
  const [head, sha256] = await Promise.all([
    deps.objects.readHead(event.key, DETECTION_BYTES, event.versionId),
    deps.objects.sha256(event.key, event.versionId),
  ]);
  // An Office container is judged by its directory, which may lie anywhere in it: read it whole
  // (a file over the limit is refused whatever it holds).
  const wanted = event.size <= maxBytes ? detectionLength(head.bytes, event.size) : 0;
  const bytes =
    wanted > head.bytes.length
      ? (await deps.objects.readHead(event.key, wanted, event.versionId)).bytes
      : head.bytes;
  const detected = detectFileType(bytes);
  const uploader = uploaderOf(parts, purchase);
  const refusals = [
    ...(uploader.replaced ? [agencyReplacedReason()] : []),
    ...checkUploadedObject({
      key: event.key,
      size: event.size,
      detected,
      declaredContentType: head.contentType,
      maxBytes,
      allowMacroDocuments,
    }).map((r) => ({ rule: r.rule, message: r.message })),
  ];
  return {
    ...parts,
    key: event.key,
    ...(event.versionId ? { versionId: event.versionId } : {}),
    size: event.size,
    sha256,
    ...(detected ? { detectedType: detected.format } : {}),
    ...(head.contentType ? { declaredContentType: head.contentType } : {}),
    uploadedBy: uploader.uploadedBy,
    uploadedAt: receivedAt(event.eventTime, deps.now()),
    eTag: event.eTag.replace(/^"|"$/g, ''),
    status: refusals.length === 0 ? 'ACCEPTED' : 'REJECTED',
    reasons: refusals,
  };
}

/** Hands an accepted upload to the step waiting for its kind, if the upload is recent enough for it. */
async function resumeWaitingStep(
  deps: RecordUploadDeps,
  upload: DeliverableRecord,
  log: Log,
  warn: Log,
): Promise<boolean> {
  const wait = await deps.waits.getWait(upload.purchaseId, upload.kind);
  if (!wait) return false;
  const again = wait.status === 'SATISFIED';
  if (again) {
    // This upload satisfied the wait before, and the callback may have failed after that (the
    // event is retried): hand it over again. Step Functions refuses a token already used
    // (handBack answers false), so the step still resumes once.
    if (wait.uploadId !== upload.uploadId) return false;
  } else {
    // A rectification round waits for a new file: one uploaded before the round began does not count.
    if (Date.parse(upload.uploadedAt) < Date.parse(wait.since)) {
      log('upload predates the waiting step', { purchaseId: upload.purchaseId, uploadId: upload.uploadId });
      return false;
    }
    const satisfied = await deps.waits.satisfyWait({
      purchaseId: upload.purchaseId,
      kind: upload.kind,
      taskToken: wait.taskToken,
      uploadId: upload.uploadId,
      now: deps.now(),
    });
    if (!satisfied) return false;
  }
  const delivered = await handBack(deps.callbacks, wait.taskToken, {
    uploadId: upload.uploadId,
    kind: upload.kind,
    key: upload.key,
    sha256: upload.sha256,
  });
  if (delivered) return true;
  if (again) {
    log('upload already handed to its step', { purchaseId: upload.purchaseId, uploadId: upload.uploadId });
  } else {
    warn('upload accepted while no execution waited for it', {
      purchaseId: upload.purchaseId,
      uploadId: upload.uploadId,
    });
  }
  return false;
}
