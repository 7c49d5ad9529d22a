import type { DeliverableRecord } from '../../domain/deliverables.js';
import {
  type ReviewedUpload,
  reviewedUploadsOf,
  reviewsUploads,
  showedCurrentUploads,
  uploadsUnderReview,
} from '../../domain/reviewed-uploads.js';
import type { HumanTask } from '../../domain/tasks.js';
import type { UploadKind } from '../../domain/uploads.js';
import type { DeliverableRepository } from '../../ports/repositories.js';
import type { ObjectStore } from '../../ports/storage.js';
import type { HtmlPage } from '../../presentation/pages/layout.js';
import { newerUploadPage } from '../../presentation/pages/task/reviewed-document.js';
import { pinnedDownload } from '../document-downloads.js';

/** Long enough to read a contract or a report, short enough that a forwarded page soon stops opening it. */
export const DOCUMENT_LINK_SECONDS = 10 * 60;

/**
 * One file a review task is about, as its page shows it: which upload, its name and SHA-256, and
 * a short-lived link pinned to the checked version when the deps can presign one.
 */
export interface ReviewedDocument {
  kind: UploadKind;
  uploadId: string;
  fileName: string;
  sha256: string;
  url?: string;
}

/** The files a review task is about now (reviewedUploads gives them); none for a purpose that reviews no upload. */
export type ReviewedDocuments = (
  task: HumanTask,
  options?: { links: boolean },
) => Promise<ReviewedDocument[]>;

function describe(upload: DeliverableRecord, url?: string): ReviewedDocument {
  const { kind, uploadId, fileName, sha256 } = upload;
  return { kind, uploadId, fileName, sha256, ...(url === undefined ? {} : { url }) };
}

/**
 * A review task's files: for each kind its purpose reviews, the purchase's newest accepted upload
 * (uploadsUnderReview). With `objects`, and unless asked for no links, each comes with a presigned
 * GET pinned to its checked version.
 */
export function reviewedUploads(ports: {
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  objects?: Pick<ObjectStore, 'presignGet'>;
}): ReviewedDocuments {
  return async (task, options = { links: true }) => {
    if (!reviewsUploads(task.purpose)) return [];
    const uploads = uploadsUnderReview(
      task.purpose,
      await ports.deliverables.listDeliverables(task.purchaseId),
    );
    const { objects } = ports;
    if (!objects || !options.links) return uploads.map((u) => describe(u));
    return Promise.all(
      uploads.map(async (u) => describe(u, await pinnedDownload(objects, u, DOCUMENT_LINK_SECONDS))),
    );
  };
}

/** Whether a review decision may be recorded: what it reviewed, or the page that says the files changed. */
export type ReviewedCheck = { ok: true; reviewed?: ReviewedUpload[] } | { ok: false; page: HtmlPage };

/**
 * A review decision is recorded only against the files its page showed (`shown`, their upload
 * ids): when the files under review are others now, because the NGO uploaded a newer one while
 * the page was open, nothing is recorded and the answer shows the current files. A task that is
 * not pending any more is left to the repository to answer (already decided, lapsed).
 */
export async function checkReviewedUploads(
  reviewedDocuments: ReviewedDocuments,
  task: HumanTask,
  shown: readonly string[],
): Promise<ReviewedCheck> {
  if (!reviewsUploads(task.purpose) || task.status !== 'PENDING') return { ok: true };
  const current = await reviewedDocuments(task, { links: false });
  if (showedCurrentUploads(current, shown)) return { ok: true, reviewed: reviewedUploadsOf(current) };
  return { ok: false, page: newerUploadPage(await reviewedDocuments(task)) };
}
