import type { DocumentStore, ObjectStore, UploadSigner } from '../ports/storage.js';
import { ENV, requireEnv } from './environment.js';
import { type AsyncPort, loadedOnFirstCall } from './loaded-on-first-call.js';

type BucketClient = typeof import('./documents-bucket-client.js');

/** A port on the documents bucket, its adapter and S3 client loaded by its first call. */
function onDocumentsBucket<T extends AsyncPort<T>>(make: (client: BucketClient, bucket: string) => T): T {
  const bucket = requireEnv(ENV.documentsBucket);
  return loadedOnFirstCall(async () => make(await import('./documents-bucket-client.js'), bucket));
}

/** Reads, hashes, quarantines and presigns reads of the documents bucket's objects. */
export function documentObjects(): ObjectStore {
  return onDocumentsBucket((client, bucket) => client.objectReader(bucket));
}

/** The documents bucket's objects when the function was given the bucket (`readDocuments`), otherwise undefined. */
export function documentObjectsIfGranted(): ObjectStore | undefined {
  return process.env[ENV.documentsBucket] ? documentObjects() : undefined;
}

/** Presigns NGOs' uploads into the documents bucket. */
export function uploadSigner(): UploadSigner {
  return onDocumentsBucket((client, bucket) => client.uploadSigner(bucket));
}

/** Stores the documents the system itself writes (the published contract). */
export function documentStore(): DocumentStore {
  return onDocumentsBucket((client, bucket) => client.documentStore(bucket));
}
