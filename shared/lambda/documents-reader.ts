import type { ObjectStore } from '../ports/storage.js';
import { ENV } from './environment.js';
import { onFirstUse } from './on-first-use.js';

/**
 * Reads the documents bucket, with S3 loaded only when a file is first read or linked (a review
 * page), when the function was given the bucket (`readDocuments`); otherwise undefined.
 */
export function documentsReaderIfGranted(): ObjectStore | undefined {
  const bucket = process.env[ENV.documentsBucket];
  if (!bucket) return undefined;
  return onFirstUse(async () => {
    const [{ S3Client }, { createObjectReader }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../adapters/s3-storage.js'),
    ]);
    return createObjectReader({ client: new S3Client({}), bucket });
  }, ['readHead', 'sha256', 'quarantine', 'presignGet']);
}
