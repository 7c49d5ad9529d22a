import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { DETECTION_BYTES } from '../../../shared/domain/file-types.js';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { AGENCY_REPLACED_RULE, agencyUploadId } from '../../../shared/domain/uploads.js';
import { signNgoLink } from '../../../shared/links/ngo-link.js';
import type { ObjectHead, ObjectStore, UploadSigner } from '../../../shared/ports/storage.js';
import { showNgoPage } from '../../../shared/usecases/ngo-uploads/ngo-page.js';
import type {
  NgoPageDeps,
  RecordUploadDeps,
  UploadGrantDeps,
} from '../../../shared/usecases/ngo-uploads/ngo-upload-deps.js';
import { presignUpload } from '../../../shared/usecases/ngo-uploads/presign-upload.js';
import {
  decodeS3EventKey,
  eventBridgeObjectKey,
  recordUpload,
} from '../../../shared/usecases/ngo-uploads/record-upload.js';
import {
  InMemoryDeliverableRepository,
  InMemoryPaymentRepository,
  InMemoryPurchaseRepository,
  InMemoryUploadCountRepository,
  InMemoryWaitRepository,
  purchaseRecord,
  RecordingCallbacks,
  TEST_LINK_KEY,
  TestClock,
} from '../../support/fakes/index.js';
import { compoundFile, docm, docx } from '../../support/file-fixtures.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

/** The test settings with macro documents allowed or not. */
function withMacros(allowMacroDocuments: boolean) {
  return { ...TEST_LIFECYCLE, uploads: { ...TEST_LIFECYCLE.uploads, allowMacroDocuments } };
}

/** The test settings with small daily limits. */
function withLimits(grantsPerKindPerDay: number, objectsPerKindPerDay: number) {
  return {
    ...TEST_LIFECYCLE,
    uploads: { ...TEST_LIFECYCLE.uploads, limits: { grantsPerKindPerDay, objectsPerKindPerDay } },
  };
}

class FakeObjects implements ObjectStore {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  readonly quarantined: { key: string; reason: string }[] = [];
  readonly reads: string[] = [];
  async readHead(key: string, bytes: number): Promise<ObjectHead> {
    this.reads.push(key);
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}`);
    return { bytes: object.bytes.subarray(0, bytes), contentType: object.contentType };
  }
  async sha256(key: string) {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no object ${key}`);
    const { createHash } = await import('node:crypto');
    return createHash('sha256').update(object.bytes).digest('hex');
  }
  async quarantine(key: string, reason: string) {
    this.quarantined.push({ key, reason });
  }
  async presignGet(key: string, seconds: number) {
    return `https://documents.s3.example/${key}?X-Amz-Expires=${seconds}&X-Amz-Signature=getsig`;
  }
}

class FakeSigner implements UploadSigner {
  readonly calls: Parameters<UploadSigner['presignPost']>[0][] = [];
  async presignPost(input: Parameters<UploadSigner['presignPost']>[0]) {
    this.calls.push(input);
    return {
      url: 'https://documents.s3.cn-north-1.amazonaws.com.cn',
      fields: {
        key: input.key,
        'Content-Type': input.contentType,
        Policy: 'cG9saWN5',
        'X-Amz-Signature': 'abc',
      },
    };
  }
  async storageOrigin() {
    return 'https://documents.s3.cn-north-1.amazonaws.com.cn';
  }
}

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const NOW = '2026-03-02T08:00:00.000Z';
const LINK_EXPIRES = '2026-04-01T08:00:00.000Z';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token-of-the-execution';
const PDF = new TextEncoder().encode('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n');
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00]);

function link(purchaseId = PURCHASE_ID, expires = LINK_EXPIRES) {
  const url = new URL(signNgoLink('https://purchases.example.gov.cn', purchaseId, expires, TEST_LINK_KEY));
  return { purchaseId, exp: url.searchParams.get('exp') ?? '', sig: url.searchParams.get('sig') ?? '' };
}

let purchases: InMemoryPurchaseRepository;
let deliverables: InMemoryDeliverableRepository;
let payments: InMemoryPaymentRepository;
let uploadCounts: InMemoryUploadCountRepository;
let waits: InMemoryWaitRepository;
let objects: FakeObjects;
let signer: FakeSigner;
let callbacks: RecordingCallbacks;
let clock: TestClock;
/** What the deliverables repository holds, oldest first. */
const stored = () => [...deliverables.records.values()];
let logged: { message: string; detail?: Record<string, unknown> }[];

/** The page's deps and the upload grant's: one NGO link serves both routes. */
function pageDeps(): NgoPageDeps & UploadGrantDeps {
  return {
    purchases,
    deliverables,
    payments,
    uploadCounts,
    waits,
    signer,
    objects,
    linkKey: async () => TEST_LINK_KEY,
    settings: TEST_LIFECYCLE,
    policy: TEST_POLICY,
    now: clock.now,
    newUploadId: () => 'VXBsb2FkSWRPZk9uZUZpbGU',
    newNonce: () => 'bm9uY2Utb2YtdGhpcy1wYWdl',
  };
}

function recordDeps(): RecordUploadDeps {
  return {
    bucket: 'documents',
    purchases,
    deliverables,
    uploadCounts,
    waits,
    callbacks,
    objects,
    settings: TEST_LIFECYCLE,
    now: clock.now,
    log: (message, detail) => logged.push({ message, detail }),
  };
}

function seedPurchase(stage: Stage, overrides: Partial<PurchaseRecord> = {}) {
  purchases.records.set(
    PURCHASE_ID,
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage, ...overrides }),
  );
  purchases.auditLog.set(PURCHASE_ID, []);
}

function put(key: string, bytes: Uint8Array, contentType: string) {
  objects.objects.set(key, { bytes, contentType });
  return {
    bucket: 'documents',
    key,
    size: bytes.length,
    eTag: '"etag-1"',
    eventTime: '2026-03-02T09:00:00Z',
  };
}

beforeEach(() => {
  purchases = new InMemoryPurchaseRepository();
  deliverables = new InMemoryDeliverableRepository(purchases);
  payments = new InMemoryPaymentRepository(purchases);
  uploadCounts = new InMemoryUploadCountRepository();
  waits = new InMemoryWaitRepository(deliverables);
  objects = new FakeObjects();
  signer = new FakeSigner();
  callbacks = new RecordingCallbacks();
  clock = new TestClock(NOW);
  logged = [];
});

describe('showNgoPage', () => {
  it("lists the NGO's purchases under the same contact, each with a working link of the same expiry, and no other contact's", async () => {
    seedPurchase('MIDTERM_REVIEW');
    const proposal = largeElderlyCareProposal();
    const sibling = 'PUR-2026-SIBLINGAAAAAAAAA';
    const otherContact = 'PUR-2026-OTHERCONTACTAAAA';
    purchases.records.set(
      sibling,
      purchaseRecord(sibling, { ...proposal, title: '社区助餐服务' }, { stage: 'CONTRACTING' }),
    );
    purchases.records.set(
      otherContact,
      purchaseRecord(
        otherContact,
        {
          ...proposal,
          title: '另一联系人的项目',
          ngo: { ...proposal.ngo, contactEmail: 'someone-else@ngo.example.org' },
        },
        { stage: 'APPROVAL' },
      ),
    );

    const page = await showNgoPage(pageDeps(), link());

    expect(page.html).toContain('社区助餐服务');
    expect(page.html).not.toContain('另一联系人的项目');
    const href =
      page.html.match(new RegExp(`href="(${sibling}\\?[^"]+)"`))?.[1]?.replaceAll('&amp;', '&') ?? '';
    const url = new URL(href, `https://purchases.example.gov.cn/ngo/${PURCHASE_ID}`);
    expect(url.pathname).toBe(`/ngo/${sibling}`);
    expect(url.searchParams.get('exp')).toBe(link().exp);
    const opened = await showNgoPage(pageDeps(), {
      purchaseId: sibling,
      exp: url.searchParams.get('exp') ?? '',
      sig: url.searchParams.get('sig') ?? '',
    });
    expect(opened.statusCode).toBe(200);
    expect(opened.html).toContain('社区助餐服务');
  });

  it('answers 403 for a forged link, without reading the purchase', async () => {
    seedPurchase('CONTRACTING');
    const page = await showNgoPage(pageDeps(), { ...link(), sig: link('PUR-2026-OTHER').sig });
    expect(page.statusCode).toBe(403);
    expect(page.html).not.toContain(PURCHASE_ID);
  });

  it('answers 410 for an expired link and 404 for an unknown purchase', async () => {
    seedPurchase('CONTRACTING');
    clock.set(LINK_EXPIRES);
    const expired = await showNgoPage(pageDeps(), link());
    expect(expired.statusCode).toBe(410);
    // It offers a fresh link through the same signed link, and shows nothing of the purchase.
    const { exp, sig } = link();
    expect(expired.html).toContain(
      `<form method="post" action="${PURCHASE_ID}/fresh-link?exp=${exp}&amp;sig=${sig}">`,
    );
    expect(expired.html).not.toContain(largeElderlyCareProposal().title);
    clock.set(NOW);
    expect((await showNgoPage(pageDeps(), link('PUR-2026-UNKNOWN'))).statusCode).toBe(404);
  });

  it('while contracting offers only the signed contract, with the contract download and its due date', async () => {
    seedPurchase('CONTRACTING', {
      contract: {
        key: 'contracts/PUR-2026-ABCDEFGHJKMNPQRS/contract.pdf',
        sha256: 'a'.repeat(64),
        issuedAt: NOW,
      },
    });
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });

    const page = await showNgoPage(pageDeps(), link());

    expect(page.statusCode).toBe(200);
    expect(page.html).toContain('<option value="SIGNED_CONTRACT">');
    expect(page.html).not.toContain('<option value="MIDTERM_REPORT">');
    expect(page.html).toContain('contracts/PUR-2026-ABCDEFGHJKMNPQRS/contract.pdf?X-Amz-Expires=900');
    // signTimeoutSeconds is 7 days: due 2026-03-09 in China.
    expect(page.html).toContain('2026-03-09');
    expect(page.html).toContain('2026-12-15');
    expect(page.html).not.toContain(TOKEN);
  });

  it('counts the signed contract due date in working days when the settings do, as its request mail does', async () => {
    seedPurchase('CONTRACTING');
    // Asked on the Friday before the Spring Festival of 2026 (holidays 15-23 February; Saturday
    // 14 February and 28 February are make-up working days): 3 working days end on 25 February.
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: '2026-02-13T02:00:00.000Z',
      now: '2026-02-13T02:00:00.000Z',
    });
    const inWorkingDays = {
      ...TEST_LIFECYCLE,
      contract: { ...TEST_LIFECYCLE.contract, signTimeoutWorkingDays: 3 },
    };

    const page = await showNgoPage({ ...pageDeps(), settings: inWorkingDays }, link());

    expect(page.statusCode).toBe(200);
    expect(page.html).toContain('2026-02-25');
  });

  it('lists received files with the bilingual reasons of a rejected one', async () => {
    seedPurchase('MIDTERM_REVIEW');
    await recordUpload(
      recordDeps(),
      put(
        'uploads/PUR-2026-ABCDEFGHJKMNPQRS/EVIDENCE/UmVqZWN0ZWRVcGxvYWQ/report.pdf',
        EXE,
        'application/pdf',
      ),
    );

    const page = await showNgoPage(pageDeps(), link());

    expect(page.html).toContain('report.pdf');
    expect(page.html).toContain('未接收 Rejected');
    expect(page.html).toContain('Windows 可执行程序');
    expect(page.html).toContain('Windows executable program');
    expect(page.html).toContain('<option value="MIDTERM_REPORT">');
  });

  it('shows a closed purchase without a form', async () => {
    seedPurchase('TERMINATED');
    const page = await showNgoPage(pageDeps(), link());
    expect(page.statusCode).toBe(200);
    expect(page.html).not.toContain('<form');
    expect(page.html).not.toContain('<script');
    expect(page.html).toContain('不再接收上传');
  });
});

describe('presignUpload', () => {
  const body = {
    kind: 'SIGNED_CONTRACT',
    fileName: '合同 签字版.pdf',
    contentType: 'application/pdf',
    size: 123_456,
  };

  it('gives the signer exactly the key, type, limit and expiry, and returns the POST with its key', async () => {
    seedPurchase('CONTRACTING');

    const reply = await presignUpload(pageDeps(), { ...link(), body });

    expect(reply.statusCode).toBe(200);
    expect(signer.calls).toEqual([
      {
        key: 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/合同_签字版.pdf',
        contentType: 'application/pdf',
        maxBytes: TEST_LIFECYCLE.uploads.maxBytes,
        expiresSeconds: 900,
      },
    ]);
    expect(reply.body).toMatchObject({
      url: 'https://documents.s3.cn-north-1.amazonaws.com.cn',
      key: signer.calls[0]?.key,
      expiresAt: '2026-03-02T08:15:00.000Z',
      maxBytes: TEST_LIFECYCLE.uploads.maxBytes,
    });
  });

  it('never hands out a policy that outlives the link', async () => {
    seedPurchase('CONTRACTING');
    clock.set('2026-04-01T07:58:00.000Z');
    await presignUpload(pageDeps(), { ...link(), body });
    expect(signer.calls[0]?.expiresSeconds).toBe(120);
  });

  it('refuses a kind that is not open now, a type not allowed, a size out of range and a long name, field by field', async () => {
    seedPurchase('CONTRACTING');

    const closedKind = await presignUpload(pageDeps(), {
      ...link(),
      body: { ...body, kind: 'FINAL_REPORT' },
    });
    const badFields = await presignUpload(pageDeps(), {
      ...link(),
      body: { kind: 'SIGNED_CONTRACT', fileName: 'x'.repeat(201), contentType: 'application/zip', size: 0 },
    });
    const tooLarge = await presignUpload(pageDeps(), {
      ...link(),
      body: { ...body, size: TEST_LIFECYCLE.uploads.maxBytes + 1 },
    });

    expect(closedKind.statusCode).toBe(400);
    expect(closedKind.body.errors).toEqual([
      expect.objectContaining({ field: 'kind', rule: 'upload-kind-not-open', allowed: 'SIGNED_CONTRACT' }),
    ]);
    expect(badFields.statusCode).toBe(400);
    const fields = (badFields.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['contentType', 'fileName', 'size']);
    expect(tooLarge.body.errors).toEqual([
      expect.objectContaining({ field: 'size', rule: 'upload-too-large' }),
    ]);
    expect(signer.calls).toEqual([]);
  });

  it('refuses a file name whose extension does not fit the declared type, before anything is uploaded', async () => {
    seedPurchase('CONTRACTING');

    const reply = await presignUpload(pageDeps(), { ...link(), body: { ...body, fileName: 'report.docx' } });

    expect(reply.statusCode).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        field: 'fileName',
        value: 'report.docx',
        rule: 'extension-mismatch',
        allowed: '.pdf',
      }),
    ]);
    expect((reply.body.errors as { message: string }[])[0]?.message).toContain(
      "The file name's extension .docx does not fit the type PDF document, which is .pdf.",
    );
    expect(signer.calls).toEqual([]);
  });

  it('presigns a macro-enabled type only when the settings allow macro documents', async () => {
    seedPurchase('CONTRACTING');
    const docm = {
      ...body,
      fileName: 'signed.docm',
      contentType: 'application/vnd.ms-word.document.macroEnabled.12',
    };
    const allowing = { ...pageDeps(), settings: withMacros(true) };

    const refused = await presignUpload(pageDeps(), { ...link(), body: docm });
    const allowed = await presignUpload(allowing, { ...link(), body: docm });

    expect(refused.statusCode).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'contentType', rule: 'macros-not-allowed' }),
    ]);
    expect(allowed.statusCode).toBe(200);
    expect(signer.calls.map((c) => c.contentType)).toEqual([
      'application/vnd.ms-word.document.macroEnabled.12',
    ]);
  });

  it("refuses a grant past the day's limit of its kind with 429 and the reason, other kinds and the next China day unaffected", async () => {
    seedPurchase('MIDTERM_REVIEW');
    let n = 0;
    const limited = {
      ...pageDeps(),
      settings: withLimits(2, 2),
      newUploadId: () => `grant-number-${++n}`,
    };
    const report = { ...body, kind: 'MIDTERM_REPORT', fileName: 'report.pdf' };
    const ask = (kind = 'MIDTERM_REPORT') => presignUpload(limited, { ...link(), body: { ...report, kind } });

    const statuses = [(await ask()).statusCode, (await ask()).statusCode];
    const refused = await ask();
    const otherKind = await ask('EVIDENCE');
    // 23:59 in Xiamen is still the same day; midnight is the next.
    clock.set('2026-03-02T15:59:59.000Z');
    const sameDay = await ask();
    clock.set('2026-03-02T16:00:00.000Z');
    const nextDay = await ask();

    expect(statuses).toEqual([200, 200]);
    expect(refused).toMatchObject({
      statusCode: 429,
      body: {
        notice: {
          zh: '今天已为“中期报告”申请 2 次上传，已达每日上限；请于北京时间零点后再试，或联系经办人。',
          en: 'Uploads of “Mid-term report” were requested 2 times today, the daily limit; try again after midnight China time (UTC+8), or contact the officer in charge.',
        },
        errors: [
          expect.objectContaining({ field: 'kind', rule: 'daily-grant-limit', value: 'MIDTERM_REPORT' }),
        ],
      },
      retryAfterSeconds: 8 * 3600,
    });
    expect(otherKind.statusCode).toBe(200);
    expect(sameDay).toMatchObject({ statusCode: 429, retryAfterSeconds: 1 });
    expect(nextDay.statusCode).toBe(200);
    expect(signer.calls.map((c) => c.key.split('/')[2])).toEqual([
      'MIDTERM_REPORT',
      'MIDTERM_REPORT',
      'EVIDENCE',
      'MIDTERM_REPORT',
    ]);
  });

  it('never grants the NGO an evaluation report: only the assigned agency’s task link may', async () => {
    seedPurchase('EVALUATION', { evaluation: { agencyId: 'jiahe-eval', excludedAgencies: [] } });

    const reply = await presignUpload(pageDeps(), {
      ...link(),
      body: { ...body, kind: 'EVALUATION_REPORT' },
    });

    expect(reply.statusCode).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ field: 'kind', rule: 'upload-kind-not-open' }),
    ]);
    expect(signer.calls).toEqual([]);
  });

  it('answers 403 / 410 JSON for a bad or expired link, and 409 once the purchase has ended', async () => {
    seedPurchase('CONTRACTING');
    const forged = await presignUpload(pageDeps(), { ...link(), exp: '1900000000', body });
    clock.set(LINK_EXPIRES);
    const expired = await presignUpload(pageDeps(), { ...link(), body });
    clock.set(NOW);
    seedPurchase('CLOSED');
    const ended = await presignUpload(pageDeps(), { ...link(), body });

    expect([forged.statusCode, expired.statusCode, ended.statusCode]).toEqual([403, 410, 409]);
    expect(signer.calls).toEqual([]);
  });
});

describe('recordUpload', () => {
  const contractKey = 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/VXBsb2FkSWRPZk9uZUZpbGU/signed.pdf';

  it('records an accepted PDF and resumes the waiting step exactly once when the event comes twice', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    const event = put(contractKey, PDF, 'application/pdf');

    const first = await recordUpload(recordDeps(), event);
    // Step Functions refuses a task token once its task has its result.
    callbacks.closed.add(TOKEN);
    const second = await recordUpload(recordDeps(), event);

    expect(first).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: true });
    expect(second).toMatchObject({ outcome: 'ALREADY_RECORDED', status: 'ACCEPTED', resumed: false });
    expect(stored()).toHaveLength(1);
    expect(stored()[0]).toMatchObject({
      uploadId: 'VXBsb2FkSWRPZk9uZUZpbGU',
      kind: 'SIGNED_CONTRACT',
      fileName: 'signed.pdf',
      detectedType: 'PDF',
      declaredContentType: 'application/pdf',
      uploadedBy: 'ngo:52350203MJ0427315L',
      uploadedAt: '2026-03-02T09:00:00.000Z',
      eTag: 'etag-1',
      status: 'ACCEPTED',
      reasons: [],
    });
    expect(callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: {
          uploadId: 'VXBsb2FkSWRPZk9uZUZpbGU',
          kind: 'SIGNED_CONTRACT',
          key: contractKey,
          sha256: stored()[0]?.sha256,
        },
      },
    ]);
    expect(stored()[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(objects.reads).toEqual([contractKey]);
    expect(objects.quarantined).toEqual([]);
    expect(purchases.auditLog.get(PURCHASE_ID)?.map((e) => e.action)).toEqual(['deliverable.accepted']);
  });

  it('records an evaluation report as the assigned agency’s, resuming nothing, and refuses one that is not a PDF', async () => {
    seedPurchase('EVALUATION', { evaluation: { agencyId: 'jiahe-eval', excludedAgencies: [] } });
    const reportKey = `uploads/${PURCHASE_ID}/EVALUATION_REPORT/UmVwb3J0T2ZUaGVBZ2VuY3k/report.pdf`;
    const wordKey = `uploads/${PURCHASE_ID}/EVALUATION_REPORT/V29yZFJlcG9ydE9mQWdlbmN5/report.docx`;

    const pdf = await recordUpload(recordDeps(), put(reportKey, PDF, 'application/pdf'));
    const word = await recordUpload(
      recordDeps(),
      put(wordKey, docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    );

    expect(pdf).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: false });
    expect(stored()[0]).toMatchObject({ kind: 'EVALUATION_REPORT', uploadedBy: 'agency:jiahe-eval' });
    expect(word).toMatchObject({ status: 'REJECTED', quarantined: true });
    expect(stored()[1]?.reasons.map((r) => r.rule)).toEqual(['pdf-required']);
    expect(stored()[1]?.reasons[0]?.message.en).toBe(
      'an evaluation report must be a PDF; by its content this file is a Word document.',
    );
    expect(callbacks.succeeded).toEqual([]);
  });

  it('refuses a report granted to an agency that stepped aside since, as that agency’s, and takes the assigned one’s', async () => {
    // jiahe-eval declared a conflict after its grant; mingjian-eval evaluates now.
    seedPurchase('EVALUATION', {
      evaluation: { agencyId: 'mingjian-eval', excludedAgencies: ['jiahe-eval'] },
    });
    const random = 'UmVwb3J0T2ZUaGVBZ2VuY3';
    const reportOf = (agencyId: string) =>
      `uploads/${PURCHASE_ID}/EVALUATION_REPORT/${agencyUploadId(agencyId, random)}/report.pdf`;

    const stale = await recordUpload(recordDeps(), put(reportOf('jiahe-eval'), PDF, 'application/pdf'));
    const current = await recordUpload(recordDeps(), put(reportOf('mingjian-eval'), PDF, 'application/pdf'));

    expect(stale).toMatchObject({ outcome: 'RECORDED', status: 'REJECTED', quarantined: true });
    expect(stored()[0]).toMatchObject({ uploadedBy: 'agency:jiahe-eval' });
    expect(stored()[0]?.reasons.map((r) => r.rule)).toEqual([AGENCY_REPLACED_RULE]);
    expect(stored()[0]?.reasons[0]?.message.zh).toContain('已不再负责本项目评估的机构');
    expect(current).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED' });
    expect(stored()[1]).toMatchObject({ uploadedBy: 'agency:mingjian-eval', reasons: [] });
  });

  it('rejects and quarantines an .exe renamed .pdf, once, and never resumes the workflow', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    const event = put(contractKey, EXE, 'application/pdf');

    const first = await recordUpload(recordDeps(), event);
    await recordUpload(recordDeps(), event);

    expect(first).toMatchObject({
      outcome: 'RECORDED',
      status: 'REJECTED',
      quarantined: true,
      resumed: false,
    });
    expect(stored()[0]?.reasons.map((r) => r.rule)).toEqual([
      'file-type-not-allowed',
      'content-type-mismatch',
      'extension-mismatch',
    ]);
    expect(objects.quarantined).toEqual([
      { key: contractKey, reason: 'file-type-not-allowed content-type-mismatch extension-mismatch' },
    ]);
    expect(callbacks.succeeded).toEqual([]);
    expect((await waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT'))?.status).toBe('WAITING');
  });

  it('judges an Office 97-2003 file by its directory far past the first bytes, reading the file whole once more', async () => {
    seedPurchase('CONTRACTING');
    const key = contractKey.replace('signed.pdf', 'signed.doc');
    const doc = compoundFile({ names: ['WordDocument', '1Table'], directoryAt: 200 });
    expect(doc.length).toBeGreaterThan(DETECTION_BYTES);

    const result = await recordUpload(recordDeps(), put(key, doc, 'application/msword'));

    expect(result).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED' });
    expect(stored()[0]).toMatchObject({ detectedType: 'DOC', reasons: [] });
    expect(objects.reads).toEqual([key, key]);
  });

  it('refuses a macro-enabled document, and keeps it as what it is when the settings allow macros', async () => {
    seedPurchase('CONTRACTING');
    const macroType = 'application/vnd.ms-word.document.macroEnabled.12';
    const refusedKey = contractKey.replace('signed.pdf', 'signed.docm');
    const keptKey = refusedKey.replace('VXBsb2FkSWRPZk9uZUZpbGU', 'S2VwdE1hY3JvRG9jdW1lbnQ');

    await recordUpload(recordDeps(), put(refusedKey, docm({ deflated: true }), macroType));
    await recordUpload({ ...recordDeps(), settings: withMacros(true) }, put(keptKey, docm(), macroType));

    expect(stored().map((d) => [d.detectedType, d.status, d.reasons.map((r) => r.rule)])).toEqual([
      ['DOCM', 'REJECTED', ['macros-not-allowed']],
      ['DOCM', 'ACCEPTED', []],
    ]);
    expect(objects.quarantined).toEqual([{ key: refusedKey, reason: 'macros-not-allowed' }]);
  });

  it('does not let an upload made before a new round began satisfy that round', async () => {
    seedPurchase('MIDTERM_REVIEW');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'MIDTERM_REPORT',
      taskToken: TOKEN,
      since: '2026-03-02T10:00:00.000Z',
      now: NOW,
    });
    const key = 'uploads/PUR-2026-ABCDEFGHJKMNPQRS/MIDTERM_REPORT/T2xkUm91bmRSZXBvcnQ/midterm.pdf';

    const result = await recordUpload(recordDeps(), put(key, PDF, 'application/pdf'));

    expect(result).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: false });
    expect(callbacks.succeeded).toEqual([]);
    expect((await waits.getWait(PURCHASE_ID, 'MIDTERM_REPORT'))?.status).toBe('WAITING');
  });

  it('quarantines a key outside the upload scheme and records nothing', async () => {
    seedPurchase('CONTRACTING');
    const event = put('uploads/PUR-2026-ABCDEFGHJKMNPQRS/SIGNED_CONTRACT/../x.pdf', PDF, 'application/pdf');

    const result = await recordUpload(recordDeps(), event);

    expect(result).toEqual({ outcome: 'QUARANTINED_OUTSIDE_SCHEME' });
    expect(objects.quarantined).toEqual([{ key: event.key, reason: 'key-outside-scheme' }]);
    expect(stored()).toEqual([]);
    expect(logged.map((l) => l.message)).toContain('object outside the upload scheme quarantined');
  });

  it("ignores the system's own documents outside uploads/ (the issued contract): no quarantine, no record", async () => {
    const result = await recordUpload(
      recordDeps(),
      put('contracts/PUR-2026-ABCDEFGHJKMNPQRS/contract.pdf', PDF, 'application/pdf'),
    );
    expect(result).toEqual({ outcome: 'IGNORED_NOT_AN_UPLOAD' });
    expect(objects.quarantined).toEqual([]);
    expect(objects.reads).toEqual([]);
  });

  it('ignores an event of another bucket', async () => {
    const result = await recordUpload(recordDeps(), {
      ...put(contractKey, PDF, 'application/pdf'),
      bucket: 'other',
    });
    expect(result).toEqual({ outcome: 'IGNORED_OTHER_BUCKET' });
    expect(objects.reads).toEqual([]);
  });

  it('logs, and does not throw, when the execution stopped waiting', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    callbacks.closed.add(TOKEN);

    const result = await recordUpload(recordDeps(), put(contractKey, PDF, 'application/pdf'));

    expect(result).toMatchObject({ status: 'ACCEPTED', resumed: false });
    expect(logged.map((l) => l.message)).toContain('upload accepted while no execution waited for it');
  });

  it('rethrows a callback failure that is not a closed task, leaving the wait SATISFIED for the re-armed step to see', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    callbacks.failWith = Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' });

    await expect(recordUpload(recordDeps(), put(contractKey, PDF, 'application/pdf'))).rejects.toThrow(
      'rate exceeded',
    );
    expect(stored().map((r) => r.status)).toEqual(['ACCEPTED']);
    expect(await waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      status: 'SATISFIED',
      uploadId: 'VXBsb2FkSWRPZk9uZUZpbGU',
    });
  });

  it('hands the upload over when its event is retried after the callback failed, once the callback works', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    const event = put(contractKey, PDF, 'application/pdf');
    callbacks.failWith = Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
    await expect(recordUpload(recordDeps(), event)).rejects.toThrow('service unavailable');
    callbacks.failWith = undefined;

    const retried = await recordUpload(recordDeps(), event);
    callbacks.closed.add(TOKEN);
    const repeated = await recordUpload(recordDeps(), event);

    expect(retried).toMatchObject({ outcome: 'ALREADY_RECORDED', status: 'ACCEPTED', resumed: true });
    expect(repeated).toMatchObject({ outcome: 'ALREADY_RECORDED', resumed: false });
    expect(callbacks.succeeded.map((c) => c.taskToken)).toEqual([TOKEN]);
    expect(stored()).toHaveLength(1);
    expect(purchases.auditLog.get(PURCHASE_ID)?.map((e) => e.action)).toEqual(['deliverable.accepted']);
  });

  it('does not hand over an upload other than the one that satisfied the wait', async () => {
    seedPurchase('CONTRACTING');
    await waits.armWait({
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      taskToken: TOKEN,
      since: NOW,
      now: NOW,
    });
    await recordUpload(recordDeps(), put(contractKey, PDF, 'application/pdf'));
    const otherKey = contractKey.replace('VXBsb2FkSWRPZk9uZUZpbGU', 'QW5vdGhlclVwbG9hZElkMQ');
    const other = await recordUpload(recordDeps(), put(otherKey, PDF, 'application/pdf'));

    expect(other).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED', resumed: false });
    expect(callbacks.succeeded).toHaveLength(1);
  });
});

describe('the daily limit of objects', () => {
  const keyOf = (uploadId: string) => `uploads/PUR-2026-ABCDEFGHJKMNPQRS/EVIDENCE/${uploadId}/photo.pdf`;
  const limited = () => ({ ...recordDeps(), settings: withLimits(5, 2) });

  it("keeps but refuses and quarantines an object past the day's limit of its kind (daily-limit), and the NGO page says why", async () => {
    seedPurchase('MIDTERM_REVIEW');
    const events = ['EvidenceNumber1', 'EvidenceNumber2', 'EvidenceNumber3'].map((id) =>
      put(keyOf(id), PDF, 'application/pdf'),
    );

    const results = [];
    for (const event of events) results.push(await recordUpload(limited(), event));

    expect(results.map((r) => ('status' in r ? r.status : r.outcome))).toEqual([
      'ACCEPTED',
      'ACCEPTED',
      'REJECTED',
    ]);
    expect(results[2]).toMatchObject({ outcome: 'RECORDED', quarantined: true, resumed: false });
    expect(stored().find((d) => d.uploadId === 'EvidenceNumber3')?.reasons).toEqual([
      {
        rule: 'daily-limit',
        message: {
          zh: '今天已收到 2 个“佐证材料”文件，已达每日上限，此文件未被接收；请于北京时间零点后再上传，或联系经办人。',
          en: '2 files of “Evidence” already arrived today, the daily limit, so this one was not accepted; upload it again after midnight China time (UTC+8), or contact the officer in charge.',
        },
      },
    ]);
    expect(objects.quarantined).toEqual([{ key: keyOf('EvidenceNumber3'), reason: 'daily-limit' }]);
    expect(purchases.auditLog.get(PURCHASE_ID)?.at(-1)).toMatchObject({
      action: 'deliverable.rejected',
      detail: { uploadId: 'EvidenceNumber3', reasons: ['daily-limit'] },
    });

    const page = await showNgoPage({ ...pageDeps(), settings: withLimits(5, 2) }, link());
    expect(page.html).toContain('今天已收到 2 个“佐证材料”文件，已达每日上限，此文件未被接收');
    expect(page.html).toContain('2 files of “Evidence” already arrived today');
    // Above the form too, before the NGO tries another one.
    expect(page.html).toContain('今天再上传的此类文件不会被接收');
  });

  it('counts an object once when its event comes again, before or after it was recorded', async () => {
    seedPurchase('MIDTERM_REVIEW');
    const first = put(keyOf('EvidenceNumber1'), PDF, 'application/pdf');
    const second = put(keyOf('EvidenceNumber2'), PDF, 'application/pdf');
    // The second was counted, then the function stopped before recording it: its retry finds it counted.
    await uploadCounts.countUpload({
      purchaseId: PURCHASE_ID,
      kind: 'EVIDENCE',
      measure: 'OBJECT',
      day: '2026-03-02',
      id: 'EvidenceNumber2/unversioned',
      limit: 2,
    });

    const results = [
      await recordUpload(limited(), first),
      await recordUpload(limited(), first),
      await recordUpload(limited(), second),
    ];

    expect(results.map((r) => ('status' in r ? `${r.outcome} ${r.status}` : r.outcome))).toEqual([
      'RECORDED ACCEPTED',
      'ALREADY_RECORDED ACCEPTED',
      'RECORDED ACCEPTED',
    ]);
    expect(await uploadCounts.uploadCounts(PURCHASE_ID, '2026-03-02')).toEqual([
      { kind: 'EVIDENCE', measure: 'OBJECT', count: 2 },
    ]);
  });

  it('counts a later version posted under a recorded upload: posting a grant again uses up the day too', async () => {
    seedPurchase('MIDTERM_REVIEW');
    const first = { ...put(keyOf('EvidenceNumber1'), PDF, 'application/pdf'), versionId: 'version-1' };
    const again = { ...first, versionId: 'version-2' };
    const next = { ...put(keyOf('EvidenceNumber2'), PDF, 'application/pdf'), versionId: 'version-1' };

    await recordUpload(limited(), first);
    const later = await recordUpload(limited(), again);
    const refused = await recordUpload(limited(), next);

    expect(later).toMatchObject({ outcome: 'QUARANTINED_LATER_VERSION', versionId: 'version-2' });
    expect(refused).toMatchObject({ outcome: 'RECORDED', status: 'REJECTED' });
    expect(await uploadCounts.uploadCounts(PURCHASE_ID, '2026-03-02')).toEqual([
      { kind: 'EVIDENCE', measure: 'OBJECT', count: 2 },
    ]);
  });

  it("counts against the China day of the object's event: the next day's file is accepted", async () => {
    seedPurchase('MIDTERM_REVIEW');
    const today = ['EvidenceNumber1', 'EvidenceNumber2', 'EvidenceNumber3'].map((id) =>
      put(keyOf(id), PDF, 'application/pdf'),
    );
    const tomorrow = {
      ...put(keyOf('EvidenceNumber4'), PDF, 'application/pdf'),
      eventTime: '2026-03-02T16:00:01Z',
    };
    clock.set('2026-03-02T16:00:02.000Z');

    for (const event of today) await recordUpload(limited(), event);
    const next = await recordUpload(limited(), tomorrow);

    expect(next).toMatchObject({ outcome: 'RECORDED', status: 'ACCEPTED' });
    expect(
      stored()
        .filter((d) => d.status === 'REJECTED')
        .map((d) => d.uploadId),
    ).toEqual(['EvidenceNumber3']);
  });
});

describe('decodeS3EventKey', () => {
  it("decodes S3 notification keys: '+' is a space, %XX is UTF-8", () => {
    expect(decodeS3EventKey('uploads/P/EVIDENCE/abcdefgh/%E5%90%88%E5%90%8C+v2.pdf')).toBe(
      'uploads/P/EVIDENCE/abcdefgh/合同 v2.pdf',
    );
  });
});

describe('eventBridgeObjectKey', () => {
  const key = 'uploads/PUR-1/EVIDENCE/abcdefgh/合同_v2.pdf';

  it('keeps an EventBridge key as it is, and decodes one only when that yields a key of the scheme', () => {
    expect(eventBridgeObjectKey(key)).toBe(key);
    expect(eventBridgeObjectKey('uploads/PUR-1/EVIDENCE/abcdefgh/%E5%90%88%E5%90%8C_v2.pdf')).toBe(key);
    expect(eventBridgeObjectKey('other/100%25+done.pdf')).toBe('other/100%25+done.pdf');
    expect(eventBridgeObjectKey('uploads/%E0%A4%A')).toBe('uploads/%E0%A4%A');
  });
});
