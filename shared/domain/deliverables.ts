import type { BilingualText } from './bilingual.js';
import type { UploadKind } from './uploads.js';

/** What the NGO delivered (each file as its bytes showed it) and the workflow steps waiting for a file. */

export interface UploadRefusalReason {
  rule: string;
  message: BilingualText;
}

/** One file the NGO posted to the bucket, as the ObjectCreated event and the bytes showed it. */
export interface DeliverableRecord {
  purchaseId: string;
  /** From the object key (`uploads/<purchaseId>/<kind>/<uploadId>/<file>`); unique per presigned POST. */
  uploadId: string;
  kind: UploadKind;
  key: string;
  /** The S3 version that was checked (from the upload's event): every read of the file is pinned to it. */
  versionId?: string;
  fileName: string;
  size: number;
  /** Hex SHA-256 of the whole object. */
  sha256: string;
  /** Format found in the bytes (`PDF`, `DOCX`, `EXECUTABLE`, ...), if recognised. */
  detectedType?: string;
  /** The Content-Type the upload declared. */
  declaredContentType?: string;
  /** Who uploaded: `ngo:<credit code>` for the NGO's link. */
  uploadedBy: string;
  uploadedAt: string;
  eTag: string;
  status: 'ACCEPTED' | 'REJECTED';
  /** Why a REJECTED upload was refused (shown on the NGO page); empty when accepted. */
  reasons: UploadRefusalReason[];
}

/** A workflow step waiting for an accepted upload of one kind. */
export interface UploadWait {
  purchaseId: string;
  kind: UploadKind;
  /** Server-side only, like every task token. */
  taskToken: string;
  /** Only uploads made at or after this instant satisfy the wait (a rectification round needs a new file). */
  since: string;
  status: 'WAITING' | 'SATISFIED';
  /** The upload that satisfied it. */
  uploadId?: string;
  updatedAt: string;
}
