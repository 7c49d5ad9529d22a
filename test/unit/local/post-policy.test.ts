// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${filename}` is S3's key placeholder, not a JS template
import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { afterAll, describe, expect, it } from 'vitest';
import { type PostPolicyVerdict, verifyPostPolicy } from '../../../infra/local/services/post-policy.js';

const credentials = { accessKeyId: 'LOCALACCESSKEY', secretAccessKey: 'local-secret-access-key' };
const region = 'us-east-1';
const bucket = 'deliverables';
const prefix = 'uploads/P-1/MIDTERM_REPORT/';
const maxBytes = 1000;

const client = new S3Client({
  region,
  credentials,
  endpoint: 'http://storage.invalid:4569',
  forcePathStyle: true,
});
afterAll(() => client.destroy());

type Conditions = NonNullable<PresignedPostOptions['Conditions']>;
const productConditions: Conditions = [
  ['starts-with', '$key', prefix],
  ['content-length-range', 1, maxBytes],
  ['starts-with', '$Content-Type', 'application/pdf'],
  { bucket },
];

/** A presigned POST as the product makes it: one file under the purchase's prefix, a PDF, 15 minutes. */
async function presign(options: Partial<PresignedPostOptions> = {}) {
  const post = await createPresignedPost(client, {
    Bucket: bucket,
    Key: `${prefix}report.pdf`,
    Conditions: productConditions,
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: 900,
    ...options,
  });
  return { url: post.url, fields: post.fields };
}

function verify(
  fields: Record<string, string>,
  extra: { fileSize?: number; now?: Date; fileName?: string } = {},
) {
  return verifyPostPolicy({
    fields,
    fileSize: extra.fileSize ?? 500,
    ...(extra.fileName ? { fileName: extra.fileName } : {}),
    bucket,
    now: extra.now ?? new Date(),
    credentials,
    region,
  });
}

/** Re-signs a changed policy with the same credentials, as a client holding the secret could. */
function resign(fields: Record<string, string>, policy: object | string): Record<string, string> {
  const encoded = Buffer.from(typeof policy === 'string' ? policy : JSON.stringify(policy)).toString(
    'base64',
  );
  const date = String(fields['X-Amz-Credential']).split('/')[1] ?? '';
  const h = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
  const key = h(h(h(h(`AWS4${credentials.secretAccessKey}`, date), region), 's3'), 'aws4_request');
  return { ...fields, Policy: encoded, 'X-Amz-Signature': h(key, encoded).toString('hex') };
}

function decodedPolicy(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(String(fields.Policy), 'base64').toString('utf8'));
}

function expectRefused(verdict: PostPolicyVerdict, status: number, code: string, message?: string) {
  expect(verdict).toMatchObject({ ok: false, status, code });
  if (message !== undefined) expect(verdict.ok ? '' : verdict.message).toBe(message);
}

describe('verifyPostPolicy', () => {
  it('accepts a POST made by the real createPresignedPost and returns the key and content type', async () => {
    const { url, fields } = await presign();
    expect(url).toBe(`http://storage.invalid:4569/${bucket}`);
    expect(verify(fields)).toEqual({ ok: true, key: `${prefix}report.pdf`, contentType: 'application/pdf' });
  });

  it('accepts a file of exactly the minimum and exactly the maximum size', async () => {
    const { fields } = await presign();
    expect(verify(fields, { fileSize: 1 }).ok).toBe(true);
    expect(verify(fields, { fileSize: maxBytes }).ok).toBe(true);
  });

  it('refuses a file larger than the content-length-range with 400 EntityTooLarge', async () => {
    const { fields } = await presign();
    expectRefused(
      verify(fields, { fileSize: maxBytes + 1 }),
      400,
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size',
    );
  });

  it('refuses an empty file with 400 EntityTooSmall', async () => {
    const { fields } = await presign();
    expectRefused(verify(fields, { fileSize: 0 }), 400, 'EntityTooSmall');
  });

  it('refuses a policy past its expiration with 403 "Policy expired."', async () => {
    const { fields } = await presign();
    const { expiration } = decodedPolicy(fields);
    expect(new Date(expiration).getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    expectRefused(
      verify(fields, { now: new Date(new Date(expiration).getTime() + 1000) }),
      403,
      'AccessDenied',
      'Invalid according to Policy: Policy expired.',
    );
  });

  it('refuses a content type outside the allowed prefix, naming the failed condition', async () => {
    const { fields } = await presign();
    expectRefused(
      verify({ ...fields, 'Content-Type': 'text/html' }),
      403,
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "application/pdf"]',
    );
  });

  it('refuses a wrong content type under a starts-with condition alone', async () => {
    const { fields } = await presign({ Fields: {} });
    const verdict = verify({ ...fields, 'Content-Type': 'image/png' });
    expectRefused(
      verdict,
      403,
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "application/pdf"]',
    );
    expect(verify({ ...fields, 'Content-Type': 'application/pdf' }).ok).toBe(true);
  });

  it('refuses a list of content types unless each one matches the starts-with prefix', async () => {
    const { fields } = await presign({ Fields: {} });
    expectRefused(verify({ ...fields, 'Content-Type': 'application/pdf, text/html' }), 403, 'AccessDenied');
  });

  it('refuses a key outside the purchase prefix even when the policy is re-signed with the same key', async () => {
    const { fields } = await presign({ Key: `${prefix}\${filename}` });
    const moved = verify({ ...fields, key: 'uploads/P-2/MIDTERM_REPORT/report.pdf' });
    expectRefused(
      moved,
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "${prefix}"]`,
    );
  });

  it('substitutes ${filename} in the key before checking the prefix', async () => {
    const { fields } = await presign({ Key: `${prefix}\${filename}` });
    expect(verify(fields, { fileName: 'midterm.pdf' })).toMatchObject({
      ok: true,
      key: `${prefix}midterm.pdf`,
    });
    // S3 keys are literal strings: `..` stays inside the prefix, as on AWS.
    expect(verify(fields, { fileName: '../x.pdf' })).toMatchObject({ ok: true, key: `${prefix}../x.pdf` });
  });

  it('refuses an exact key condition for any other key', async () => {
    const { fields } = await presign({ Conditions: [] });
    expectRefused(
      verify({ ...fields, key: `${prefix}other.pdf` }),
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "${prefix}report.pdf"]`,
    );
  });

  it('refuses a POST to another bucket than the policy names', async () => {
    const { fields } = await presign();
    const verdict = verifyPostPolicy({
      fields,
      fileSize: 10,
      bucket: 'other-bucket',
      now: new Date(),
      credentials,
      region,
    });
    expectRefused(
      verdict,
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${bucket}"]`,
    );
  });

  it('refuses a field no condition covers, like S3, but exempts x-ignore- fields', async () => {
    const { fields } = await presign();
    expectRefused(
      verify({ ...fields, 'x-amz-meta-owner': 'someone' }),
      403,
      'AccessDenied',
      'Invalid according to Policy: Extra input fields: x-amz-meta-owner',
    );
    expectRefused(verify({ ...fields, acl: 'public-read' }), 403, 'AccessDenied');
    expect(verify({ ...fields, 'x-ignore-note': 'anything' }).ok).toBe(true);
  });

  it('refuses a tampered policy (wider size range) because the signature no longer matches', async () => {
    const { fields } = await presign();
    const policy = decodedPolicy(fields);
    const wider = policy.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10 ** 9] : c,
    );
    const tampered = {
      ...fields,
      Policy: Buffer.from(JSON.stringify({ ...policy, conditions: wider })).toString('base64'),
    };
    expectRefused(verify(tampered, { fileSize: 5000 }), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a tampered signature', async () => {
    const { fields } = await presign();
    const signature = String(fields['X-Amz-Signature']);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expectRefused(verify({ ...fields, 'X-Amz-Signature': flipped }), 403, 'SignatureDoesNotMatch');
    expectRefused(verify({ ...fields, 'X-Amz-Signature': 'abc' }), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a policy signed with another secret key', async () => {
    const other = new S3Client({
      region,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: 'someone-elses-secret' },
      endpoint: 'http://storage.invalid:4569',
      forcePathStyle: true,
    });
    const post = await createPresignedPost(other, {
      Bucket: bucket,
      Key: `${prefix}a.pdf`,
      Conditions: productConditions,
    });
    other.destroy();
    expectRefused(verify(post.fields), 403, 'SignatureDoesNotMatch');
  });

  it('refuses an unknown access key with 403 InvalidAccessKeyId', async () => {
    const { fields } = await presign();
    const credential = String(fields['X-Amz-Credential']).replace('LOCALACCESSKEY', 'AKIAOTHERKEY');
    expectRefused(verify({ ...fields, 'X-Amz-Credential': credential }), 403, 'InvalidAccessKeyId');
  });

  it('refuses a credential scoped to another region or service, or malformed', async () => {
    const { fields } = await presign();
    const credential = String(fields['X-Amz-Credential']);
    expectRefused(
      verify({ ...fields, 'X-Amz-Credential': credential.replace(region, 'eu-west-1') }),
      400,
      'AuthorizationQueryParametersError',
    );
    expectRefused(
      verify({ ...fields, 'X-Amz-Credential': credential.replace('/s3/', '/sqs/') }),
      400,
      'AuthorizationQueryParametersError',
    );
    expectRefused(
      verify({ ...fields, 'X-Amz-Credential': 'LOCALACCESSKEY' }),
      400,
      'AuthorizationQueryParametersError',
    );
  });

  it('refuses another signing algorithm and missing signature fields', async () => {
    const { fields } = await presign();
    expectRefused(verify({ ...fields, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }), 400, 'InvalidArgument');
    const { 'X-Amz-Signature': _signature, ...unsigned } = fields;
    expectRefused(verify(unsigned), 400, 'InvalidArgument');
    const { key: _key, ...keyless } = fields;
    expectRefused(verify(keyless), 400, 'InvalidArgument');
  });

  it('refuses an unsigned POST (no policy): the buckets are private', async () => {
    expectRefused(verify({ key: `${prefix}a.pdf` }), 403, 'AccessDenied', 'Access Denied');
  });

  it('refuses a correctly signed policy that is not valid JSON or lacks an expiration', async () => {
    const { fields } = await presign();
    expectRefused(
      verify(resign(fields, '{not json')),
      400,
      'InvalidPolicyDocument',
      'Invalid Policy: Invalid JSON.',
    );
    expectRefused(
      verify(resign(fields, { conditions: [] })),
      400,
      'InvalidPolicyDocument',
      'Invalid Policy: Policy missing expiration.',
    );
    expectRefused(
      verify(resign(fields, { expiration: 'soon', conditions: [] })),
      400,
      'InvalidPolicyDocument',
    );
    expectRefused(
      verify(
        resign(fields, {
          expiration: new Date(Date.now() + 60_000).toISOString(),
          conditions: [['between', '$key', 'a']],
        }),
      ),
      400,
      'InvalidPolicyDocument',
    );
  });

  it('checks an eq condition and an empty starts-with prefix (any value) on re-signed policies', async () => {
    const { fields } = await presign();
    const policy = decodedPolicy(fields);
    const withMeta = {
      ...policy,
      conditions: [
        ...policy.conditions,
        ['eq', '$x-amz-meta-kind', 'MIDTERM_REPORT'],
        ['starts-with', '$success_action_status', ''],
      ],
    };
    const signed = resign(fields, withMeta);
    expect(verify({ ...signed, 'x-amz-meta-kind': 'MIDTERM_REPORT', success_action_status: '201' }).ok).toBe(
      true,
    );
    expectRefused(
      verify({ ...signed, 'x-amz-meta-kind': 'CONTRACT', success_action_status: '201' }),
      403,
      'AccessDenied',
      'Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-kind", "MIDTERM_REPORT"]',
    );
  });

  it('matches field names case-insensitively, as S3 does', async () => {
    const { fields } = await presign();
    const lowered = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verify(lowered)).toMatchObject({ ok: true, contentType: 'application/pdf' });
  });
});
