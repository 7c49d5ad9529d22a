import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { signNgoLink } from '../../../shared/links/ngo-link.js';
import { httpEvent, lambdaContext, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { RecordingUploadSigner, testLinkKey } from '../../support/handler-harness.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET', 'LIFECYCLE_SETTINGS');
const { createHandler } = await import('../../../functions/ngo-upload-grant/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
/** Where the bucket's POST endpoint is (the S3 adapter's test checks its own). */
const BUCKET_ORIGIN = 'https://documents-unit.s3.cn-north-1.amazonaws.com.cn';
const link = new URL(
  signNgoLink('https://x.example', PURCHASE_ID, '2026-04-01T08:00:00.000Z', TEST_LINK_KEY),
);
const query = { exp: link.searchParams.get('exp') ?? '', sig: link.searchParams.get('sig') ?? '' };
const LIMITS = { grantsPerKindPerDay: 2, objectsPerKindPerDay: 2 };

let fakes: Fakes;
let signer: RecordingUploadSigner;
let handler: ReturnType<typeof createHandler>;

beforeEach(() => {
  // 16:00 in Xiamen: eight hours before the day's allowance renews.
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  signer = new RecordingUploadSigner(BUCKET_ORIGIN);
  // No deliverables yet, no upload wait armed.
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'CONTRACTING',
      approvalLevels: ['SECTION_CHIEF'],
    }),
  );
  handler = createHandler({
    purchases: fakes.purchases,
    waits: fakes.waits,
    uploadCounts: fakes.uploadCounts,
    signer,
    linkKey: testLinkKey,
    settings: { ...TEST_LIFECYCLE, uploads: { ...TEST_LIFECYCLE.uploads, limits: LIMITS } },
    now: fakes.clock.now,
  });
});

const invoke = async (method: string, body?: unknown) =>
  structured(
    await handler(
      httpEvent({
        method,
        path: `/ngo/${PURCHASE_ID}/uploads`,
        route: '/ngo/{purchaseId}/uploads',
        pathParameters: { purchaseId: PURCHASE_ID },
        query,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      lambdaContext('ngo-upload-grant'),
    ),
  );

describe('POST /ngo/{purchaseId}/uploads', () => {
  it('returns a presigned POST for the signed contract under the purchase and kind', async () => {
    const result = await invoke('POST', {
      kind: 'SIGNED_CONTRACT',
      fileName: 'signed contract.pdf',
      contentType: 'application/pdf',
      size: 52_000,
    });

    expect(result.statusCode).toBe(200);
    expect(result.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const reply = JSON.parse(result.body) as { url: string; key: string; fields: Record<string, string> };
    expect(reply.url).toBe(`${BUCKET_ORIGIN}/`);
    expect(reply.key).toMatch(
      new RegExp(`^uploads/${PURCHASE_ID}/SIGNED_CONTRACT/[A-Za-z0-9_-]{22}/signed_contract\\.pdf$`),
    );
    // The policy is signed for exactly that key, that type and 1..maxBytes bytes (the signer's
    // own test checks the policy it signs for these).
    expect(signer.calls).toEqual([
      {
        key: reply.key,
        contentType: 'application/pdf',
        maxBytes: 26_214_400,
        expiresSeconds: TEST_LIFECYCLE.uploads.policyExpirySeconds,
      },
    ]);
    expect(reply.fields).toMatchObject({ key: reply.key, 'Content-Type': 'application/pdf' });
  });

  it('answers JSON 400 to a body that is not JSON', async () => {
    const result = await invoke('POST', undefined);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toHaveProperty('message');
    expect(signer.calls).toEqual([]);
  });

  it("refuses the grant past the day's limit with 429, the reason in both languages and when to ask again", async () => {
    const request = {
      kind: 'SIGNED_CONTRACT',
      fileName: 'signed.pdf',
      contentType: 'application/pdf',
      size: 52_000,
    };
    expect((await invoke('POST', request)).statusCode).toBe(200);
    expect((await invoke('POST', request)).statusCode).toBe(200);

    const refused = await invoke('POST', request);

    expect(refused.statusCode).toBe(429);
    // The day ends at midnight in Xiamen, eight hours after 16:00.
    expect(refused.headers['Retry-After']).toBe(String(8 * 3600));
    const body = JSON.parse(refused.body) as {
      notice: { zh: string; en: string };
      errors: { field: string; rule: string }[];
    };
    expect(body.notice.zh).toBe(
      '今天已为“已签署合同”申请 2 次上传，已达每日上限；请于北京时间零点后再试，或联系经办人。',
    );
    expect(body.notice.en).toContain('requested 2 times today, the daily limit');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'kind', rule: 'daily-grant-limit' })]);
    expect(signer.calls).toHaveLength(2);
  });

  it('counts only grants handed out: a refused request uses up nothing of the day', async () => {
    const tooLarge = {
      kind: 'SIGNED_CONTRACT',
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 1e9,
    };
    for (let i = 0; i < 3; i++) expect((await invoke('POST', tooLarge)).statusCode).toBe(400);

    const fine = await invoke('POST', { ...tooLarge, size: 1000 });

    expect(fine.statusCode).toBe(200);
    expect(await fakes.uploadCounts.uploadCounts(PURCHASE_ID, '2026-03-02')).toEqual([
      { kind: 'SIGNED_CONTRACT', measure: 'GRANT', count: 1 },
    ]);
  });

  it('answers 405 to anything but a POST', async () => {
    expect((await invoke('GET')).statusCode).toBe(405);
  });
});
