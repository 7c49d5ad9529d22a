import { S3Client } from '@aws-sdk/client-s3';
import type { BucketAdapterOptions } from '../adapters/s3-storage.js';
import { ENV, requireEnv } from './environment.js';

let client: S3Client | undefined;

/** The documents bucket and one S3 client per execution environment. */
export function documentsBucket(): BucketAdapterOptions {
  client ??= new S3Client({});
  return { client, bucket: requireEnv(ENV.documentsBucket) };
}

/** The documents bucket when the function was given it (`readDocuments`), otherwise undefined. */
export function documentsBucketIfGranted(): BucketAdapterOptions | undefined {
  return process.env[ENV.documentsBucket] ? documentsBucket() : undefined;
}
