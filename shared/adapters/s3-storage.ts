import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DocumentStore, ObjectHead, ObjectStore, UploadSigner } from '../ports/storage.js';
import { MAX_POLICY_SECONDS } from '../ports/storage.js';

/** S3 adapters of the storage ports (the documents bucket). */

export interface BucketAdapterOptions {
  client: S3Client;
  bucket: string;
}

export class PolicyExpiryError extends Error {
  override name = 'PolicyExpiryError';
}

/** Presigned POSTs for one exact key, one exact Content-Type and 1..maxBytes bytes. */
export function createUploadSigner({ client, bucket }: BucketAdapterOptions): UploadSigner {
  let origin: Promise<string> | undefined;
  return {
    async presignPost({ key, contentType, maxBytes, expiresSeconds }) {
      if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_POLICY_SECONDS)
        throw new PolicyExpiryError(`a POST policy lives 1-${MAX_POLICY_SECONDS} s, not ${expiresSeconds}`);
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        // With Key set the policy pins it exactly ({"key": key}); the eq condition says so explicitly.
        Key: key,
        Conditions: [
          ['content-length-range', 1, maxBytes],
          { 'Content-Type': contentType },
          ['eq', '$key', key],
          { bucket },
        ],
        Fields: { 'Content-Type': contentType },
        Expires: expiresSeconds,
      });
      return { url, fields };
    },
    storageOrigin() {
      // The POST endpoint depends only on the client's configuration: sign a throwaway policy once to learn it.
      origin ??= createPresignedPost(client, { Bucket: bucket, Key: 'origin-probe', Expires: 60 }).then(
        ({ url }) => new URL(url).origin,
      );
      return origin;
    },
  };
}

type ByteStream = AsyncIterable<Uint8Array | string>;

function isByteStream(body: unknown): body is ByteStream {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

async function objectBody(
  client: S3Client,
  bucket: string,
  key: string,
  versionId: string | undefined,
  range?: string,
) {
  const out = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, Range: range }),
  );
  if (!isByteStream(out.Body)) throw new Error(`GetObject ${key} returned no readable body`);
  return { body: out.Body, contentType: out.ContentType };
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** `attachment` with the name as ASCII (unsafe characters replaced) and in full as RFC 5987 UTF-8. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const utf8 = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/** Reads, hashes, tags and shares objects of the documents bucket; never deletes one. */
export function createObjectReader({ client, bucket }: BucketAdapterOptions): ObjectStore {
  return {
    async readHead(key, bytes, versionId): Promise<ObjectHead> {
      const { body, contentType } = await objectBody(client, bucket, key, versionId, `bytes=0-${bytes - 1}`);
      const chunks: Uint8Array[] = [];
      let length = 0;
      // A server that ignores Range still gives us only what we asked for.
      for await (const chunk of body) {
        const data = toBytes(chunk);
        chunks.push(data.subarray(0, bytes - length));
        length += Math.min(data.length, bytes - length);
        if (length >= bytes) break;
      }
      return { bytes: Buffer.concat(chunks, length), ...(contentType ? { contentType } : {}) };
    },
    async sha256(key, versionId) {
      const { body } = await objectBody(client, bucket, key, versionId);
      const hash = createHash('sha256');
      for await (const chunk of body) hash.update(toBytes(chunk));
      return hash.digest('hex');
    },
    async quarantine(key, reason, versionId) {
      await client.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          VersionId: versionId,
          Tagging: {
            TagSet: [
              { Key: 'quarantine', Value: 'true' },
              // Tag values allow letters, digits, spaces and + - = . _ : / @ only; rule ids fit.
              {
                Key: 'quarantine-rule',
                Value: reason.replace(/[^\p{L}\p{N} +\-=._:/@]/gu, '_').slice(0, 256),
              },
            ],
          },
        }),
      );
    },
    presignGet(key, expiresSeconds, pin) {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        VersionId: pin.versionId,
        // A download, never rendered in the browser, with the type that was recorded.
        ResponseContentDisposition: attachment(pin.fileName),
        ResponseContentType: pin.contentType,
      });
      return getSignedUrl(client, command, { expiresIn: expiresSeconds });
    },
  };
}

/** Writes the system's own documents (the issued contract) into the bucket. */
export function createDocumentStore({ client, bucket }: BucketAdapterOptions): DocumentStore {
  return {
    async putDocument(key, body, contentType) {
      const bytes = Buffer.from(body, 'utf8');
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          // Object lock requires an integrity checksum on every write.
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      return { sha256: createHash('sha256').update(bytes).digest('hex') };
    },
  };
}
