import * as z from 'zod/mini';
import type { FieldError } from '../../domain/errors.js';
import { UPLOADABLE_CONTENT_TYPES } from '../../domain/file-types.js';
import { isTerminal } from '../../domain/lifecycle.js';
import { UPLOAD_KINDS } from '../../domain/uploads.js';
import { zodIssuesToFieldErrors } from '../../domain/zod-field-errors.js';
import { badRequest, grantUpload, type JsonReply } from '../upload-grants.js';
import type { UploadGrantDeps } from './ngo-upload-deps.js';
import { uploadState } from './open-for-upload.js';
import { type LinkInput, openLink } from './open-ngo-link.js';

export type { JsonReply };

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
  return grantUpload(deps, {
    purchaseId: purchase.purchaseId,
    kind: request.kind,
    request,
    errors,
    grantEndsBy: linkExpiresAt,
  });
}
