import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { chinaCalendarDate } from '../domain/china-time.js';
import type { DeliverableRecord, UploadWait } from '../domain/deliverables.js';
import type { FieldError } from '../domain/errors.js';
import { isTerminal } from '../domain/lifecycle.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import {
  ALLOWED_CONTENT_TYPES,
  checkUploadedObject,
  DETECTION_BYTES,
  detectFileType,
  parseUploadKey,
  UPLOAD_KINDS,
  type UploadKind,
  uploadKey,
} from '../domain/uploads.js';
import { zodIssuesToFieldErrors } from '../domain/zod-field-errors.js';
import { verifyNgoLink } from '../links/ngo-link.js';
import type { Now } from '../ports/clock.js';
import type { DeliverableRepository, PurchaseRepository, WaitRepository } from '../ports/repositories.js';
import { MAX_POLICY_SECONDS, type ObjectStore, type UploadSigner } from '../ports/storage.js';
import type { TaskCallbacks } from '../ports/workflow.js';
import { summarizeProposal } from '../presentation/labels.js';
import type { HtmlPage } from '../presentation/pages/layout.js';
import { type NgoDueItem, type NgoHtmlPage, ngoPage } from '../presentation/pages/ngo-page.js';
import { expiredPage, forbiddenPage, notFoundPage } from '../presentation/pages/status-pages.js';
import { handBack } from './human-steps.js';

/**
 * The NGO's side of the lifecycle: its page (reached from an e-mailed link signed for one
 * purchase), the presigned POST for one file, and recording what then lands in the bucket.
 * Files never pass through Lambda; the bytes are judged after they arrive, and only an
 * accepted file resumes the workflow step that waits for it.
 */

export type Log = (message: string, detail?: Record<string, unknown>) => void;

export interface NgoPageDeps {
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  waits: Pick<WaitRepository, 'getWait'>;
  signer: UploadSigner;
  objects: Pick<ObjectStore, 'presignGet'>;
  linkKey: () => Promise<Buffer>;
  settings: Pick<LifecycleSettings, 'uploads' | 'contract'>;
  now: Now;
  /** 16 random bytes in base64url; injectable so tests can name uploads. */
  newUploadId?: () => string;
  /** Per-response CSP nonce. */
  newNonce?: () => string;
}

export interface RecordUploadDeps {
  /** The documents bucket; events about any other bucket are ignored. */
  bucket: string;
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  deliverables: DeliverableRepository;
  waits: Pick<WaitRepository, 'getWait' | 'satisfyWait'>;
  callbacks: TaskCallbacks;
  objects: Pick<ObjectStore, 'readHead' | 'sha256' | 'quarantine'>;
  settings: Pick<LifecycleSettings, 'uploads'>;
  now: Now;
  log?: Log;
  /** Quarantines and lost callbacks; defaults to `log`. */
  warn?: Log;
}

/** How long the contract download link on the page works. */
export const CONTRACT_LINK_SECONDS = 15 * 60;

// ---------------------------------------------------------------------------------------------
// What is open for upload

/** Kinds the stage calls for by itself; a workflow step waiting for a kind opens it too. */
function kindsOfStage(purchase: PurchaseRecord): UploadKind[] {
  const planned = new Set(purchase.proposal.deliverables.map((d) => d.kind));
  switch (purchase.stage) {
    case 'CONTRACTING':
      return ['SIGNED_CONTRACT'];
    case 'MIDTERM_REVIEW':
      return (['MIDTERM_REPORT', 'FINAL_REPORT', 'EVIDENCE'] as const).filter((k) => planned.has(k));
    case 'EVALUATION':
      return (['FINAL_REPORT', 'EVIDENCE'] as const).filter((k) => planned.has(k));
    default:
      return [];
  }
}

interface UploadState {
  openKinds: UploadKind[];
  waits: Map<UploadKind, UploadWait>;
}

async function uploadState(deps: Pick<NgoPageDeps, 'waits'>, purchase: PurchaseRecord): Promise<UploadState> {
  const waits = new Map<UploadKind, UploadWait>();
  if (isTerminal(purchase.stage)) return { openKinds: [], waits };
  const found = await Promise.all(UPLOAD_KINDS.map((k) => deps.waits.getWait(purchase.purchaseId, k)));
  for (const wait of found) if (wait?.status === 'WAITING') waits.set(wait.kind, wait);
  const byStage = new Set(kindsOfStage(purchase));
  return { openKinds: UPLOAD_KINDS.filter((k) => byStage.has(k) || waits.has(k)), waits };
}

function dueItems(
  purchase: PurchaseRecord,
  state: UploadState,
  settings: NgoPageDeps['settings'],
): NgoDueItem[] {
  const open = new Set(state.openKinds);
  const items: NgoDueItem[] = [];
  if (purchase.stage === 'CONTRACTING' || state.waits.has('SIGNED_CONTRACT')) {
    const wait = state.waits.get('SIGNED_CONTRACT');
    const dueAt = wait && Date.parse(wait.since) + settings.contract.signTimeoutSeconds * 1000;
    items.push({
      kind: 'SIGNED_CONTRACT',
      dueDate: dueAt ? chinaCalendarDate(new Date(dueAt).toISOString()) : undefined,
      open: open.has('SIGNED_CONTRACT'),
    });
  }
  for (const plan of purchase.proposal.deliverables) {
    // A rectification round moves the mid-term report's due date.
    const dueDate =
      plan.kind === 'MIDTERM_REPORT' ? (purchase.midterm?.dueDate ?? plan.dueDate) : plan.dueDate;
    items.push({ kind: plan.kind, dueDate, description: plan.description, open: open.has(plan.kind) });
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// The link

type Opened =
  | { ok: true; purchase: PurchaseRecord; expiresAt: string }
  | { ok: false; status: 403 | 404 | 410 };

interface LinkInput {
  purchaseId: string;
  exp?: string;
  sig?: string;
}

/** The signature is checked before anything is read, so a forged link learns nothing. */
async function openLink(deps: Pick<NgoPageDeps, 'linkKey' | 'purchases' | 'now'>, input: LinkInput) {
  const verdict = verifyNgoLink(input.purchaseId, input.exp, input.sig, await deps.linkKey(), deps.now());
  if (verdict === 'FORBIDDEN') return { ok: false, status: 403 } satisfies Opened;
  if (verdict === 'EXPIRED') return { ok: false, status: 410 } satisfies Opened;
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) return { ok: false, status: 404 } satisfies Opened;
  const expiresAt = new Date(Number(input.exp) * 1000).toISOString();
  return { ok: true, purchase, expiresAt } satisfies Opened;
}

const STATUS_PAGES = { 403: forbiddenPage, 404: notFoundPage, 410: expiredPage } as const;

const newRandomId = () => randomBytes(16).toString('base64url');
const newNonce = () => randomBytes(16).toString('base64');

/** GET/HEAD /ngo/{purchaseId}?exp&sig: the page; never a change. */
export async function showNgoPage(deps: NgoPageDeps, input: LinkInput): Promise<NgoHtmlPage | HtmlPage> {
  const opened = await openLink(deps, input);
  if (!opened.ok) return STATUS_PAGES[opened.status]();
  const { purchase, expiresAt } = opened;
  const [state, deliverables, storageOrigin, contractUrl] = await Promise.all([
    uploadState(deps, purchase),
    deps.deliverables.listDeliverables(purchase.purchaseId),
    deps.signer.storageOrigin(),
    purchase.contract?.key
      ? deps.objects.presignGet(purchase.contract.key, CONTRACT_LINK_SECONDS)
      : Promise.resolve(undefined),
  ]);
  return ngoPage({
    summary: summarizeProposal(purchase.purchaseId, purchase.proposal),
    stage: purchase.stage,
    closed: isTerminal(purchase.stage),
    due: dueItems(purchase, state, deps.settings),
    received: deliverables.map((d) => ({
      kind: d.kind,
      fileName: d.fileName,
      size: d.size,
      uploadedAt: d.uploadedAt,
      status: d.status,
      reasons: d.reasons,
    })),
    contractUrl,
    openKinds: state.openKinds,
    maxBytes: deps.settings.uploads.maxBytes,
    linkExpiresAt: expiresAt,
    storageOrigin,
    nonce: (deps.newNonce ?? newNonce)(),
  });
}

// ---------------------------------------------------------------------------------------------
// The presigned POST

export interface JsonReply {
  statusCode: number;
  body: Record<string, unknown>;
}

const LINK_REPLIES: Record<403 | 404 | 410, JsonReply> = {
  403: {
    statusCode: 403,
    body: { message: '无法验证此链接。 This link could not be verified.' },
  },
  404: { statusCode: 404, body: { message: '找不到此项目。 No such purchase.' } },
  410: {
    statusCode: 410,
    body: {
      message:
        '此链接已过期，请使用最新邮件中的链接。 This link has expired; use the link from the latest e-mail.',
    },
  },
};

export const PresignRequestSchema = z.strictObject({
  kind: z.enum(UPLOAD_KINDS),
  fileName: z.string().check(z.minLength(1), z.maxLength(200)),
  contentType: z.enum(ALLOWED_CONTENT_TYPES as [string, ...string[]]),
  size: z.int().check(z.gte(1)),
});
export type PresignRequest = z.infer<typeof PresignRequestSchema>;

function badRequest(errors: FieldError[]): JsonReply {
  return {
    statusCode: 400,
    body: { message: '上传请求无效。 The upload request is invalid.', errors },
  };
}

/**
 * POST /ngo/{purchaseId}/uploads?exp&sig with `{ kind, fileName, contentType, size }`:
 * a presigned POST for one new key under the purchase and kind, for that type and at most
 * the configured size. Nothing is written: an unused presign leaves no trace.
 */
export async function presignUpload(
  deps: NgoPageDeps,
  input: LinkInput & { body: unknown },
): Promise<JsonReply> {
  const opened = await openLink(deps, input);
  if (!opened.ok) return LINK_REPLIES[opened.status];
  const { purchase, expiresAt: linkExpiresAt } = opened;
  if (isTerminal(purchase.stage)) {
    return {
      statusCode: 409,
      body: {
        message: `本项目已结束，不再接收上传。 This purchase has ended (${purchase.stage}); no more uploads are accepted.`,
      },
    };
  }

  const parsed = PresignRequestSchema.safeParse(input.body);
  if (!parsed.success)
    return badRequest(zodIssuesToFieldErrors(parsed.error.issues, input.body, PresignRequestSchema));
  const request = parsed.data;
  const { maxBytes, policyExpirySeconds } = deps.settings.uploads;
  const errors: FieldError[] = [];
  const { openKinds } = await uploadState(deps, purchase);
  if (!openKinds.includes(request.kind)) {
    errors.push({
      field: 'kind',
      value: request.kind,
      rule: 'upload-kind-not-open',
      message: `现在不接收此类材料。 ${request.kind} is not accepted at this stage.`,
      allowed: openKinds.join(', ') || 'nothing at this stage',
    });
  }
  if (request.size > maxBytes) {
    errors.push({
      field: 'size',
      value: request.size,
      rule: 'upload-too-large',
      message: `文件超过上限 ${maxBytes} 字节。 The file is larger than the limit of ${maxBytes} bytes.`,
      allowed: `1 to ${maxBytes}`,
    });
  }
  if (errors.length > 0) return badRequest(errors);

  const key = uploadKey(
    purchase.purchaseId,
    request.kind,
    (deps.newUploadId ?? newRandomId)(),
    request.fileName,
  );
  const nowMs = Date.parse(deps.now());
  // The policy never outlives the link that asked for it.
  const linkSecondsLeft = Math.floor((Date.parse(linkExpiresAt) - nowMs) / 1000);
  const expiresSeconds = Math.max(1, Math.min(policyExpirySeconds, MAX_POLICY_SECONDS, linkSecondsLeft));
  const { url, fields } = await deps.signer.presignPost({
    key,
    contentType: request.contentType,
    maxBytes,
    expiresSeconds,
  });
  return {
    statusCode: 200,
    body: { url, fields, key, expiresAt: new Date(nowMs + expiresSeconds * 1000).toISOString(), maxBytes },
  };
}

// ---------------------------------------------------------------------------------------------
// Recording what arrived

export interface ObjectCreated {
  bucket: string;
  /** The object key as stored (decode S3 notification keys with decodeS3EventKey first). */
  key: string;
  size: number;
  eTag: string;
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
  if (earlier) {
    // A repeated event: the bytes were judged and the file tagged the first time.
    deliverable = earlier;
  } else {
    const candidate = await judge(deps, event, { purchaseId, uploadId, kind, fileName }, purchase);
    if (candidate.status === 'REJECTED') {
      // Tagged before it is recorded: a crash in between retries both; a repeat after both finds the record.
      await deps.objects.quarantine(event.key, candidate.reasons.map((r) => r.rule).join(' '));
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

/**
 * When the upload counts as received: EventBridge gives S3 event times in whole seconds, so
 * an upload in the same second as a refusal would look older than the round it answers. The
 * moment it is checked is never earlier than the upload itself.
 */
function receivedAt(eventTime: string, now: string): string {
  return new Date(Math.max(Date.parse(eventTime), Date.parse(now))).toISOString();
}

async function judge(
  deps: RecordUploadDeps,
  event: ObjectCreated,
  parts: { purchaseId: string; uploadId: string; kind: UploadKind; fileName: string },
  purchase: PurchaseRecord,
): Promise<DeliverableRecord> {
  const [head, sha256] = await Promise.all([
    deps.objects.readHead(event.key, DETECTION_BYTES),
    deps.objects.sha256(event.key),
  ]);
  const detected = detectFileType(head.bytes);
  const refusals = checkUploadedObject({
    key: event.key,
    size: event.size,
    detected,
    declaredContentType: head.contentType,
    maxBytes: deps.settings.uploads.maxBytes,
  });
  return {
    ...parts,
    key: event.key,
    size: event.size,
    sha256,
    ...(detected ? { detectedType: detected.format } : {}),
    ...(head.contentType ? { declaredContentType: head.contentType } : {}),
    uploadedBy: `ngo:${purchase.proposal.ngo.creditCode}`,
    uploadedAt: receivedAt(event.eventTime, deps.now()),
    eTag: event.eTag.replace(/^"|"$/g, ''),
    status: refusals.length === 0 ? 'ACCEPTED' : 'REJECTED',
    reasons: refusals.map((r) => ({ rule: r.rule, message: r.message })),
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
