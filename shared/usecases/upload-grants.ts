import { randomBytes } from 'node:crypto';
import type { FieldError } from '../domain/errors.js';
import { fileExtension, uploadableTypeOf } from '../domain/file-types.js';
import type { LifecycleSettings } from '../domain/lifecycle-settings.js';
import {
  DAILY_GRANT_LIMIT_RULE,
  grantLimitMessage,
  uploadDay,
  uploadDayEnds,
} from '../domain/upload-limits.js';
import { agencyUploadId, sanitizeFileName, type UploadKind, uploadKey } from '../domain/uploads.js';
import type { Now } from '../ports/clock.js';
import type { UploadCountRepository } from '../ports/repositories.js';
import { MAX_POLICY_SECONDS, type UploadSigner } from '../ports/storage.js';

/**
 * A presigned POST for one file, whoever asks for it (the NGO's page, the evaluation agency's
 * page): the bytes go straight to the bucket, never through Lambda. The asker's own checks (its
 * link, what it may upload now) come first; here the file's size and type, the day's grants of
 * its kind, and a policy that never outlives the link that asked for it.
 */

/** A JSON answer for the page's script. */
export interface JsonReply {
  statusCode: number;
  body: Record<string, unknown>;
  /** When to ask again (HTTP Retry-After), for a refusal that passes with time. */
  retryAfterSeconds?: number;
}

/** What one upload request asks for, once its own schema parsed it. */
export interface UploadRequest {
  fileName: string;
  contentType: string;
  size: number;
}

export interface GrantUploadDeps {
  uploadCounts: Pick<UploadCountRepository, 'countUpload'>;
  signer: UploadSigner;
  settings: Pick<LifecycleSettings, 'uploads'>;
  now: Now;
  /** 16 random bytes in base64url; injectable so tests can name uploads. */
  newUploadId?: () => string;
}

export function badRequest(errors: FieldError[]): JsonReply {
  return {
    statusCode: 400,
    body: { message: '上传请求无效。 The upload request is invalid.', errors },
  };
}

/**
 * What the declared type says before a byte is sent: a macro-enabled type only when the settings
 * allow macro documents, and a file name whose extension fits the type (the bytes are checked again
 * once they land; this spares the NGO an upload that would be refused).
 */
function fileTypeErrors(request: UploadRequest, uploads: { allowMacroDocuments: boolean }): FieldError[] {
  const type = uploadableTypeOf(request.contentType);
  if (!type) return [];
  const errors: FieldError[] = [];
  if (type.macros && !uploads.allowMacroDocuments) {
    errors.push({
      field: 'contentType',
      value: request.contentType,
      rule: 'macros-not-allowed',
      message: `不接收含宏的文档，请另存为不含宏的文档或 PDF。 Documents with macros (${type.label.en}) are not accepted; save it without macros or as PDF.`,
      allowed: 'documents without macros',
    });
  }
  const extension = fileExtension(sanitizeFileName(request.fileName));
  if (!type.extensions.includes(extension)) {
    const expected = type.extensions.join(' / ');
    errors.push({
      field: 'fileName',
      value: request.fileName,
      rule: 'extension-mismatch',
      message: `文件名后缀 ${extension || '（无）'} 与文件类型${type.label.zh}不符，应为 ${expected}。 The file name's extension ${extension || '(none)'} does not fit the type ${type.label.en}, which is ${expected}.`,
      allowed: expected,
    });
  }
  return errors;
}

/**
 * The day's grants of the kind are used up: 429, with the reason in both languages for the page
 * to show as it is (`notice`), and the seconds until the China day ends.
 */
function dailyLimitReply(kind: UploadKind, limit: number, now: string): JsonReply {
  const notice = grantLimitMessage(kind, limit);
  return {
    statusCode: 429,
    body: {
      message: `${notice.zh} ${notice.en}`,
      notice,
      errors: [
        {
          field: 'kind',
          value: kind,
          rule: DAILY_GRANT_LIMIT_RULE,
          message: `${notice.zh} ${notice.en}`,
          allowed: `at most ${limit} upload requests of a kind a day`,
        },
      ],
    },
    retryAfterSeconds: Math.max(1, Math.ceil((uploadDayEnds(uploadDay(now)) - Date.parse(now)) / 1000)),
  };
}

/**
 * The grant itself, after the asker's checks (`errors` holds what they found): refused with every
 * problem at once, or counted against the day's grants of the kind and presigned for one new key
 * under the purchase and kind, for that type and at most the configured size, until `grantEndsBy`
 * at the latest.
 */
export async function grantUpload(
  deps: GrantUploadDeps,
  input: {
    purchaseId: string;
    kind: UploadKind;
    request: UploadRequest;
    errors?: readonly FieldError[];
    grantEndsBy: string;
    /** An evaluation report's: the agency it is granted to, named in its upload id (agencyUploadId). */
    agencyId?: string;
  },
): Promise<JsonReply> {
  const { purchaseId, kind, request } = input;
  const { maxBytes, policyExpirySeconds } = deps.settings.uploads;
  const errors: FieldError[] = [...(input.errors ?? [])];
  if (request.size > maxBytes) {
    errors.push({
      field: 'size',
      value: request.size,
      rule: 'upload-too-large',
      message: `文件超过上限 ${maxBytes} 字节。 The file is larger than the limit of ${maxBytes} bytes.`,
      allowed: `1 to ${maxBytes}`,
    });
  }
  errors.push(...fileTypeErrors(request, deps.settings.uploads));
  if (errors.length > 0) return badRequest(errors);

  const random = (deps.newUploadId ?? newUploadId)();
  const uploadId = input.agencyId === undefined ? random : agencyUploadId(input.agencyId, random);
  const key = uploadKey(purchaseId, kind, uploadId, request.fileName);
  const now = deps.now();
  const nowMs = Date.parse(now);
  // Counted only once the request is sound: a refused request uses up nothing.
  const { grantsPerKindPerDay } = deps.settings.uploads.limits;
  const counted = await deps.uploadCounts.countUpload({
    purchaseId,
    kind,
    measure: 'GRANT',
    day: uploadDay(now),
    id: uploadId,
    limit: grantsPerKindPerDay,
  });
  if (counted.outcome === 'LIMIT_REACHED') return dailyLimitReply(kind, grantsPerKindPerDay, now);
  // The policy never outlives the link that asked for it.
  const linkSecondsLeft = Math.floor((Date.parse(input.grantEndsBy) - nowMs) / 1000);
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

/** A fresh upload id: 16 random bytes, base64url (UPLOAD_ID_RANDOM_CHARS characters). */
export const newUploadId = () => randomBytes(16).toString('base64url');
