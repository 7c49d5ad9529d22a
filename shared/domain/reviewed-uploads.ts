import type { DeliverableRecord } from './deliverables.js';
import { type HumanTask, REVIEWED_UPLOAD_KINDS, type TaskPurpose } from './tasks.js';
import { agencyUploader, type UploadKind } from './uploads.js';

/**
 * What a review decision is about: the files its page showed. A countersignature, a mid-term
 * review and an evaluation each decide on the newest accepted upload of the kinds their purpose
 * reviews; the decision records which uploads those were (id and SHA-256), and one posted from a
 * page that showed other files (a newer upload arrived while the page was open) is not recorded.
 */

/** One file a review decided on, as the decision records it. */
export interface ReviewedUpload {
  kind: UploadKind;
  uploadId: string;
  sha256: string;
}

export type ReviewPurpose = keyof typeof REVIEWED_UPLOAD_KINDS;

export function reviewsUploads(purpose: TaskPurpose): purpose is ReviewPurpose {
  return Object.hasOwn(REVIEWED_UPLOAD_KINDS, purpose);
}

/**
 * The uploads a review of this purpose is about, in the purpose's order of kinds: for each kind
 * the newest accepted one (the NGO's latest after any refusal or rectification). A kind without
 * an accepted upload is left out.
 */
export function uploadsUnderReview(
  purpose: ReviewPurpose,
  uploads: readonly DeliverableRecord[],
): DeliverableRecord[] {
  const newest: DeliverableRecord[] = [];
  for (const kind of REVIEWED_UPLOAD_KINDS[purpose]) {
    const latest = uploads.filter((u) => u.kind === kind && u.status === 'ACCEPTED').at(-1);
    if (latest) newest.push(latest);
  }
  return newest;
}

/**
 * Every file on record a page of this purpose lists besides those it decides on, so a reviewer
 * sees what came before: each signed copy the NGO sent, each round's mid-term report, the
 * evidence, and for the evaluator the signed contract as well.
 */
export const FILES_ON_RECORD_KINDS = {
  COUNTERSIGN: ['SIGNED_CONTRACT'],
  MIDTERM_REVIEW: ['MIDTERM_REPORT', 'EVIDENCE'],
  LATE_REPORT: ['MIDTERM_REPORT', 'EVIDENCE'],
  EVALUATION: ['FINAL_REPORT', 'MIDTERM_REPORT', 'EVIDENCE', 'SIGNED_CONTRACT', 'EVALUATION_REPORT'],
} as const satisfies Partial<Record<TaskPurpose, readonly UploadKind[]>>;

export type FilesOnRecordPurpose = keyof typeof FILES_ON_RECORD_KINDS;

export function listsFilesOnRecord(purpose: TaskPurpose): purpose is FilesOnRecordPurpose {
  return Object.hasOwn(FILES_ON_RECORD_KINDS, purpose);
}

/**
 * The accepted uploads a page of this purpose lists, in the purpose's order of kinds and, within
 * a kind, oldest first (the order they arrived in); refused uploads are never offered to read.
 */
export function filesOnRecord(
  purpose: FilesOnRecordPurpose,
  uploads: readonly DeliverableRecord[],
): DeliverableRecord[] {
  const kinds: readonly UploadKind[] = FILES_ON_RECORD_KINDS[purpose];
  return kinds.flatMap((kind) => uploads.filter((u) => u.kind === kind && u.status === 'ACCEPTED'));
}

/**
 * The uploads a task may be shown: an evaluation report only when its own agency uploaded it after
 * declaring independence (never another agency's, one that stepped aside); every other upload as it is.
 */
export function uploadsForTask(
  task: Pick<HumanTask, 'context' | 'declaredAt'>,
  uploads: readonly DeliverableRecord[],
): DeliverableRecord[] {
  const agencyId = task.context?.agencyId;
  const { declaredAt } = task;
  return uploads.filter(
    (u) =>
      u.kind !== 'EVALUATION_REPORT' ||
      (agencyId !== undefined &&
        declaredAt !== undefined &&
        u.uploadedBy === agencyUploader(String(agencyId)) &&
        u.uploadedAt >= declaredAt),
  );
}

/** True when the page showed exactly the uploads under review now (by upload id, in any order). */
export function showedCurrentUploads(
  current: readonly Pick<ReviewedUpload, 'uploadId'>[],
  shown: readonly string[],
): boolean {
  const shownIds = new Set(shown);
  return shownIds.size === current.length && current.every((u) => shownIds.has(u.uploadId));
}

/** The record of what a decision reviewed: kind, upload id and SHA-256 of each file. */
export function reviewedUploadsOf(uploads: readonly ReviewedUpload[]): ReviewedUpload[] {
  return uploads.map(({ kind, uploadId, sha256 }) => ({ kind, uploadId, sha256 }));
}
