import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { missingMandatoryTerms } from '../../../shared/domain/contract.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON } from '../../support/settings.js';

const env = stubFunctionEnv();
const DOCUMENTS_BUCKET = 'documents-unit';
const PAYMENTS_TOPIC_ARN = 'arn:aws-cn:sns:cn-north-1:123456789012:payments';
vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
vi.stubEnv('DOCUMENTS_BUCKET', DOCUMENTS_BUCKET);
vi.stubEnv('PAYMENTS_TOPIC_ARN', PAYMENTS_TOPIC_ARN);

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);

const steps = {
  issueContract: (await import('../../../functions/issue-contract/handler.js')).handler,
  planContracting: (await import('../../../functions/plan-contracting/handler.js')).handler,
  awaitUpload: (await import('../../../functions/await-upload/handler.js')).handler,
  concludeContracting: (await import('../../../functions/conclude-contracting/handler.js')).handler,
  notifyPayment: (await import('../../../functions/notify-payment/handler.js')).handler,
  terminatePurchase: (await import('../../../functions/terminate-purchase/handler.js')).handler,
};

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-of-the-signed-contract-wait';
const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const ISSUED_AT = '2026-03-02T08:00:00.000Z';
// 17:00 UTC is 01:00 the next day in China: payment falls due 30 days after 2026-03-03.
const NOW = '2026-03-02T17:00:00.000Z';
const UPLOAD_ID = 'VXBsb2FkSWRPZk9uZUZpbGU';
const SECTION_CHIEF = 'section-chief@civil-affairs.example.gov.cn';
const CONTRACT = {
  key: `contracts/${PURCHASE_ID}/contract.html`,
  sha256: 'd'.repeat(64),
  issuedAt: ISSUED_AT,
};

// Workflow steps are invoked by Step Functions with a plain payload and no HTTP context.
const run = (step: keyof typeof steps, input: unknown) =>
  (steps[step] as (event: unknown, context: unknown) => Promise<unknown>)(input, lambdaContext(step));

function storePurchase(overrides: Record<string, unknown> = {}): void {
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
    Item: {
      ...keys.purchase(PURCHASE_ID),
      purchaseId: PURCHASE_ID,
      version: 7,
      stage: 'CONTRACTING',
      proposal: largeElderlyCareProposal(),
      createdBy: 'officer@civil-affairs.example.gov.cn',
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: ISSUED_AT,
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {},
      decisions: {},
      outcome: {
        result: 'APPROVED',
        reason: 'approved',
        by: 'director@x.example',
        at: '2026-03-02T07:00:00.000Z',
      },
      budget: { lineId: '2026-MZ-ELDER-01', amountFen: 48_000_000, status: 'RESERVED', at: ISSUED_AT },
      auditSeq: 7,
      auditHash: 'a'.repeat(64),
      ...overrides,
    },
  });
}

function storeSignedUpload(): void {
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':prefix': 'DELIVERABLE#' } }).resolves({
    Items: [
      {
        ...keys.deliverable(PURCHASE_ID, UPLOAD_ID),
        purchaseId: PURCHASE_ID,
        uploadId: UPLOAD_ID,
        kind: 'SIGNED_CONTRACT',
        key: `uploads/${PURCHASE_ID}/SIGNED_CONTRACT/${UPLOAD_ID}/signed.pdf`,
        fileName: 'signed.pdf',
        size: 2048,
        sha256: 'b'.repeat(64),
        detectedType: 'PDF',
        uploadedBy: 'ngo:52350203MJ0427315L',
        uploadedAt: '2026-03-03T02:00:00.000Z',
        eTag: 'etag-1',
        status: 'ACCEPTED',
        reasons: [],
      },
    ],
  });
}

/** The purchase item's update in the step's transactions: what it set on the purchase. */
function purchaseUpdates() {
  return ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => c.args[0].input.TransactItems ?? [])
    .map((item) => item.Update)
    .filter((update) => update?.Key?.PK === keys.purchase(PURCHASE_ID).PK && update.Key.SK === 'META');
}
const setValues = () => purchaseUpdates().flatMap((u) => Object.values(u?.ExpressionAttributeValues ?? {}));

const logged: string[] = [];

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(NOW) });
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  vi.useRealTimers();
  expect(logged.join('\n')).not.toContain(TOKEN);
});

beforeEach(() => {
  for (const mock of [ddb, s3, sns, sfn, ses, secrets]) mock.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'sns-message-1' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
});

describe('a contracting step given a malformed input', () => {
  const valid = { purchaseId: PURCHASE_ID, kind: 'SIGNED_CONTRACT', since: ISSUED_AT, attempt: 'FIRST' };
  const malformed: [keyof typeof steps, unknown][] = [
    ['issueContract', { purchaseId: 'not-a-purchase' }],
    ['planContracting', {}],
    ['concludeContracting', null],
    ['terminatePurchase', { purchaseId: PURCHASE_ID, cause: 42 }],
    ['awaitUpload', valid],
    ['awaitUpload', { ...valid, taskToken: TOKEN, kind: 'PHOTO' }],
    ['awaitUpload', { ...valid, taskToken: TOKEN, since: 'yesterday' }],
    ['awaitUpload', { ...valid, taskToken: TOKEN, attempt: 'LATER' }],
    ['notifyPayment', { purchaseId: PURCHASE_ID, milestone: 'SIGNED' }],
    ['notifyPayment', { purchaseId: PURCHASE_ID }],
  ];

  it.each(malformed)('%s throws ValidationError for %j and makes no AWS call', async (step, input) => {
    const error = await run(step, input).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).name).toBe('ValidationError');
    expect((error as ValidationError).errors.length).toBeGreaterThan(0);
    for (const mock of [ddb, s3, sns, sfn, ses, secrets]) expect(mock).not.toHaveReceivedAnyCommand();
  });
});

describe('contracting steps over the table', () => {
  it('issue-contract puts the contract with every mandatory term into DOCUMENTS_BUCKET under contracts/, SHA-256 checked', async () => {
    storePurchase();

    const result = await run('issueContract', { purchaseId: PURCHASE_ID });

    expect(result).toEqual({ key: CONTRACT.key });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: DOCUMENTS_BUCKET,
      Key: CONTRACT.key,
      ChecksumAlgorithm: 'SHA256',
      ContentType: expect.stringMatching(/^text\/html/),
    });
    const body = Buffer.from(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Uint8Array);
    expect(missingMandatoryTerms(body.toString('utf8'))).toEqual([]);
    // The purchase records the key and the hash of exactly those bytes.
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(setValues()).toContainEqual({ key: CONTRACT.key, sha256, issuedAt: NOW });
  });

  it('issue-contract of a purchase whose contract is recorded writes nothing', async () => {
    storePurchase({ contract: CONTRACT });

    await expect(run('issueContract', { purchaseId: PURCHASE_ID })).resolves.toEqual({ key: CONTRACT.key });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('plan-contracting waits for the signed copy while there is none, then names the upload to countersign', async () => {
    storePurchase({ contract: CONTRACT });
    await expect(run('planContracting', { purchaseId: PURCHASE_ID })).resolves.toEqual({
      next: 'AWAIT_SIGNED',
      round: 1,
      since: ISSUED_AT,
    });

    storeSignedUpload();
    await expect(run('planContracting', { purchaseId: PURCHASE_ID })).resolves.toEqual({
      next: 'COUNTERSIGN',
      round: 1,
      since: ISSUED_AT,
      uploadId: UPLOAD_ID,
    });
  });

  it('await-upload arms the wait with the token and mails the NGO its page link under PUBLIC_BASE_URL, never the token', async () => {
    storePurchase({ contract: CONTRACT });

    const result = await run('awaitUpload', {
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      since: ISSUED_AT,
      attempt: 'FIRST',
      taskToken: TOKEN,
    });

    expect(result).toEqual({ status: 'WAITING' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        ...keys.wait(PURCHASE_ID, 'SIGNED_CONTRACT'),
        taskToken: TOKEN,
        since: ISSUED_AT,
        status: 'WAITING',
      }),
    });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const mail = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(mail?.FromEmailAddress).toBe(env.MAIL_FROM);
    expect(mail?.Destination?.ToAddresses).toEqual([largeElderlyCareProposal().ngo.contactEmail]);
    expect(mail?.Content?.Simple?.Body?.Text?.Data).toContain(
      `${env.PUBLIC_BASE_URL}/ngo/${PURCHASE_ID}?exp=`,
    );
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: env.LINK_KEY_SECRET_ARN });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('await-upload resumes the step through SendTaskSuccess when the signed copy is already there', async () => {
    storePurchase({ contract: CONTRACT });
    storeSignedUpload();

    const result = await run('awaitUpload', {
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      since: ISSUED_AT,
      attempt: 'FIRST',
      taskToken: TOKEN,
    });

    expect(result).toEqual({ status: 'SATISFIED' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({ uploadId: UPLOAD_ID, kind: 'SIGNED_CONTRACT' }),
    });
    expect(ses).not.toHaveReceivedAnyCommand();
  });

  it('conclude-contracting moves a countersigned purchase to MIDTERM_REVIEW with the signed upload', async () => {
    storePurchase({
      contract: CONTRACT,
      decisions: {
        'COUNTERSIGN:1': {
          decision: 'COUNTERSIGN',
          by: SECTION_CHIEF,
          byName: 'Section Chief 科长',
          comment: 'checked',
          at: '2026-03-04T01:00:00.000Z',
          taskId: 'countersign-task-1',
        },
      },
    });
    storeSignedUpload();

    await expect(run('concludeContracting', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    const values = setValues();
    expect(values).toContain('MIDTERM_REVIEW');
    expect(values).toContainEqual({
      ...CONTRACT,
      signedUploadId: UPLOAD_ID,
      countersignedBy: SECTION_CHIEF,
      signedAt: '2026-03-04T01:00:00.000Z',
    });
    expect(values).toContainEqual({ round: 1, dueDate: '2026-06-30' });
  });

  it('conclude-contracting fails, writing nothing, while the signed copy is not countersigned', async () => {
    storePurchase({ contract: CONTRACT });
    storeSignedUpload();

    await expect(run('concludeContracting', { purchaseId: PURCHASE_ID })).rejects.toThrow(
      /not countersigned/,
    );
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('notify-payment publishes tranche 1 to PAYMENTS_TOPIC_ARN with the amount in fen as a message attribute', async () => {
    storePurchase({ stage: 'MIDTERM_REVIEW', contract: CONTRACT });

    const result = await run('notifyPayment', { purchaseId: PURCHASE_ID, milestone: 'CONTRACT_SIGNED' });

    expect(result).toEqual({ tranche: 1, status: 'NOTIFIED' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: PAYMENTS_TOPIC_ARN,
      MessageAttributes: expect.objectContaining({
        amountFen: { DataType: 'String', StringValue: '14400000' },
        tranche: { DataType: 'String', StringValue: '1' },
      }),
    });
    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(message).toContain(`${env.PUBLIC_BASE_URL}/tasks/`);
    expect(message).toContain('2026-04-02');
    // The payment step is written with its due date.
    const paymentPut = ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .find((item) => item.Put?.Item?.SK?.toString().startsWith('PAYMENT#'));
    expect(paymentPut?.Put?.Item).toMatchObject({
      tranche: 1,
      amountFen: 14_400_000,
      dueDate: '2026-04-02',
      status: 'NOTIFIED',
    });
  });

  it('terminate-purchase ends the purchase TERMINATED with the reason and releases the reservation', async () => {
    storePurchase({ contract: CONTRACT });
    ddb
      .on(GetCommand, { Key: keys.reservation('2026-MZ-ELDER-01', PURCHASE_ID) })
      .resolves({ Item: { amountFen: 48_000_000, status: 'RESERVED' } });

    await run('terminatePurchase', {
      purchaseId: PURCHASE_ID,
      error: 'States.Timeout',
      cause: 'the signed contract never came',
    });

    const reservationUpdate = ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .find((item) => item.Update?.Key?.SK === `RESERVATION#${PURCHASE_ID}`);
    expect(reservationUpdate?.Update?.ExpressionAttributeValues).toMatchObject({ ':released': 'RELEASED' });
    const values = setValues();
    expect(values).toContain('TERMINATED');
    expect(values).toContainEqual(
      expect.objectContaining({ reason: 'States.Timeout: the signed contract never came' }),
    );
  });
});
