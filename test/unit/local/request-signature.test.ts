import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type SignedRequest,
  verifyRequestSignature,
} from '../../../infra/local/services/request-signature.js';

const credentials = { accessKeyId: 'LOCALACCESSKEY', secretAccessKey: 'local-secret-access-key' };
const account = { credentials, region: 'us-east-1' };
const host = 'storage.invalid:4569';
const versionId = 'Ljrb6GJt7Xh2T1Zs3YUjhnXzNnC9WNdM';

const client = new S3Client({
  region: account.region,
  credentials,
  endpoint: `http://${host}`,
  forcePathStyle: true,
});
afterAll(() => client.destroy());

const versionRead = () =>
  new GetObjectCommand({
    Bucket: 'documents',
    Key: 'uploads/P-1/SIGNED_CONTRACT/合同 (v2).pdf',
    VersionId: versionId,
    ResponseContentDisposition: 'attachment; filename="a.pdf"',
    ResponseContentType: 'application/pdf',
  });

/** A presigned GET as a browser sends it: the URL's path and query, and the Host it names. */
async function presignedRead(expiresIn = 300): Promise<SignedRequest> {
  const url = new URL(await getSignedUrl(client, versionRead(), { expiresIn }));
  return { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } };
}

/** GetObject signed in the Authorization header, as the SDK sends it (caught before it leaves). */
async function headerSignedRead(): Promise<SignedRequest> {
  let sent: SignedRequest | undefined;
  const capturing = new S3Client({
    region: account.region,
    credentials,
    endpoint: `http://${host}`,
    forcePathStyle: true,
    requestHandler: {
      handle: async (request: {
        method: string;
        path: string;
        query: Record<string, string>;
        headers: Record<string, string>;
      }) => {
        const query = Object.entries(request.query)
          .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
          .join('&');
        sent = {
          method: request.method,
          url: `${request.path}?${query}`,
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
        };
        throw new Error('captured');
      },
    },
  });
  await capturing.send(versionRead()).catch(() => undefined);
  capturing.destroy();
  if (!sent) throw new Error('the SDK sent nothing');
  return sent;
}

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const withQuery = (request: SignedRequest, change: (query: URLSearchParams) => void): SignedRequest => {
  const url = new URL(request.url, 'http://local');
  change(url.searchParams);
  return { ...request, url: `${url.pathname}?${url.searchParams.toString().replaceAll('+', '%20')}` };
};

describe('SigV4 request signatures, checked as S3 checks them', () => {
  it('accepts a presigned version read made by the SDK presigner, non-ASCII key and response overrides included', async () => {
    expect(verifyRequestSignature(await presignedRead(), account, new Date())).toEqual({ ok: true });
  });

  it('accepts GetObject signed in the Authorization header by the SDK', async () => {
    const request = await headerSignedRead();
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=LOCALACCESSKEY\//);
    expect(verifyRequestSignature(request, account, new Date())).toEqual({ ok: true });
  });

  it('refuses a presigned URL whose version, response header or host was changed: SignatureDoesNotMatch', async () => {
    const request = await presignedRead();
    const changed = [
      withQuery(request, (q) => q.set('versionId', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
      withQuery(request, (q) => q.set('response-content-type', 'text/html')),
      { ...request, headers: { host: 'elsewhere.invalid' } },
    ];
    for (const forged of changed) {
      expect(verifyRequestSignature(forged, account, new Date())).toMatchObject({
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
      });
    }
  });

  it('refuses a presigned URL after its expiry, and one signed more than 15 minutes ahead', async () => {
    const request = await presignedRead(60);
    expect(verifyRequestSignature(request, account, new Date(Date.now() + 61_000))).toEqual({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
    expect(verifyRequestSignature(request, account, new Date(Date.now() - 16 * 60_000))).toMatchObject({
      code: 'AccessDenied',
      message: 'Request is not valid yet',
    });
  });

  it('refuses a header-signed request whose time is more than 15 minutes off: RequestTimeTooSkewed', async () => {
    const request = await headerSignedRead();
    expect(verifyRequestSignature(request, account, new Date(Date.now() + 16 * 60_000))).toMatchObject({
      status: 403,
      code: 'RequestTimeTooSkewed',
    });
  });

  it('refuses another access key, another region, Signature Version 2 and no signature at all', async () => {
    const request = await presignedRead();
    const other = { ...account, credentials: { ...credentials, accessKeyId: 'OTHERKEY' } };
    expect(verifyRequestSignature(request, other, new Date())).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
    expect(verifyRequestSignature(request, { ...account, region: 'eu-west-1' }, new Date())).toMatchObject({
      status: 400,
      code: 'AuthorizationQueryParametersError',
    });
    const v2 = {
      method: 'GET',
      url: '/documents/a.pdf?AWSAccessKeyId=LOCALACCESSKEY&Expires=1&Signature=x',
      headers: { host },
    };
    expect(verifyRequestSignature(v2, account, new Date())).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
    });
    const anonymous = { method: 'GET', url: '/documents/a.pdf', headers: { host } };
    expect(verifyRequestSignature(anonymous, account, new Date())).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
  });
});
