import type { DocumentStore, ObjectStore, UploadSigner } from '../ports/storage.js';
import { ENV, requireEnv } from './environment.js';
import { loadedOnFirstCall } from './loaded-on-first-call.js';

const client = () => import('./documents-bucket-client.js');

/** Reads, hashes, quarantines and presigns reads of the documents bucket's objects. */
export function documentObjects(): ObjectStore {
  const bucket = requireEnv(ENV.documentsBucket);
  return loadedOnFirstCall(async () => (await client()).objectReader(bucket));
}

/** The documents bucket's objects when the function was given the bucket (`readDocuments`), otherwise undefined. */
export function documentObjectsIfGranted(): ObjectStore | undefined {
  return process.env[ENV.documentsBucket] ? documentObjects() : undefined;
}

/** Presigns NGOs' uploads into the documents bucket. */
export function uploadSigner(): UploadSigner {
  const bucket = requireEnv(ENV.documentsBucket);
  return loadedOnFirstCall(async () => (await client()).uploadSigner(bucket));
}

/** Stores the documents the system itself writes (the published contract). */
export function documentStore(): DocumentStore {
  const bucket = requireEnv(ENV.documentsBucket);
  return loadedOnFirstCall(async () => (await client()).documentStore(bucket));
}
