import { S3Client } from '@aws-sdk/client-s3';
import {
  type BucketAdapterOptions,
  createDocumentStore,
  createObjectReader,
  createUploadSigner,
} from '../adapters/s3-storage.js';
import type { DocumentStore, ObjectStore, UploadSigner } from '../ports/storage.js';

/**
 * The S3 adapters on one client per execution environment. Only `documents-bucket.ts` imports
 * this module, dynamically, so the client and the presigners are loaded by their first use.
 */
let client: S3Client | undefined;
function on(bucket: string): BucketAdapterOptions {
  client ??= new S3Client({});
  return { client, bucket };
}

export const objectReader = (bucket: string): ObjectStore => createObjectReader(on(bucket));
export const uploadSigner = (bucket: string): UploadSigner => createUploadSigner(on(bucket));
export const documentStore = (bucket: string): DocumentStore => createDocumentStore(on(bucket));
