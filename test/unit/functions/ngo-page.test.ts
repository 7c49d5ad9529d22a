import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { signNgoLink } from '../../../shared/links/ngo-link.js';
import { httpEvent, lambdaContext, structured, stubFunctionEnv } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON } from '../../support/settings.js';

stubFunctionEnv();
vi.stubEnv('DOCUMENTS_BUCKET', 'documents-unit');
vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUNITTEST');
vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-test-secret');
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const { handler } = await import('../../../functions/ngo-page/handler.js');

const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const link = new URL(
  signNgoLink('https://x.example', PURCHASE_ID, '2026-04-01T08:00:00.000Z', Buffer.from(LINK_SECRET)),
);
const query = { exp: link.searchParams.get('exp') ?? '', sig: link.searchParams.get('sig') ?? '' };

const purchaseItem = {
  ...keys.purchase(PURCHASE_ID),
  purchaseId: PURCHASE_ID,
  version: 5,
  stage: 'CONTRACTING',
  proposal: largeElderlyCareProposal(),
  createdBy: 'officer@civil-affairs.example.gov.cn',
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-02T07:00:00.000Z',
  approvalLevels: ['SECTION_CHIEF'],
  approvals: {},
  decisions: {},
  contract: {
    key: `contracts/${PURCHASE_ID}/contract.pdf`,
    sha256: 'c'.repeat(64),
    issuedAt: '2026-03-02T07:00:00.000Z',
  },
  auditSeq: 5,
  auditHash: 'c'.repeat(64),
};

const invoke = async (method: string, path: string, body?: unknown) =>
  structured(
    await handler(
      httpEvent({
        method,
        path,
        route: path.endsWith('/uploads') ? '/ngo/{purchaseId}/uploads' : '/ngo/{purchaseId}',
        pathParameters: { purchaseId: PURCHASE_ID },
        query,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      lambdaContext('ngo-page'),
    ),
  );

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T08:00:00.000Z') });
});
afterAll(() => {
  vi.useRealTimers();
});
beforeEach(() => {
  ddb.reset();
  s3.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
  // No deliverables yet, no upload wait armed.
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({ Item: purchaseItem });
});

describe('GET /ngo/{purchaseId}', () => {
  it('serves the page with a per-response script nonce in its CSP, the bucket as connect-src and the contract link', async () => {
    const first = await invoke('GET', `/ngo/${PURCHASE_ID}`);
    const second = await invoke('GET', `/ngo/${PURCHASE_ID}`);

    expect(first.statusCode).toBe(200);
    const csp = first.headers['Content-Security-Policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    expect(first.body).toContain(`<script nonce="${nonce}">`);
    expect(second.headers['Content-Security-Policy']).not.toContain(nonce);
    expect(csp).toContain("connect-src 'self' https://documents-unit.s3.cn-north-1.amazonaws.com.cn;");
    expect(first.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(first.headers['Cache-Control']).toBe('no-store');
    expect(first.body).toContain(`/contracts/${PURCHASE_ID}/contract.pdf?`);
    expect(first.body).toContain('<option value="SIGNED_CONTRACT">');
    expect(first.body).not.toContain('Policy');
  });
});

describe('POST /ngo/{purchaseId}/uploads', () => {
  it('returns a presigned POST for the signed contract under the purchase and kind', async () => {
    const result = await invoke('POST', `/ngo/${PURCHASE_ID}/uploads`, {
      kind: 'SIGNED_CONTRACT',
      fileName: 'signed contract.pdf',
      contentType: 'application/pdf',
      size: 52_000,
    });

    expect(result.statusCode).toBe(200);
    expect(result.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const reply = JSON.parse(result.body) as { url: string; key: string; fields: Record<string, string> };
    expect(reply.url).toBe('https://documents-unit.s3.cn-north-1.amazonaws.com.cn/');
    expect(reply.key).toMatch(
      new RegExp(`^uploads/${PURCHASE_ID}/SIGNED_CONTRACT/[A-Za-z0-9_-]{22}/signed_contract\\.pdf$`),
    );
    const policy = JSON.parse(Buffer.from(reply.fields.Policy ?? '', 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 26_214_400]);
    expect(policy.conditions).toContainEqual({ key: reply.key });
  });

  it('answers JSON 400 to a body that is not JSON', async () => {
    const result = await invoke('POST', `/ngo/${PURCHASE_ID}/uploads`, undefined);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toHaveProperty('message');
  });
});
