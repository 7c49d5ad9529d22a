import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyPostPolicy } from '../../../infra/local/services/post-policy.js';
import {
  createObjectReader,
  createUploadSigner,
  PolicyExpiryError,
} from '../../../shared/adapters/s3-storage.js';

const client = new S3Client({
  region: 'cn-north-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' },
});
const s3 = mockClient(client);
const BUCKET = 'documents-bucket';
const KEY = 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/signed.pdf';

function body(...chunks: Uint8Array[]): GetObjectCommandOutput['Body'] {
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T08:00:00.000Z') });
});
afterAll(() => {
  vi.useRealTimers();
});
beforeEach(() => {
  s3.reset();
});

describe('createUploadSigner', () => {
  const signer = createUploadSigner({ client, bucket: BUCKET });

  it('signs a policy with exactly the size range, the content type, the key and the bucket, expiring as asked', async () => {
    const { url, fields } = await signer.presignPost({
      key: KEY,
      contentType: 'application/pdf',
      maxBytes: 26_214_400,
      expiresSeconds: 900,
    });
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };

    expect(url).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn/`);
    expect(policy.expiration).toBe('2026-03-02T08:15:00Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 26_214_400],
        { 'Content-Type': 'application/pdf' },
        ['eq', '$key', KEY],
        { key: KEY },
        { bucket: BUCKET },
      ]),
    );
    expect(policy.conditions).not.toContainEqual(expect.arrayContaining(['starts-with']));
    expect(fields).toMatchObject({ key: KEY, 'Content-Type': 'application/pdf', bucket: BUCKET });
    expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('passes the POST-policy check for its own key, type and size, and fails it for anything else', async () => {
    const { fields } = await signer.presignPost({
      key: KEY,
      contentType: 'application/pdf',
      maxBytes: 1000,
      expiresSeconds: 900,
    });
    const check = (overrides: { fields?: Record<string, string>; fileSize?: number; now?: Date } = {}) =>
      verifyPostPolicy({
        fields: { ...fields, ...overrides.fields },
        fileSize: overrides.fileSize ?? 500,
        bucket: BUCKET,
        now: overrides.now ?? new Date('2026-03-02T08:05:00.000Z'),
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' },
        region: 'cn-north-1',
      });

    expect(check()).toMatchObject({ ok: true, key: KEY, contentType: 'application/pdf' });
    expect(check({ fields: { key: `${KEY}.exe` } })).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check({ fields: { 'Content-Type': 'application/x-msdownload' } })).toMatchObject({ ok: false });
    expect(check({ fileSize: 1001 })).toMatchObject({ ok: false, code: 'EntityTooLarge' });
    expect(check({ fileSize: 0 })).toMatchObject({ ok: false, code: 'EntityTooSmall' });
    expect(check({ now: new Date('2026-03-02T08:15:01.000Z') })).toMatchObject({ ok: false });
  });

  it('refuses to sign a policy that lives longer than 15 minutes', async () => {
    await expect(
      signer.presignPost({ key: KEY, contentType: 'application/pdf', maxBytes: 10, expiresSeconds: 901 }),
    ).rejects.toThrow(PolicyExpiryError);
  });

  it('names the origin of the POST endpoint for the page CSP', async () => {
    expect(await signer.storageOrigin()).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn`);
  });
});

describe('createObjectReader', () => {
  const reader = createObjectReader({ client, bucket: BUCKET });

  it('reads the first bytes with a Range request and keeps no more than asked for', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: body(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])),
      ContentType: 'application/pdf',
    });

    const head = await reader.readHead(KEY, 4);

    expect([...head.bytes]).toEqual([1, 2, 3, 4]);
    expect(head.contentType).toBe('application/pdf');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: KEY, Range: 'bytes=0-3' });
  });

  it('hashes the whole object chunk by chunk', async () => {
    const parts = [Buffer.from('%PDF-1.7\n'), Buffer.from('x'.repeat(100_000)), Buffer.from('%%EOF')];
    s3.on(GetObjectCommand).resolves({ Body: body(...parts) });

    const digest = await reader.sha256(KEY);

    expect(digest).toBe(createHash('sha256').update(Buffer.concat(parts)).digest('hex'));
  });

  it('quarantines by tagging the object and never deletes it', async () => {
    s3.on(PutObjectTaggingCommand).resolves({});

    await reader.quarantine(KEY, 'file-type-not-allowed content-type-mismatch');

    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
      Bucket: BUCKET,
      Key: KEY,
      Tagging: {
        TagSet: [
          { Key: 'quarantine', Value: 'true' },
          { Key: 'quarantine-rule', Value: 'file-type-not-allowed content-type-mismatch' },
        ],
      },
    });
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it('presigns a GET of the contract that expires after the given seconds, always as an attachment', async () => {
    const url = new URL(
      await reader.presignGet('contracts/PUR-1/contract.html', 900, {
        fileName: 'contract-PUR-1.html',
        contentType: 'text/html; charset=utf-8',
      }),
    );

    expect(url.pathname).toBe('/contracts/PUR-1/contract.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="contract-PUR-1.html"; filename*=UTF-8''contract-PUR-1.html`,
    );
    expect(url.searchParams.get('response-content-type')).toBe('text/html; charset=utf-8');
    expect(url.searchParams.has('versionId')).toBe(false);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('presigns a download pinned to a version, as an attachment named in ASCII and UTF-8, with the recorded type', async () => {
    const key = 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/upload-1/合同 (签字).pdf';

    const url = new URL(
      await reader.presignGet(key, 300, {
        versionId: 'L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT',
        fileName: '合同 (签字).pdf',
        contentType: 'application/pdf',
      }),
    );

    expect(url.searchParams.get('versionId')).toBe('L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT');
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="__ (__).pdf"; filename*=UTF-8''%E5%90%88%E5%90%8C%20%28%E7%AD%BE%E5%AD%97%29.pdf`,
    );
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the head, the hash and the tag of the version it is given', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: body(Buffer.from('%PDF-1.7')),
      ContentType: 'application/pdf',
    }));
    const versionId = 'L4kqtJlcpXroDTDmpUMLUo3Q2zXRiXLT';

    await reader.readHead(KEY, 4, versionId);
    await reader.sha256(KEY, versionId);
    await reader.quarantine(KEY, 'file-type-not-allowed', versionId);

    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
    for (const call of s3.commandCalls(GetObjectCommand))
      expect(call.args[0].input).toMatchObject({ Key: KEY, VersionId: versionId });
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, { Key: KEY, VersionId: versionId });
  });

  it('presigns a GET of an upload with a Chinese file name on the bucket, the key intact once decoded', async () => {
    const key = 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/upload-round-2/合同.pdf';

    const url = new URL(
      await reader.presignGet(key, 600, { fileName: '合同.pdf', contentType: 'application/pdf' }),
    );

    expect(url.origin).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn`);
    expect(decodeURIComponent(url.pathname)).toBe(`/${key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // Presigning is local: nothing is sent to the bucket.
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
