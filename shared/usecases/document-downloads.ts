import type { DeliverableRecord } from '../domain/deliverables.js';
import { servedContentType } from '../domain/file-types.js';
import { assertMayViewPurchase, type StaffMember } from '../domain/staff-roles.js';
import type { Now } from '../ports/clock.js';
import type { DeliverableRepository, TaskRepository } from '../ports/repositories.js';
import type { ObjectStore } from '../ports/storage.js';

/**
 * A short-lived link to one recorded upload: pinned to the version that was checked (the bytes
 * whose SHA-256 is on record, whatever was written under the key later), served as an attachment
 * with the type found in its bytes and the file's own name.
 */
export function pinnedDownload(
  objects: Pick<ObjectStore, 'presignGet'>,
  upload: Pick<DeliverableRecord, 'key' | 'versionId' | 'fileName' | 'detectedType'>,
  expiresSeconds: number,
): Promise<string> {
  return objects.presignGet(upload.key, expiresSeconds, {
    ...(upload.versionId ? { versionId: upload.versionId } : {}),
    fileName: upload.fileName,
    contentType: servedContentType(upload.detectedType),
  });
}

/** How long a document link from the console works: long enough to start the download, no more. */
export const DOWNLOAD_LINK_SECONDS = 5 * 60;

export interface DocumentDownloadDeps {
  tasks: Pick<TaskRepository, 'listTasks'>;
  deliverables: Pick<DeliverableRepository, 'listDeliverables'>;
  objects: Pick<ObjectStore, 'presignGet'>;
  now: Now;
}

export type DocumentDownload =
  | {
      outcome: 'LINK';
      url: string;
      expiresAt: string;
      /** False for an upload recorded without its version (before versions were recorded). */
      pinned: boolean;
      versionId?: string;
      sha256: string;
    }
  | { outcome: 'UNKNOWN' };

/**
 * A staff member downloads one upload of a purchase from its page: anyone who may see the
 * purchase (an approver only one with a task of theirs on it; NotPermittedError otherwise).
 */
export async function documentDownload(
  deps: DocumentDownloadDeps,
  input: { purchaseId: string; uploadId: string; viewer: StaffMember },
): Promise<DocumentDownload> {
  const [tasks, uploads] = await Promise.all([
    deps.tasks.listTasks(input.purchaseId),
    deps.deliverables.listDeliverables(input.purchaseId),
  ]);
  const upload = uploads.find((u) => u.uploadId === input.uploadId);
  if (!upload) return { outcome: 'UNKNOWN' };
  assertMayViewPurchase(
    input.viewer,
    tasks.map((t) => t.assignee.email),
  );
  const url = await pinnedDownload(deps.objects, upload, DOWNLOAD_LINK_SECONDS);
  return {
    outcome: 'LINK',
    url,
    expiresAt: new Date(Date.parse(deps.now()) + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    pinned: upload.versionId !== undefined,
    ...(upload.versionId ? { versionId: upload.versionId } : {}),
    sha256: upload.sha256,
  };
}
