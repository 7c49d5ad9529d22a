import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON } from '../../support/settings.js';

stubFunctionEnv();
vi.stubEnv('DOCUMENTS_BUCKET', 'documents-unit');
vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const { handler } = await import('../../../functions/record-upload/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token-of-the-execution';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const KEY = `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/合同 签字版.pdf`;
const SANE_KEY = `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/合同_签字版.pdf`;

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
  auditSeq: 5,
  auditHash: 'c'.repeat(64),
};

function eventBridgeEvent(key: string) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-03-02T09:00:00Z',
    region: 'cn-north-1',
    resources: ['arn:aws-cn:s3:::documents-unit'],
    detail: {
      version: '0',
      bucket: { name: 'documents-unit' },
      object: {
        key,
        size: PDF.length,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        sequencer: '00617F08299329D189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PostObject',
    },
  };
}

const logged: string[] = [];

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T09:00:05.000Z') });
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  vi.useRealTimers();
  // The task token never reaches a log line.
  expect(logged.join('\n')).not.toContain(TOKEN);
});
const UPLOAD_ID = 'VXBsb2FkSWRPZk9uZUZpbGU';
const waitItem = {
  ...keys.wait(PURCHASE_ID, 'SIGNED_CONTRACT'),
  purchaseId: PURCHASE_ID,
  kind: 'SIGNED_CONTRACT',
  taskToken: TOKEN,
  since: '2026-03-02T08:00:00.000Z',
  status: 'WAITING',
  updatedAt: '2026-03-02T08:00:00.000Z',
};
/** Deliverable items the handler put in its transactions, as the table would hold them. */
let written: Record<string, unknown>[];

beforeEach(() => {
  ddb.reset();
  s3.reset();
  sfn.reset();
  written = [];
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({ Item: purchaseItem });
  ddb.on(GetCommand, { Key: keys.wait(PURCHASE_ID, 'SIGNED_CONTRACT') }).resolves({ Item: waitItem });
  ddb
    .on(GetCommand, { Key: keys.deliverable(PURCHASE_ID, UPLOAD_ID) })
    .callsFake(() => ({ Item: written[0] }));
  ddb
    .on(TransactWriteCommand)
    .callsFake((input: { TransactItems: { Put?: { Item: Record<string, unknown> } }[] }) => {
      for (const item of input.TransactItems) {
        if (item.Put?.Item.entity === 'DELIVERABLE') written.push(item.Put.Item);
      }
      return {};
    });
  ddb.on(UpdateCommand).resolves({});
  s3.on(GetObjectCommand).callsFake(() => ({
    Body: Readable.from([PDF]) as unknown as GetObjectCommandOutput['Body'],
    ContentType: 'application/pdf',
  }));
  s3.on(PutObjectTaggingCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('record-upload', () => {
  it('takes an EventBridge Object Created event (key not encoded), records the PDF and resumes the waiting step', async () => {
    const results = await handler(eventBridgeEvent(SANE_KEY), lambdaContext('record-upload'));

    expect(results).toEqual([
      expect.objectContaining({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: true }),
    ]);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'documents-unit',
      Key: SANE_KEY,
      Range: 'bytes=0-65535',
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.wait(PURCHASE_ID, 'SIGNED_CONTRACT'),
      ExpressionAttributeValues: expect.objectContaining({ ':uploadId': UPLOAD_ID, ':token': TOKEN }),
    });
    expect(written).toEqual([
      expect.objectContaining({ status: 'ACCEPTED', detectedType: 'PDF', uploadId: UPLOAD_ID }),
    ]);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({
        uploadId: UPLOAD_ID,
        kind: 'SIGNED_CONTRACT',
        key: SANE_KEY,
        sha256: createHash('sha256').update(PDF).digest('hex'),
      }),
    });
    expect(s3).not.toHaveReceivedCommand(PutObjectTaggingCommand);
  });

  it('decodes the URL-encoded key of an S3 notification record, and quarantines a key outside the scheme', async () => {
    const encoded = encodeURIComponent(KEY).replace(/%2F/g, '/').replace(/%20/g, '+');
    const record = (key: string) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Post',
      eventTime: '2026-03-02T09:00:00.000Z',
      s3: { bucket: { name: 'documents-unit' }, object: { key, size: PDF.length, eTag: '"abc"' } },
    });

    const results = await handler(
      { Records: [record(encoded), record(encodeURIComponent(SANE_KEY).replace(/%2F/g, '/'))] },
      lambdaContext('record-upload'),
    );

    // The decoded name has a space, which uploadKey would never have produced.
    expect(results).toEqual([
      { outcome: 'QUARANTINED_OUTSIDE_SCHEME' },
      expect.objectContaining({ outcome: 'RECORDED', status: 'ACCEPTED' }),
    ]);
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, { Key: KEY });
    expect(written.map((item) => item.key)).toEqual([SANE_KEY]);
    expect(logged.some((l) => l.includes('"WARN"') && l.includes('outside the upload scheme'))).toBe(true);
  });

  it('refuses an event of another shape', async () => {
    await expect(handler({ source: 'aws.s3', detail: {} }, lambdaContext('record-upload'))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
  });
});
