import * as z from 'zod/mini';
import type { FieldError } from '../../domain/errors.js';
import { fileExtension, UPLOADABLE_CONTENT_TYPES, uploadableTypeOf } from '../../domain/file-types.js';
import { isTerminal } from '../../domain/lifecycle.js';
import {
  DAILY_GRANT_LIMIT_RULE,
  grantLimitMessage,
  uploadDay,
  uploadDayEnds,
} from '../../domain/upload-limits.js';
import { sanitizeFileName, UPLOAD_KINDS, type UploadKind, uploadKey } from '../../domain/uploads.js';
import { zodIssuesToFieldErrors } from '../../domain/zod-field-errors.js';
import { MAX_POLICY_SECONDS } from '../../ports/storage.js';
import type { UploadGrantDeps } from './ngo-upload-deps.js';
import { uploadState } from './open-for-upload.js';
import { type LinkInput, newRandomId, openLink } from './open-ngo-link.js';

/** The presigned POST for one file: the bytes go straight to the bucket, never through Lambda. */
export interface JsonReply {
  statusCode: number;
  body: Record<string, unknown>;
  /** When to ask again (HTTP Retry-After), for a refusal that passes with time. */
  retryAfterSeconds?: number;
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
  contentType: z.enum(UPLOADABLE_CONTENT_TYPES as [string, ...string[]]),
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
 * What the declared type says before a byte is sent: a macro-enabled type only when the settings
 * allow macro documents, and a file name whose extension fits the type (the bytes are checked again
 * once they land; this spares the NGO an upload that would be refused).
 */
function fileTypeErrors(request: PresignRequest, uploads: { allowMacroDocuments: boolean }): FieldError[] {
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
 * POST /ngo/{purchaseId}/uploads?exp&sig with `{ kind, fileName, contentType, size }`:
 * a presigned POST for one new key under the purchase and kind, for that type and at most
 * the configured size, while the day's grants of the kind last (lifecycle.uploads.limits).
 * What is written is the day's grant count and nothing else.
 */
export async function presignUpload(
  deps: UploadGrantDeps,
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
  errors.push(...fileTypeErrors(request, deps.settings.uploads));
  if (errors.length > 0) return badRequest(errors);

  const uploadId = (deps.newUploadId ?? newRandomId)();
  const key = uploadKey(purchase.purchaseId, request.kind, uploadId, request.fileName);
  const now = deps.now();
  const nowMs = Date.parse(now);
  // Counted only once the request is sound: a refused request uses up nothing.
  const { grantsPerKindPerDay } = deps.settings.uploads.limits;
  const counted = await deps.uploadCounts.countUpload({
    purchaseId: purchase.purchaseId,
    kind: request.kind,
    measure: 'GRANT',
    day: uploadDay(now),
    id: uploadId,
    limit: grantsPerKindPerDay,
  });
  if (counted.outcome === 'LIMIT_REACHED') return dailyLimitReply(request.kind, grantsPerKindPerDay, now);
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
