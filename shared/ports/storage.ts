/**
 * The documents bucket as the use cases see it: the system's own documents, the NGO's
 * presigned POSTs, and the uploaded objects (adapters in adapters/s3-storage.ts).
 */

/** Writes a document of the system (never an upload) into the documents bucket. */
export interface DocumentStore {
  putDocument(key: string, body: string, contentType: string): Promise<{ sha256: string }>;
}

export interface PresignedPost {
  /** The bucket's POST endpoint. */
  url: string;
  /** Form fields to send before the file (policy, signature, key, Content-Type, ...). */
  fields: Record<string, string>;
}

/** S3 allows a POST policy of any length; we never hand out one longer than this. */
export const MAX_POLICY_SECONDS = 900;

export interface UploadSigner {
  /**
   * A POST policy for exactly `key`, exactly `contentType` and 1..maxBytes bytes, valid for
   * `expiresSeconds` (at most MAX_POLICY_SECONDS).
   */
  presignPost(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresSeconds: number;
  }): Promise<PresignedPost>;
  /** Origin of the POST endpoint (the page's CSP lets its script connect there). */
  storageOrigin(): Promise<string>;
}

export interface ObjectHead {
  /** At most the bytes asked for. */
  bytes: Uint8Array;
  /** The Content-Type the object was stored with (the uploader's claim). */
  contentType?: string;
}

/**
 * How a download is served: pinned to the version that was checked (a versioned bucket keeps every
 * version under one key), and always as an attachment with the recorded type and the file's own
 * name, so no stored file is ever rendered by the browser on the bucket's origin.
 */
export interface DownloadPin {
  /** Absent only for what was recorded before versions were (and the system's own documents). */
  versionId?: string;
  /** The name the browser saves the file under (Content-Disposition: attachment). */
  fileName: string;
  /** The type recorded for the file (servedContentType for uploads), never the uploader's claim. */
  contentType: string;
}

/** The uploaded objects; `versionId` (from the upload's event) pins each read to the version that was checked. */
export interface ObjectStore {
  readHead(key: string, bytes: number, versionId?: string): Promise<ObjectHead>;
  /** Hex SHA-256 of the whole object, streamed. */
  sha256(key: string, versionId?: string): Promise<string>;
  /** Tags the object as quarantined with the rule(s) that refused it; never deletes (records are kept). */
  quarantine(key: string, reason: string, versionId?: string): Promise<void>;
  presignGet(key: string, expiresSeconds: number, pin: DownloadPin): Promise<string>;
}
