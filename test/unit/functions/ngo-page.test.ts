import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { signNgoLink } from '../../../shared/links/ngo-link.js';
import { CONTRACT_LINK_SECONDS } from '../../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { httpEvent, lambdaContext, structured, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { InMemoryObjectStore, RecordingUploadSigner, testLinkKey } from '../../support/handler-harness.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv('DOCUMENTS_BUCKET', 'LIFECYCLE_SETTINGS');
const { createHandler } = await import('../../../functions/ngo-page/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
/** Where the bucket's POST endpoint and presigned GETs are (the S3 adapter's test checks its own). */
const BUCKET_ORIGIN = 'https://documents-unit.s3.cn-north-1.amazonaws.com.cn';
const CONTRACT_KEY = `contracts/${PURCHASE_ID}/contract.pdf`;
const link = new URL(
  signNgoLink('https://x.example', PURCHASE_ID, '2026-04-01T08:00:00.000Z', TEST_LINK_KEY),
);
const query = { exp: link.searchParams.get('exp') ?? '', sig: link.searchParams.get('sig') ?? '' };

let fakes: Fakes;
let signer: RecordingUploadSigner;
let objects: InMemoryObjectStore;
let handler: ReturnType<typeof createHandler>;

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  signer = new RecordingUploadSigner(BUCKET_ORIGIN);
  objects = new InMemoryObjectStore(BUCKET_ORIGIN);
  // No deliverables yet, no upload wait armed.
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'CONTRACTING',
      approvalLevels: ['SECTION_CHIEF'],
      contract: { key: CONTRACT_KEY, sha256: 'c'.repeat(64), issuedAt: '2026-03-02T07:00:00.000Z' },
    }),
  );
  handler = createHandler({
    purchases: fakes.purchases,
    deliverables: fakes.deliverables,
    payments: fakes.payments,
    waits: fakes.waits,
    uploadCounts: fakes.uploadCounts,
    signer,
    objects,
    linkKey: testLinkKey,
    settings: TEST_LIFECYCLE,
    policy: TEST_POLICY,
    now: fakes.clock.now,
  });
});

const invoke = async (method: string, path: string) =>
  structured(
    await handler(
      httpEvent({
        method,
        path,
        route: '/ngo/{purchaseId}',
        pathParameters: { purchaseId: PURCHASE_ID },
        query,
      }),
      lambdaContext('ngo-page'),
    ),
  );

describe('GET /ngo/{purchaseId}', () => {
  it('serves the page with a per-response script nonce in its CSP, the bucket as connect-src and the contract link', async () => {
    const first = await invoke('GET', `/ngo/${PURCHASE_ID}`);
    const second = await invoke('GET', `/ngo/${PURCHASE_ID}`);

    expect(first.statusCode).toBe(200);
    const csp = first.headers['Content-Security-Policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    expect(first.body).toContain(`<script nonce="${nonce}">`);
    expect(second.headers['Content-Security-Policy']).not.toContain(nonce);
    expect(csp).toContain(`connect-src 'self' ${BUCKET_ORIGIN};`);
    expect(first.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(first.headers['Cache-Control']).toBe('no-store');
    expect(first.body).toContain(`${BUCKET_ORIGIN}/contracts/${PURCHASE_ID}/contract.pdf?`);
    // The contract downloads as an attachment, never rendered on the bucket's origin.
    expect(objects.presigned).toContainEqual({
      key: CONTRACT_KEY,
      expiresSeconds: CONTRACT_LINK_SECONDS,
      pin: { fileName: `contract-${PURCHASE_ID}.html`, contentType: 'text/html; charset=utf-8' },
    });
    expect(first.body).toContain('<option value="SIGNED_CONTRACT">');
    expect(first.body).not.toContain('Policy');
  });

  it("says above the form that a kind's uploads of the day are used up, in both languages", async () => {
    const day = '2026-03-02';
    for (let i = 0; i < TEST_LIFECYCLE.uploads.limits.grantsPerKindPerDay; i++) {
      await fakes.uploadCounts.countUpload({
        purchaseId: PURCHASE_ID,
        kind: 'SIGNED_CONTRACT',
        measure: 'GRANT',
        day,
        id: `grant-${i}`,
        limit: TEST_LIFECYCLE.uploads.limits.grantsPerKindPerDay,
      });
    }

    const page = await invoke('GET', `/ngo/${PURCHASE_ID}`);

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      `今天已为“已签署合同”申请 ${TEST_LIFECYCLE.uploads.limits.grantsPerKindPerDay} 次上传，已达每日上限`,
    );
    expect(page.body).toContain('the daily limit; try again after midnight China time (UTC+8)');
  });

  it('answers 405 to a POST: the upload grant is another function', async () => {
    const result = await invoke('POST', `/ngo/${PURCHASE_ID}`);
    expect(result.statusCode).toBe(405);
    expect(signer.calls).toEqual([]);
  });
});
