import type { DeliverableRecord } from '../../domain/deliverables.js';
import {
  filesOnRecord,
  listsFilesOnRecord,
  type ReviewedUpload,
  reviewedUploadsOf,
  reviewsUploads,
  showedCurrentUploads,
  uploadsForTask,
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
  /** When the NGO's upload landed. */
  uploadedAt: string;
  url?: string;
  /** Whether the decision is about this file (the newest of its kind); false for the rest on record. */
  underReview: boolean;
}

export interface ReviewedDocumentsOptions {
  /** Presigned links where the bucket is granted. @default true */
  links?: boolean;
  /**
   * Every accepted file on record the purpose's page lists (FILES_ON_RECORD_KINDS), each marked
   * whether it is under review; otherwise only those under review. @default false
   */
  onRecord?: boolean;
}

/** The files a review task is about now (reviewedUploads gives them); none for a purpose that reviews no upload. */
export type ReviewedDocuments = (
  task: HumanTask,
  options?: ReviewedDocumentsOptions,
) => Promise<ReviewedDocument[]>;

function describe(upload: DeliverableRecord, underReview: boolean, url?: string): ReviewedDocument {
  const { kind, uploadId, fileName, sha256, uploadedAt } = upload;
  return { kind, uploadId, fileName, sha256, uploadedAt, ...(url === undefined ? {} : { url }), underReview };
}

/**
 * A review task's files: for each kind its purpose reviews, the purchase's newest accepted upload
 * (uploadsUnderReview); with `onRecord`, every accepted file its page lists, those under review
 * marked. With `objects`, and unless asked for no links, each comes with a presigned GET pinned to
 * its checked version.
 */
export function reviewedUploads(ports: {
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  objects?: Pick<ObjectStore, 'presignGet'>;
}): ReviewedDocuments {
  return async (task, { links = true, onRecord = false } = {}) => {
    const { purpose } = task;
    const listed = onRecord ? listsFilesOnRecord(purpose) : reviewsUploads(purpose);
    if (!listed) return [];
    const all = uploadsForTask(task, await ports.deliverables.listDeliverables(task.purchaseId));
    const current = reviewsUploads(purpose) ? uploadsUnderReview(purpose, all) : [];
    const uploads = onRecord && listsFilesOnRecord(purpose) ? filesOnRecord(purpose, all) : current;
    const underReview = (u: DeliverableRecord) => current.includes(u);
    const { objects } = ports;
    if (!objects || !links) return uploads.map((u) => describe(u, underReview(u)));
    return Promise.all(
      uploads.map(async (u) =>
        describe(u, underReview(u), await pinnedDownload(objects, u, DOCUMENT_LINK_SECONDS)),
      ),
    );
  };
}

/** Whether a review decision may be recorded: what it reviewed, or the page that says the files changed. */
export type ReviewedCheck = { ok: true; reviewed?: ReviewedUpload[] } | { ok: false; page: HtmlPage };

/**
 * A review decision is recorded only against the files its page showed (`shown`, their upload
 * ids): when the files under review are others now, because the NGO (or, for the evaluation, the
 * agency itself) uploaded a newer one while the page was open, nothing is recorded and the answer shows the current files. A task that is
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
  const newerKinds = current.filter((u) => !shown.includes(u.uploadId)).map((u) => u.kind);
  return { ok: false, page: newerUploadPage(await reviewedDocuments(task), newerKinds) };
}
