import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { missingMandatoryTerms } from '../../../shared/domain/contract.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { verifyNgoLink } from '../../../shared/links/ngo-link.js';
import { stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import {
  contractingDepsOf,
  humanStepPortsOf,
  invokeStep,
  RecordingDocumentStore,
  RecordingPaymentPublisher,
  recordingCalls,
  TEST_BASE_URL,
} from '../../support/handler-harness.js';

// The modules wire their default handlers to AWS at import, from the function's environment.
stubFunctionEnv('LIFECYCLE_SETTINGS', 'DOCUMENTS_BUCKET', 'PAYMENTS_TOPIC_ARN');
const create = {
  issueContract: (await import('../../../functions/issue-contract/handler.js')).createHandler,
  planContracting: (await import('../../../functions/plan-contracting/handler.js')).createHandler,
  awaitUpload: (await import('../../../functions/await-upload/handler.js')).createHandler,
  concludeContracting: (await import('../../../functions/conclude-contracting/handler.js')).createHandler,
  notifyPayment: (await import('../../../functions/notify-payment/handler.js')).createHandler,
  terminatePurchase: (await import('../../../functions/terminate-purchase/handler.js')).createHandler,
};

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-of-the-signed-contract-wait';
const ISSUED_AT = '2026-03-02T08:00:00.000Z';
// 17:00 UTC is 01:00 the next day in China: payment falls due 30 days after 2026-03-03.
const NOW = '2026-03-02T17:00:00.000Z';
const UPLOAD_ID = 'VXBsb2FkSWRPZk9uZUZpbGU';
const SECTION_CHIEF = 'section-chief@civil-affairs.example.gov.cn';
const LINE_ID = '2026-MZ-ELDER-01';
const CONTRACT = {
  key: `contracts/${PURCHASE_ID}/contract.html`,
  sha256: 'd'.repeat(64),
  issuedAt: ISSUED_AT,
};

let fakes: Fakes;
let documents: RecordingDocumentStore;
let publisher: RecordingPaymentPublisher;
/** Every call any step made on a port. */
let calls: string[];
let steps: Record<keyof typeof create, unknown>;

// Workflow steps are invoked by Step Functions with a plain payload and no HTTP context.
const run = (step: keyof typeof create, input: unknown) => invokeStep(steps[step], input, step);

function storePurchase(overrides: Partial<PurchaseRecord> = {}): void {
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      version: 7,
      stage: 'CONTRACTING',
      updatedAt: ISSUED_AT,
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      outcome: {
        result: 'APPROVED',
        reason: 'approved',
        by: 'director@x.example',
        at: '2026-03-02T07:00:00.000Z',
      },
      budget: { lineId: LINE_ID, amountFen: 48_000_000, status: 'RESERVED', at: ISSUED_AT },
      ...overrides,
    }),
  );
}

async function storeSignedUpload(): Promise<void> {
  const upload: DeliverableRecord = {
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
  };
  await fakes.deliverables.recordDeliverable(upload, upload.uploadedAt);
}

/** What the steps set on the purchase and the audit entries they wrote after the seed. */
async function stored() {
  const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
  const audit = (await fakes.purchases.listAudit(PURCHASE_ID)).slice(1);
  return { purchase, audit };
}

/** Nothing changed in any repository since the seed. */
async function expectNoWrite(): Promise<void> {
  const { purchase, audit } = await stored();
  expect(audit).toEqual([]);
  expect(purchase?.version).toBe(7);
}

const logged: string[] = [];

beforeAll(() => {
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  expect(logged.join('\n')).not.toContain(TOKEN);
});

beforeEach(() => {
  fakes = createFakes(NOW);
  documents = new RecordingDocumentStore();
  publisher = new RecordingPaymentPublisher();
  calls = [];
  const contracting = contractingDepsOf(fakes);
  const deps = recordingCalls(
    {
      ...contracting,
      ...humanStepPortsOf(fakes),
      documents,
      publisher,
    },
    calls,
  ).deps;
  steps = {
    issueContract: create.issueContract(deps),
    planContracting: create.planContracting(deps),
    awaitUpload: create.awaitUpload(deps),
    concludeContracting: create.concludeContracting(deps),
    notifyPayment: create.notifyPayment(deps),
    terminatePurchase: create.terminatePurchase(deps),
  };
});

describe('a contracting step given a malformed input', () => {
  const valid = { purchaseId: PURCHASE_ID, kind: 'SIGNED_CONTRACT', since: ISSUED_AT, attempt: 'FIRST' };
  const malformed: [keyof typeof create, unknown][] = [
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
    expect(calls).toEqual([]);
  });
});

describe('contracting steps over the table', () => {
  it('issue-contract puts the contract with every mandatory term into DOCUMENTS_BUCKET under contracts/, SHA-256 checked', async () => {
    storePurchase();

    const result = await run('issueContract', { purchaseId: PURCHASE_ID });

    expect(result).toEqual({ key: CONTRACT.key });
    // The document store is the documents bucket (DOCUMENTS_BUCKET, with a SHA-256 checksum on the
    // put: lambda-wiring.test.ts and the S3 adapter's test).
    expect(documents.puts).toHaveLength(1);
    const [put] = documents.puts;
    expect(put).toMatchObject({ key: CONTRACT.key, contentType: expect.stringMatching(/^text\/html/) });
    expect(missingMandatoryTerms(put?.body ?? '')).toEqual([]);
    // The purchase records the key and the hash of exactly those bytes.
    const { purchase, audit } = await stored();
    expect(purchase?.contract).toEqual({ key: CONTRACT.key, sha256: put?.sha256, issuedAt: NOW });
    expect(audit.map((e) => e.action)).toEqual(['contract.issued']);
  });

  it('issue-contract of a purchase whose contract is recorded writes nothing', async () => {
    storePurchase({ contract: CONTRACT });

    await expect(run('issueContract', { purchaseId: PURCHASE_ID })).resolves.toEqual({ key: CONTRACT.key });
    expect(documents.puts).toEqual([]);
    await expectNoWrite();
  });

  it('plan-contracting waits for the signed copy while there is none, then names the upload to countersign', async () => {
    storePurchase({ contract: CONTRACT });
    await expect(run('planContracting', { purchaseId: PURCHASE_ID })).resolves.toMatchObject({
      next: 'AWAIT_SIGNED',
      round: 1,
      since: ISSUED_AT,
    });

    await storeSignedUpload();
    await expect(run('planContracting', { purchaseId: PURCHASE_ID })).resolves.toMatchObject({
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
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      taskToken: TOKEN,
      since: ISSUED_AT,
      status: 'WAITING',
    });
    expect(fakes.mailer.sent).toHaveLength(1);
    const mail = fakes.mailer.sent[0];
    expect(mail?.to).toBe(largeElderlyCareProposal().ngo.contactEmail);
    const link = mail?.text.match(/https?:\/\/\S+/)?.[0] ?? '';
    expect(link.startsWith(`${TEST_BASE_URL}/ngo/${PURCHASE_ID}?exp=`)).toBe(true);
    // Signed with the link key, for this purchase.
    const url = new URL(link);
    expect(
      verifyNgoLink(
        PURCHASE_ID,
        url.searchParams.get('exp') ?? '',
        url.searchParams.get('sig') ?? '',
        TEST_LINK_KEY,
        NOW,
      ),
    ).toBe('OK');
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('await-upload resumes the step through SendTaskSuccess when the signed copy is already there', async () => {
    storePurchase({ contract: CONTRACT });
    await storeSignedUpload();

    const result = await run('awaitUpload', {
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      since: ISSUED_AT,
      attempt: 'FIRST',
      taskToken: TOKEN,
    });

    expect(result).toEqual({ status: 'SATISFIED' });
    // The callbacks are Step Functions' SendTaskSuccess (the adapter's test checks the command).
    expect(fakes.callbacks.succeeded).toEqual([
      { taskToken: TOKEN, output: { uploadId: UPLOAD_ID, kind: 'SIGNED_CONTRACT' } },
    ]);
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      status: 'SATISFIED',
      uploadId: UPLOAD_ID,
    });
    expect(fakes.mailer.sent).toEqual([]);
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
    await storeSignedUpload();

    await expect(run('concludeContracting', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    const { purchase, audit } = await stored();
    expect(purchase?.stage).toBe('MIDTERM_REVIEW');
    expect(purchase?.contract).toEqual({
      ...CONTRACT,
      signedUploadId: UPLOAD_ID,
      countersignedBy: SECTION_CHIEF,
      signedAt: '2026-03-04T01:00:00.000Z',
    });
    expect(purchase?.midterm).toEqual({ round: 1, dueDate: '2026-06-30' });
    expect(audit.slice(-2)).toMatchObject([
      { action: 'contract.published', actor: SECTION_CHIEF },
      { action: 'ngo.told', detail: { notice: 'CONTRACT_IN_FORCE' } },
    ]);
    expect(fakes.mailer.sent.map((m) => m.subject)).toEqual([
      expect.stringContaining('The contract is in force'),
    ]);
  });

  it('conclude-contracting fails, writing nothing, while the signed copy is not countersigned', async () => {
    storePurchase({ contract: CONTRACT });
    await storeSignedUpload();
    const before = await stored();

    await expect(run('concludeContracting', { purchaseId: PURCHASE_ID })).rejects.toThrow(
      /not countersigned/,
    );
    expect(await stored()).toEqual(before);
  });

  it('notify-payment publishes tranche 1 to PAYMENTS_TOPIC_ARN with the amount in fen as a message attribute', async () => {
    storePurchase({ stage: 'MIDTERM_REVIEW', contract: CONTRACT });

    const result = await run('notifyPayment', { purchaseId: PURCHASE_ID, milestone: 'CONTRACT_SIGNED' });

    expect(result).toEqual({ tranche: 1, status: 'NOTIFIED' });
    // The publisher is the payments topic (PAYMENTS_TOPIC_ARN, attributes as String message
    // attributes: lambda-wiring.test.ts and the SNS adapter's test).
    expect(publisher.published).toHaveLength(1);
    const [notice] = publisher.published;
    expect(notice?.attributes).toMatchObject({ amountFen: '14400000', tranche: '1' });
    expect(notice?.message).toContain(`${TEST_BASE_URL}/tasks/`);
    expect(notice?.message).toContain('2026-04-02');
    // The payment step is written with its due date.
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([
      expect.objectContaining({
        tranche: 1,
        amountFen: 14_400_000,
        dueDate: '2026-04-02',
        status: 'NOTIFIED',
      }),
    ]);
  });

  it('terminate-purchase ends the purchase TERMINATED with the reason and releases the reservation', async () => {
    storePurchase({ contract: CONTRACT });
    await fakes.budgets.ensureBudgetLine({
      lineId: LINE_ID,
      year: 2026,
      description: 'elderly care',
      totalFen: 100_000_000,
    });
    await fakes.budgets.reserve({
      lineId: LINE_ID,
      purchaseId: PURCHASE_ID,
      amountFen: 48_000_000,
      now: NOW,
    });

    await run('terminatePurchase', {
      purchaseId: PURCHASE_ID,
      error: 'States.Timeout',
      cause: 'the signed contract never came',
    });

    expect(fakes.budgets.reservations.get(`${LINE_ID}\u0000${PURCHASE_ID}`)?.status).toBe('RELEASED');
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(100_000_000);
    const { purchase } = await stored();
    expect(purchase?.stage).toBe('TERMINATED');
    expect(purchase?.termination).toMatchObject({
      reason: 'States.Timeout: the signed contract never came',
    });
    expect(purchase?.budget?.status).toBe('RELEASED');
  });
});
