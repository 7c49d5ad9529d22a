import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { missingMandatoryTerms } from '../../../shared/domain/contract.js';
import type { Decision, TaskAttempt } from '../../../shared/domain/tasks.js';
import { ngoLinkExpiresAt, signNgoLink } from '../../../shared/links/ngo-link.js';
import type { MailMessage } from '../../../shared/ports/mailer.js';
import type { DocumentStore } from '../../../shared/ports/storage.js';
import {
  awaitUpload,
  type ContractingDeps,
  concludeContracting,
  contractKey,
  issueContract,
  planContracting,
  terminatePurchase,
} from '../../../shared/usecases/contracting.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const BASE_URL = 'https://purchases.civil-affairs.example.gov.cn';
const ISSUED_AT = '2026-03-02T08:00:00.000Z';
const OFFICER = 'officer@civil-affairs.example.gov.cn';
const NGO_CONTACT = largeElderlyCareProposal().ngo.contactEmail;
const LINE_ID = largeElderlyCareProposal().budgetLineRef;
const TOTAL_FEN = largeElderlyCareProposal().totalFen;

/** The documents bucket: keeps every write, answers the SHA-256 of the bytes. */
class RecordingDocuments implements DocumentStore {
  readonly puts: { key: string; body: string; contentType: string }[] = [];
  async putDocument(key: string, body: string, contentType: string) {
    this.puts.push({ key, body, contentType });
    return { sha256: createHash('sha256').update(body, 'utf8').digest('hex') };
  }
}

let fakes: Fakes;
let documents: RecordingDocuments;

function deps(): ContractingDeps {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    deliverables: fakes.deliverables,
    waits: fakes.waits,
    payments: fakes.payments,
    policy: TEST_POLICY,
    lifecycle: TEST_LIFECYCLE,
    now: fakes.clock.now,
  };
}

function uploadDeps() {
  return {
    ...deps(),
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: BASE_URL,
  };
}

const purchase = async () => {
  const record = await fakes.purchases.getPurchase(PURCHASE_ID);
  if (!record) throw new Error('the seeded purchase is gone');
  return record;
};
const auditActions = async () => (await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action);
const at = (iso: string) => fakes.clock.set(iso);

/** The NGO's upload, as record-upload would have recorded it. */
async function upload(
  uploadId: string,
  uploadedAt: string,
  options: { status?: 'ACCEPTED' | 'REJECTED'; kind?: 'SIGNED_CONTRACT' | 'MIDTERM_REPORT' } = {},
) {
  const kind = options.kind ?? 'SIGNED_CONTRACT';
  const status = options.status ?? 'ACCEPTED';
  await fakes.deliverables.recordDeliverable(
    {
      purchaseId: PURCHASE_ID,
      uploadId,
      kind,
      key: `uploads/${PURCHASE_ID}/${kind}/${uploadId}/contract-signed.pdf`,
      fileName: 'contract-signed.pdf',
      size: 1024,
      sha256: 'a'.repeat(64),
      detectedType: status === 'ACCEPTED' ? 'PDF' : 'EXECUTABLE',
      uploadedBy: `ngo:${largeElderlyCareProposal().ngo.creditCode}`,
      uploadedAt,
      eTag: `etag-${uploadId}`,
      status,
      reasons:
        status === 'ACCEPTED'
          ? []
          : [{ rule: 'TYPE_NOT_ALLOWED', message: { zh: '文件类型不允许', en: 'File type not allowed' } }],
    },
    uploadedAt,
  );
}

/** The section chief decides the countersignature of a round from the link. */
async function countersignDecision(round: number, decision: Decision, comment: string, decidedAt: string) {
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: `COUNTERSIGN:${round}`,
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    context: { round },
    attempt: 'FIRST',
    assignee: { ...TEST_POLICY.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    taskToken: `token-countersign-${round}`,
    expiresAt: '2026-12-31T00:00:00.000Z',
    now: fakes.clock.now(),
  });
  const result = await fakes.tasks.decide({
    taskId: task.taskId,
    nonce: fakes.tasks.stored(task.taskId).nonce,
    decision,
    comment,
    now: decidedAt,
  });
  expect(result.outcome).toBe('DECIDED');
}

beforeEach(async () => {
  fakes = createFakes(ISSUED_AT);
  documents = new RecordingDocuments();
  const line = TEST_POLICY.budgetLines.find((l) => l.lineId === LINE_ID);
  if (!line) throw new Error(`settings lack budget line ${LINE_ID}`);
  await fakes.budgets.ensureBudgetLine(line);
  await fakes.budgets.reserve({
    lineId: LINE_ID,
    purchaseId: PURCHASE_ID,
    amountFen: TOTAL_FEN,
    now: ISSUED_AT,
  });
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'CONTRACTING',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      outcome: {
        result: 'APPROVED',
        reason: 'approved',
        by: 'director@x.example',
        at: '2026-03-02T07:00:00.000Z',
      },
      budget: { lineId: LINE_ID, amountFen: TOTAL_FEN, status: 'RESERVED', at: '2026-03-01T09:00:00.000Z' },
    }),
  );
});

describe('issueContract', () => {
  it('stores one rendered contract carrying every mandatory term under the contract key', async () => {
    const { key } = await issueContract({ ...deps(), documents }, PURCHASE_ID);

    expect(key).toBe(contractKey(PURCHASE_ID));
    expect(key).toBe(`contracts/${PURCHASE_ID}/contract.html`);
    expect(documents.puts).toHaveLength(1);
    const [stored] = documents.puts as [RecordingDocuments['puts'][number]];
    expect(stored.key).toBe(key);
    expect(stored.contentType).toMatch(/^text\/html/);
    expect(missingMandatoryTerms(stored.body)).toEqual([]);
    expect(stored.body).toContain(largeElderlyCareProposal().ngo.name);
    expect(stored.body).toContain(TEST_LIFECYCLE.contract.bureauName);
  });

  it('records the contract {key, sha256 of the stored bytes, issuedAt} and audits contract.issued', async () => {
    await issueContract({ ...deps(), documents }, PURCHASE_ID);

    const body = documents.puts[0]?.body ?? '';
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    expect((await purchase()).contract).toEqual({
      key: contractKey(PURCHASE_ID),
      sha256,
      issuedAt: ISSUED_AT,
    });
    const issued = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'contract.issued',
    );
    expect(issued).toHaveLength(1);
    expect(issued[0]?.detail).toEqual({ key: contractKey(PURCHASE_ID), sha256 });
  });

  it('a second run writes nothing more: no new document, no new audit entry, issuedAt unchanged', async () => {
    await issueContract({ ...deps(), documents }, PURCHASE_ID);
    const before = await purchase();
    at('2026-03-02T09:00:00.000Z');

    const again = await issueContract({ ...deps(), documents }, PURCHASE_ID);

    expect(again.key).toBe(contractKey(PURCHASE_ID));
    expect(documents.puts).toHaveLength(1);
    expect(await purchase()).toEqual(before);
  });

  it('fails with PurchaseMissingError for a purchase that does not exist, storing nothing', async () => {
    await expect(issueContract({ ...deps(), documents }, 'PUR-2026-ZZZZZZZZZZZZZZZZ')).rejects.toMatchObject({
      name: 'PurchaseMissingError',
    });
    expect(documents.puts).toEqual([]);
  });
});

describe('planContracting', () => {
  beforeEach(async () => {
    await issueContract({ ...deps(), documents }, PURCHASE_ID);
  });

  it('waits for the signed copy of round 1 from the issue time while none was uploaded', async () => {
    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'AWAIT_SIGNED',
      round: 1,
      since: ISSUED_AT,
    });
  });

  it('an ACCEPTED signed contract uploaded after the issue leads to the countersignature with its uploadId', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');

    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'COUNTERSIGN',
      round: 1,
      since: ISSUED_AT,
      uploadId: 'upload-signed-1',
    });
  });

  it('an upload at exactly the round start counts', async () => {
    await upload('upload-on-the-dot', ISSUED_AT);

    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'COUNTERSIGN',
      uploadId: 'upload-on-the-dot',
    });
  });

  it('a REJECTED upload does not count, nor does an accepted file of another kind', async () => {
    await upload('upload-rejected', '2026-03-03T02:00:00.000Z', { status: 'REJECTED' });
    await upload('upload-midterm', '2026-03-03T03:00:00.000Z', { kind: 'MIDTERM_REPORT' });

    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'AWAIT_SIGNED',
      round: 1,
      since: ISSUED_AT,
    });
  });

  it('a REFUSE of COUNTERSIGN:1 starts round 2 from the refusal time, where the older upload no longer counts', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'the seal on page 3 is missing', '2026-03-04T01:00:00.000Z');

    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'AWAIT_SIGNED',
      round: 2,
      since: '2026-03-04T01:00:00.000Z',
    });

    await upload('upload-signed-2', '2026-03-05T01:00:00.000Z');
    expect(await planContracting(deps(), PURCHASE_ID)).toMatchObject({
      next: 'COUNTERSIGN',
      round: 2,
      since: '2026-03-04T01:00:00.000Z',
      uploadId: 'upload-signed-2',
    });
  });

  it('a COUNTERSIGN decision of the round makes the stage DONE with the countersigned upload', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'COUNTERSIGN', 'checked', '2026-03-04T01:00:00.000Z');

    expect(await planContracting(deps(), PURCHASE_ID)).toEqual({
      next: 'DONE',
      round: 1,
      since: ISSUED_AT,
      uploadId: 'upload-signed-1',
    });
  });

  it('after a refusal, the COUNTERSIGN of round 2 is DONE with the second upload', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'wrong signatory', '2026-03-04T01:00:00.000Z');
    await upload('upload-signed-2', '2026-03-05T01:00:00.000Z');
    await countersignDecision(2, 'COUNTERSIGN', 'fine now', '2026-03-05T03:00:00.000Z');

    expect(await planContracting(deps(), PURCHASE_ID)).toEqual({
      next: 'DONE',
      round: 2,
      since: '2026-03-04T01:00:00.000Z',
      uploadId: 'upload-signed-2',
    });
  });

  it('refuses to plan a purchase whose contract was never issued', async () => {
    fakes.purchases.seed(
      purchaseRecord('PUR-2026-NOCONTRACT000000', largeElderlyCareProposal(), { stage: 'CONTRACTING' }),
    );
    await expect(planContracting(deps(), 'PUR-2026-NOCONTRACT000000')).rejects.toThrow(/no issued contract/);
  });
});

/** Every URL a mail carries, in its text and in its HTML links. */
function linksOf(mail: MailMessage): string[] {
  const text = mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  const hrefs = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
  return [...new Set([...text, ...hrefs])];
}
const whole = (mail: MailMessage) => `${mail.subject}\n${mail.html}\n${mail.text}`;

describe('awaitUpload', () => {
  const TOKEN = 'AQCEAAAAKgAAAA-token-of-the-signed-contract-wait';
  const ask = (attempt: TaskAttempt, taskToken = TOKEN, since = ISSUED_AT) =>
    awaitUpload(uploadDeps(), {
      purchaseId: PURCHASE_ID,
      kind: 'SIGNED_CONTRACT',
      since,
      attempt,
      taskToken,
    });
  const ngoLink = () =>
    signNgoLink(
      BASE_URL,
      PURCHASE_ID,
      ngoLinkExpiresAt(fakes.clock.now(), TEST_LIFECYCLE.ngoLinks.validityDays),
      TEST_LINK_KEY,
    );

  beforeEach(async () => {
    await issueContract({ ...deps(), documents }, PURCHASE_ID);
  });

  it('arms the wait of the round with the execution token and reports WAITING', async () => {
    const result = await ask('FIRST');

    expect(result).toEqual({ status: 'WAITING' });
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      taskToken: TOKEN,
      since: ISSUED_AT,
      status: 'WAITING',
    });
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('mails the NGO contact once with exactly one link, its NGO page, and never the task token', async () => {
    await ask('FIRST');

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent as [MailMessage];
    expect(mail.to).toBe(NGO_CONTACT);
    expect(linksOf(mail)).toEqual([ngoLink()]);
    expect(whole(mail)).not.toContain(TOKEN);
    expect(
      (await fakes.purchases.listAudit(PURCHASE_ID)).filter((e) => e.action === 'ngo.asked'),
    ).toHaveLength(1);
  });

  it('mails the NGO once per attempt (request, reminder, escalation) however often each runs', async () => {
    for (const attempt of ['FIRST', 'REMINDER', 'ESCALATION'] as const) {
      await ask(attempt, `${TOKEN}-${attempt}-try1`);
      fakes.clock.advanceSeconds(30);
      await ask(attempt, `${TOKEN}-${attempt}-try2`);
      fakes.clock.advanceSeconds(TEST_LIFECYCLE.contract.signTimeoutSeconds);
    }

    const toNgo = fakes.mailer.sent.filter((m) => m.to === NGO_CONTACT);
    expect(toNgo).toHaveLength(3);
    expect(new Set(toNgo.map((m) => m.subject)).size).toBe(3);
    for (const mail of toNgo) {
      expect(linksOf(mail)).toHaveLength(1);
      expect(linksOf(mail)[0]).toMatch(new RegExp(`^${BASE_URL}/ngo/${PURCHASE_ID}\\?exp=\\d+&sig=`));
      expect(whole(mail)).not.toContain(TOKEN);
    }
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      taskToken: `${TOKEN}-ESCALATION-try2`,
      status: 'WAITING',
    });
  });

  it('asks the NGO again, with the new due date and a fresh link, when an extension moved the deadline', async () => {
    const report = (deadline: string) =>
      awaitUpload(uploadDeps(), {
        purchaseId: PURCHASE_ID,
        kind: 'MIDTERM_REPORT',
        since: ISSUED_AT,
        deadline,
        attempt: 'FIRST',
        taskToken: `${TOKEN}-${deadline}`,
      });
    await report('2026-07-14T15:59:59.999Z');
    await report('2026-07-14T15:59:59.999Z'); // the same step run again: no second mail
    fakes.clock.advanceSeconds(40 * 86_400); // the first link has expired by the time the chief extends
    await report('2026-07-28T15:59:59.999Z');

    const toNgo = fakes.mailer.sent.filter((m) => m.to === NGO_CONTACT);
    expect(toNgo).toHaveLength(2);
    expect(whole(toNgo[1] as MailMessage)).toContain('2026-07-28');
    expect(linksOf(toNgo[1] as MailMessage)).toEqual([ngoLink()]);
  });

  it('on ESCALATION also tells the purchasing officer (createdBy), once, in a mail without a link', async () => {
    await ask('FIRST');
    await ask('ESCALATION', `${TOKEN}-esc-1`);
    await ask('ESCALATION', `${TOKEN}-esc-2`);

    const toOfficer = fakes.mailer.sent.filter((m) => m.to === OFFICER);
    expect(toOfficer).toHaveLength(1);
    expect(linksOf(toOfficer[0] as MailMessage)).toEqual([]);
    expect(whole(toOfficer[0] as MailMessage)).toContain(largeElderlyCareProposal().ngo.name);
    expect(fakes.mailer.sent.filter((m) => m.to === NGO_CONTACT)).toHaveLength(2);
  });

  it('the request and the reminder do not mail the officer', async () => {
    await ask('FIRST');
    await ask('REMINDER');

    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([NGO_CONTACT, NGO_CONTACT]);
  });

  it('an upload accepted before the wait was armed resumes the step at once with its uploadId, and mails nothing', async () => {
    await upload('upload-early', '2026-03-02T09:00:00.000Z');
    at('2026-03-02T10:00:00.000Z');

    const result = await ask('FIRST');

    expect(result).toEqual({ status: 'SATISFIED' });
    expect(fakes.callbacks.succeeded).toEqual([
      { taskToken: TOKEN, output: { uploadId: 'upload-early', kind: 'SIGNED_CONTRACT' } },
    ]);
    expect(fakes.mailer.sent).toEqual([]);
    expect(await fakes.waits.getWait(PURCHASE_ID, 'SIGNED_CONTRACT')).toMatchObject({
      status: 'SATISFIED',
      uploadId: 'upload-early',
    });
  });

  /** The step asked with `token`, then the upload event satisfied its wait (as RecordUpload does). */
  async function uploadSatisfiesWaitOf(token: string) {
    await ask('FIRST', token);
    await upload('upload-after', '2026-03-02T09:00:00.000Z');
    expect(
      await fakes.waits.satisfyWait({
        purchaseId: PURCHASE_ID,
        kind: 'SIGNED_CONTRACT',
        taskToken: token,
        uploadId: 'upload-after',
        now: '2026-03-02T09:00:01.000Z',
      }),
    ).toBe(true);
  }

  it('a second delivery of the step after its upload was handed over finds the token closed: SATISFIED, no error, no mail', async () => {
    await uploadSatisfiesWaitOf('token-1');
    fakes.callbacks.closed.add('token-1');

    const result = await ask('FIRST', 'token-1');

    expect(result).toEqual({ status: 'SATISFIED' });
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('a wait already satisfied by the upload event hands its upload to a retried step with the new token', async () => {
    await uploadSatisfiesWaitOf('token-1');

    const result = await ask('REMINDER', 'token-2');

    expect(result).toEqual({ status: 'SATISFIED' });
    expect(fakes.callbacks.succeeded).toEqual([
      { taskToken: 'token-2', output: { uploadId: 'upload-after', kind: 'SIGNED_CONTRACT' } },
    ]);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('an upload older than the round start does not satisfy the wait', async () => {
    await upload('upload-round-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'the seal on page 3 is missing', '2026-03-04T01:00:00.000Z');
    at('2026-03-04T01:00:05.000Z');

    const result = await ask('FIRST', TOKEN, '2026-03-04T01:00:00.000Z');

    expect(result).toEqual({ status: 'WAITING' });
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('the round-2 request carries the refusal comment; the round-1 request did not', async () => {
    await ask('FIRST', 'token-round-1');
    await upload('upload-round-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'the seal on page 3 is missing', '2026-03-04T01:00:00.000Z');
    at('2026-03-04T01:00:05.000Z');

    await ask('FIRST', 'token-round-2', '2026-03-04T01:00:00.000Z');

    expect(fakes.mailer.sent).toHaveLength(2);
    const [round1, round2] = fakes.mailer.sent as [MailMessage, MailMessage];
    expect(whole(round1)).not.toContain('the seal on page 3 is missing');
    expect(round2.to).toBe(NGO_CONTACT);
    expect(round2.text).toContain('the seal on page 3 is missing');
    expect(round2.html).toContain('the seal on page 3 is missing');
    expect(round2.subject).not.toBe(round1.subject);
    expect(linksOf(round2)).toEqual([ngoLink()]);
  });
});

describe('concludeContracting', () => {
  beforeEach(async () => {
    await issueContract({ ...deps(), documents }, PURCHASE_ID);
  });

  it('moves a countersigned purchase from CONTRACTING to MIDTERM_REVIEW with the signature and the mid-term due date', async () => {
    const { contract } = await purchase();
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'COUNTERSIGN', 'checked', '2026-03-04T01:00:00.000Z');
    at('2026-03-04T01:00:10.000Z');

    await concludeContracting(deps(), PURCHASE_ID);

    const after = await purchase();
    expect(after.stage).toBe('MIDTERM_REVIEW');
    expect(after.contract).toEqual({
      ...contract,
      signedUploadId: 'upload-signed-1',
      countersignedBy: 'section-chief@civil-affairs.example.gov.cn',
      signedAt: '2026-03-04T01:00:00.000Z',
    });
    expect(after.midterm).toEqual({ round: 1, dueDate: '2026-06-30' });
    const published = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'contract.published',
    );
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      actor: 'section-chief@civil-affairs.example.gov.cn',
      detail: { signedUploadId: 'upload-signed-1', round: 1 },
    });
  });

  it('publishes the upload countersigned in round 2 after a refusal', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'wrong signatory', '2026-03-04T01:00:00.000Z');
    await upload('upload-signed-2', '2026-03-05T01:00:00.000Z');
    await countersignDecision(2, 'COUNTERSIGN', 'fine now', '2026-03-05T03:00:00.000Z');

    await concludeContracting(deps(), PURCHASE_ID);

    expect((await purchase()).contract).toMatchObject({
      signedUploadId: 'upload-signed-2',
      signedAt: '2026-03-05T03:00:00.000Z',
    });
  });

  it('refuses (throws) when the signed copy is not countersigned yet, and changes nothing', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    const before = await purchase();

    await expect(concludeContracting(deps(), PURCHASE_ID)).rejects.toThrow(/not countersigned/);
    expect(await purchase()).toEqual(before);
  });

  it('refuses (throws) when the countersignature was refused', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'REFUSE', 'wrong signatory', '2026-03-04T01:00:00.000Z');

    await expect(concludeContracting(deps(), PURCHASE_ID)).rejects.toThrow(/not countersigned/);
    expect((await purchase()).stage).toBe('CONTRACTING');
  });

  it('run again after the move it is a no-op: same record, no second audit entry', async () => {
    await upload('upload-signed-1', '2026-03-03T02:00:00.000Z');
    await countersignDecision(1, 'COUNTERSIGN', 'checked', '2026-03-04T01:00:00.000Z');
    await concludeContracting(deps(), PURCHASE_ID);
    const before = await purchase();
    at('2026-03-06T00:00:00.000Z');

    await concludeContracting(deps(), PURCHASE_ID);

    expect(await purchase()).toEqual(before);
    expect((await auditActions()).filter((a) => a === 'contract.published')).toHaveLength(1);
  });
});

describe('terminatePurchase', () => {
  const input = { purchaseId: PURCHASE_ID, error: 'States.Timeout', cause: 'the signed contract never came' };

  async function openCountersignTask() {
    const { task } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'COUNTERSIGN:1',
      purpose: 'COUNTERSIGN',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: { ...TEST_POLICY.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
      taskToken: 'token-countersign',
      expiresAt: '2026-12-31T00:00:00.000Z',
      now: fakes.clock.now(),
    });
    return task.taskId;
  }

  it('ends the purchase TERMINATED with the reason, by the system', async () => {
    at('2026-03-20T00:00:00.000Z');
    await terminatePurchase(deps(), input);

    const after = await purchase();
    expect(after.stage).toBe('TERMINATED');
    expect(after.termination).toEqual({
      reason: 'States.Timeout: the signed contract never came',
      // An error the state machine does not name keeps its English line in both places.
      reasonText: {
        zh: 'States.Timeout: the signed contract never came',
        en: 'States.Timeout: the signed contract never came',
      },
      by: 'system:workflow',
      at: '2026-03-20T00:00:00.000Z',
    });
    const [terminated] = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'purchase.terminated',
    );
    expect(terminated?.detail).toMatchObject({
      reason: 'States.Timeout: the signed contract never came',
      budgetReleased: true,
    });
  });

  it("records why in both languages: a reviewer's termination, a lapsed contract", async () => {
    await terminatePurchase(deps(), {
      purchaseId: PURCHASE_ID,
      error: 'PurchaseTerminated',
      cause: '服务严重不达标',
    });
    expect((await purchase()).termination?.reasonText).toEqual({
      zh: '中期评估决定终止项目：服务严重不达标',
      en: 'Terminated at the mid-term review: 服务严重不达标',
    });
  });

  it('expires the open tasks, so their links stop working', async () => {
    const taskId = await openCountersignTask();

    await terminatePurchase(deps(), input);

    expect(fakes.tasks.stored(taskId).status).toBe('EXPIRED');
  });

  it('gives the reserved budget back once, and records it RELEASED on the purchase', async () => {
    const release = vi.spyOn(fakes.budgets, 'release');
    const reservedAvailable = (await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen ?? 0;

    await terminatePurchase(deps(), input);
    await terminatePurchase(deps(), input);

    expect(release).toHaveBeenCalledTimes(1);
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(reservedAvailable + TOTAL_FEN);
    expect((await purchase()).budget).toMatchObject({ lineId: LINE_ID, status: 'RELEASED' });
  });

  it('run again it is a no-op: same record, one terminated entry in the audit', async () => {
    await terminatePurchase(deps(), input);
    const before = await purchase();
    at('2026-03-21T00:00:00.000Z');

    await terminatePurchase(deps(), { ...input, cause: 'a later, different cause' });

    expect(await purchase()).toEqual(before);
    expect((await auditActions()).filter((a) => a === 'purchase.terminated')).toHaveLength(1);
  });
});
