import * as z from 'zod/mini';
import { zodIssuesToFieldErrors } from '../../domain/zod-field-errors.js';
import type { LinkKeyProvider } from '../../ports/link-key.js';
import type { PurchaseRepository, TaskRepository } from '../../ports/repositories.js';
import { badRequest, type GrantUploadDeps, grantUpload, type JsonReply } from '../upload-grants.js';
import { isExpired, openLink } from './open-task-link.js';

/**
 * POST /tasks/{taskId}/report?sig with `{ nonce, fileName, contentType, size }`: a presigned POST
 * for the evaluation agency's written report (a PDF), for the agency whose link it is and only
 * while its evaluation is pending, declared and still the purchase's: any other link, a lapsed or
 * decided one, one of an agency that stepped aside, gets nothing. The nonce of the page proves the
 * request came from the opened page, not from a scanner fetching the link. What is written is the
 * day's grant count and nothing else.
 */

export interface ReportGrantDeps extends GrantUploadDeps {
  tasks: Pick<TaskRepository, 'getTask'>;
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  /** The task-link keys. */
  linkKey: LinkKeyProvider;
}

export const ReportGrantRequestSchema = z.strictObject({
  nonce: z.string().check(z.minLength(1), z.maxLength(100)),
  fileName: z.string().check(z.minLength(1), z.maxLength(200)),
  contentType: z.literal('application/pdf'),
  size: z.int().check(z.gte(1)),
});

const REFUSED: Record<403 | 404 | 409 | 410, JsonReply> = {
  403: { statusCode: 403, body: { message: '无法验证此链接。 This link could not be verified.' } },
  404: { statusCode: 404, body: { message: '找不到此任务。 No such task.' } },
  409: {
    statusCode: 409,
    body: {
      message:
        '请先在本页面声明独立性，然后才能上传评估报告。 Declare your independence on this page first; the report can be uploaded after that.',
    },
  },
  410: {
    statusCode: 410,
    body: {
      message:
        '此评估链接已失效（已提交、已过期或已转交其他机构），不能再上传报告。 This evaluation link no longer takes a report (it was submitted, lapsed or passed to another agency).',
    },
  },
};

export async function grantReportUpload(
  deps: ReportGrantDeps,
  input: { taskId: string; sig?: string; body: unknown },
): Promise<JsonReply> {
  const opened = await openLink(deps, input.taskId, input.sig);
  if (!opened.ok) return REFUSED[opened.page.statusCode === 403 ? 403 : 404];
  const { task } = opened;
  if (task.purpose !== 'EVALUATION') return REFUSED[404];
  const parsed = ReportGrantRequestSchema.safeParse(input.body);
  if (!parsed.success)
    return badRequest(zodIssuesToFieldErrors(parsed.error.issues, input.body, ReportGrantRequestSchema));
  const { nonce, ...request } = parsed.data;
  // Like a form's POST: without the page's nonce nothing is granted, and nothing says why.
  if (nonce !== task.nonce) return REFUSED[403];
  if (task.status !== 'PENDING' || isExpired(task, deps.now())) return REFUSED[410];
  const purchase = await deps.purchases.getPurchase(task.purchaseId);
  // Only the agency the purchase has assigned now: never one that declined or declared a conflict.
  const agencyId = purchase?.stage === 'EVALUATION' ? purchase.evaluation?.agencyId : undefined;
  if (!purchase || agencyId === undefined || agencyId !== task.context?.agencyId) return REFUSED[410];
  if (task.declaredAt === undefined) return REFUSED[409];
  return grantUpload(deps, {
    purchaseId: purchase.purchaseId,
    kind: 'EVALUATION_REPORT',
    request,
    grantEndsBy: task.expiresAt,
    agencyId,
  });
}
