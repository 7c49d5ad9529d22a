import { type HumanTask, REVIEWED_UPLOAD_KINDS } from '../../domain/tasks.js';
import type { UploadKind } from '../../domain/uploads.js';
import type { DeliverableRepository } from '../../ports/repositories.js';
import type { ObjectStore } from '../../ports/storage.js';
import { pinnedDownload } from '../document-downloads.js';

/** Long enough to read a contract or a report, short enough that a forwarded page soon stops opening it. */
export const DOCUMENT_LINK_SECONDS = 10 * 60;

/** A short-lived link to one upload a review task is about. */
export interface ReviewedDocument {
  kind: UploadKind;
  url: string;
}

/** The document links of a review task's page (reviewedUploadLinks gives them). */
export type DocumentUrls = (task: HumanTask) => Promise<ReviewedDocument[]>;

/**
 * A review page's document links: for each kind the task's purpose reviews, a presigned GET of
 * the purchase's latest accepted upload of that kind (the NGO's newest upload after any
 * refusal or rectification). A kind without one, or a purpose that reviews no upload, links nothing.
 */
export function reviewedUploadLinks(ports: {
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  objects: Pick<ObjectStore, 'presignGet'>;
}): DocumentUrls {
  return async (task) => {
    if (!Object.hasOwn(REVIEWED_UPLOAD_KINDS, task.purpose)) return [];
    const kinds: readonly UploadKind[] =
      REVIEWED_UPLOAD_KINDS[task.purpose as keyof typeof REVIEWED_UPLOAD_KINDS];
    const uploads = await ports.deliverables.listDeliverables(task.purchaseId);
    const documents: ReviewedDocument[] = [];
    for (const kind of kinds) {
      const latest = uploads.filter((d) => d.kind === kind && d.status === 'ACCEPTED').at(-1);
      if (latest)
        documents.push({ kind, url: await pinnedDownload(ports.objects, latest, DOCUMENT_LINK_SECONDS) });
    }
    return documents;
  };
}

/** The review's document links, when the deps give any. */
export async function reviewedDocuments(
  documentUrls: DocumentUrls | undefined,
  task: HumanTask,
): Promise<ReviewedDocument[]> {
  return (await documentUrls?.(task)) ?? [];
}

/** The link of the review's one document of a kind, when the deps give one. */
export async function reviewedDocument(
  documentUrls: DocumentUrls | undefined,
  task: HumanTask,
  kind: UploadKind,
): Promise<string | undefined> {
  return (await reviewedDocuments(documentUrls, task)).find((d) => d.kind === kind)?.url;
}
