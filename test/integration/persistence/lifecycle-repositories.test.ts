import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRepositories } from '../../../shared/adapters/dynamodb/index.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { Assignee, HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js';

const proposal: Proposal = {
  title: 'Care for children left behind in rural villages',
  serviceArea: 'MINOR_PROTECTION',
  serviceItem: 'MINOR-LEFT-BEHIND',
  district: 'Tong’an',
  purchasingUnit: 'Xiamen Civil Affairs Bureau',
  ngo: {
    name: 'Tong’an Children Service Centre',
    creditCode: '52350212MJ0000001Y',
    contactEmail: 'ngo@example.org',
  },
  term: { start: '2026-04-01', end: '2027-03-31' },
  procurementMethod: 'COMPETITIVE_CONSULTATION',
  totalFen: 30_000_000,
  budgetLines: [{ item: 'Staff', amountFen: 30_000_000 }],
  staffPlan: [
    { role: 'Social worker', headcount: 2, monthlySalaryFen: 900_000, monthlySocialWelfareFen: 250_000 },
  ],
  trancheSchedule: [
    { milestone: 'CONTRACT_SIGNED', percent: 40 },
    { milestone: 'MIDTERM_PASSED', percent: 30 },
    { milestone: 'EVALUATION_PASSED', percent: 30 },
  ],
  deliverables: [{ kind: 'MIDTERM_REPORT', dueDate: '2026-09-30', description: 'Mid-term report' }],
  budgetLineRef: '2026-MZ-MINOR-01',
};

const officer: Assignee = { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' };
const clerk: Assignee = { name: 'Lin Hua', email: 'lin.hua@bureau.example', role: 'FINANCE_CLERK' };
const evaluator: Assignee = { name: 'Huang Min', email: 'huang.min@agency.example', role: 'EVALUATOR' };
const NOW = '2026-04-01T08:00:00.000Z';
const LATER = '2026-04-02T08:00:00.000Z';
const EXPIRES = '2026-04-30T08:00:00.000Z';

let db: DynamoDbLocal;
let repos: Repositories;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  repos = createRepositories({ client: db.client, tableName: db.tableName });
});

afterAll(async () => {
  await db?.stop();
});

async function newPurchase(): Promise<string> {
  const purchaseId = randomUUID();
  await repos.purchases.createPurchase({ purchaseId, proposal, createdBy: 'officer-1', now: NOW });
  return purchaseId;
}

async function openTask(
  purchaseId: string,
  input: Partial<Parameters<Repositories['tasks']['openTask']>[0]> & { stepKey: string },
): Promise<HumanTask> {
  const { task } = await repos.tasks.openTask({
    purchaseId,
    attempt: 'FIRST',
    assignee: officer,
    expiresAt: EXPIRES,
    now: NOW,
    ...input,
  });
  return task;
}

function upload(purchaseId: string, overrides: Partial<DeliverableRecord> = {}): DeliverableRecord {
  const uploadId = overrides.uploadId ?? randomUUID();
  return {
    purchaseId,
    uploadId,
    kind: 'MIDTERM_REPORT',
    key: `uploads/${purchaseId}/MIDTERM_REPORT/${uploadId}/report.pdf`,
    fileName: 'report.pdf',
    size: 48_213,
    sha256: 'a'.repeat(64),
    detectedType: 'PDF',
    declaredContentType: 'application/pdf',
    uploadedBy: `ngo:${proposal.ngo.creditCode}`,
    uploadedAt: NOW,
    eTag: '"etag-1"',
    status: 'ACCEPTED',
    reasons: [],
    ...overrides,
  };
}

async function expectChainIntact(purchaseId: string) {
  expect(await repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({ valid: true });
}

describe('human tasks of the later stages', () => {
  test('a COUNTERSIGN decision with data lands in decisions[stepKey], not in approvals, audited as task.decided', async () => {
    const purchaseId = await newPurchase();
    const task = await openTask(purchaseId, {
      stepKey: 'COUNTERSIGN',
      purpose: 'COUNTERSIGN',
      taskToken: 'token-countersign',
      context: { contractKey: 'contracts/c.pdf', round: 1 },
    });

    const result = await repos.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'COUNTERSIGN',
      comment: '',
      data: { signedUploadId: 'u-1' },
      now: LATER,
    });

    expect(result).toMatchObject({
      outcome: 'DECIDED',
      task: { decision: { data: { signedUploadId: 'u-1' } } },
    });
    const purchase = await repos.purchases.getPurchase(purchaseId);
    expect(purchase?.approvals).toEqual({});
    expect(purchase?.decisions.COUNTERSIGN).toMatchObject({
      decision: 'COUNTERSIGN',
      by: officer.email,
      data: { signedUploadId: 'u-1' },
      taskId: task.taskId,
    });
    const last = (await repos.purchases.listAudit(purchaseId)).at(-1);
    expect(last).toMatchObject({
      action: 'task.decided',
      detail: {
        purpose: 'COUNTERSIGN',
        stepKey: 'COUNTERSIGN',
        decision: 'COUNTERSIGN',
        data: { signedUploadId: 'u-1' },
      },
    });
    await expectChainIntact(purchaseId);
  });

  test('a purchase item written before decisions existed takes a later-stage decision', async () => {
    const purchaseId = await newPurchase();
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.purchase(purchaseId),
        UpdateExpression: 'REMOVE decisions',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
    const task = await openTask(purchaseId, {
      stepKey: 'MIDTERM_REVIEW:1',
      purpose: 'MIDTERM_REVIEW',
      taskToken: 't',
    });

    await repos.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'PASS',
      comment: 'fine',
      now: LATER,
    });

    expect((await repos.purchases.getPurchase(purchaseId))?.decisions['MIDTERM_REVIEW:1']?.decision).toBe(
      'PASS',
    );
  });

  test('a payment-confirmation task opened without a token is decided, and a renewal without one adds none', async () => {
    const purchaseId = await newPurchase();
    const task = await openTask(purchaseId, {
      stepKey: 'PAYMENT_CONFIRMATION:1',
      purpose: 'PAYMENT_CONFIRMATION',
      assignee: clerk,
      context: { tranche: 1, amountFen: 12_000_000 },
    });
    expect(task.taskToken).toBeUndefined();
    const renewed = await openTask(purchaseId, {
      stepKey: 'PAYMENT_CONFIRMATION:1',
      purpose: 'PAYMENT_CONFIRMATION',
      attempt: 'REMINDER',
      assignee: clerk,
    });
    expect(renewed).toMatchObject({ taskId: task.taskId, attempt: 'REMINDER', context: { tranche: 1 } });
    expect(renewed.taskToken).toBeUndefined();

    const result = await repos.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'CONFIRM',
      comment: '',
      data: { reference: 'BOC-2026-0001' },
      now: LATER,
    });

    expect(result.outcome).toBe('DECIDED');
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: keys.task(task.taskId), ConsistentRead: true }),
    );
    expect(Item).not.toHaveProperty('taskToken');
    const [listed] = await repos.tasks.listTasks(purchaseId);
    expect(listed).toMatchObject({
      purpose: 'PAYMENT_CONFIRMATION',
      context: { tranche: 1, amountFen: 12_000_000 },
    });
    expect(listed).not.toHaveProperty('nonce');
  });

  test('the evaluator declares independence once: parallel declarations give one DECLARED and one audit entry', async () => {
    const purchaseId = await newPurchase();
    const task = await openTask(purchaseId, {
      stepKey: 'EVALUATION',
      purpose: 'EVALUATION',
      assignee: evaluator,
      taskToken: 'token-eval',
    });

    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        repos.tasks.declareIndependence({ taskId: task.taskId, nonce: task.nonce, now: LATER }),
      ),
    );

    expect(results.filter((r) => r.outcome === 'DECLARED')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'ALREADY_DECLARED')).toHaveLength(4);
    expect((await repos.tasks.getTask(task.taskId))?.declaredAt).toBe(LATER);
    const [listed] = await repos.tasks.listTasks(purchaseId);
    expect(listed?.declaredAt).toBe(LATER);
    const audit = await repos.purchases.listAudit(purchaseId);
    expect(audit.filter((e) => e.action === 'evaluation.independence-declared')).toHaveLength(1);
    expect(
      await repos.tasks.declareIndependence({ taskId: task.taskId, nonce: 'wrong', now: LATER }),
    ).toEqual({ outcome: 'BAD_NONCE' });
    await expectChainIntact(purchaseId);
  });

  test('only an EVALUATION task takes a declaration', async () => {
    const purchaseId = await newPurchase();
    const task = await openTask(purchaseId, {
      stepKey: 'COUNTERSIGN',
      purpose: 'COUNTERSIGN',
      taskToken: 't',
    });

    const result = await repos.tasks.declareIndependence({
      taskId: task.taskId,
      nonce: task.nonce,
      now: LATER,
    });

    expect(result.outcome).toBe('NOT_EVALUATION');
    expect((await repos.tasks.getTask(task.taskId))?.declaredAt).toBeUndefined();
  });
});

describe('deliverables', () => {
  test('the same upload recorded twice in parallel gives one record and one audit entry', async () => {
    const purchaseId = await newPurchase();
    const record = upload(purchaseId);

    const results = await Promise.all([
      repos.deliverables.recordDeliverable(record, LATER),
      repos.deliverables.recordDeliverable(record, LATER),
      repos.deliverables.recordDeliverable(record, LATER),
    ]);

    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) expect(r.deliverable).toEqual(record);
    expect(await repos.deliverables.listDeliverables(purchaseId)).toEqual([record]);
    const audit = await repos.purchases.listAudit(purchaseId);
    expect(audit.filter((e) => e.action === 'deliverable.accepted')).toHaveLength(1);
    await expectChainIntact(purchaseId);
  });

  test('a refused upload is recorded with its reasons and audited as rejected', async () => {
    const purchaseId = await newPurchase();
    const refused = upload(purchaseId, {
      status: 'REJECTED',
      detectedType: 'EXECUTABLE',
      reasons: [{ rule: 'FILE_TYPE', message: { zh: '不允许的文件类型', en: 'file type not allowed' } }],
    });

    await repos.deliverables.recordDeliverable(refused, LATER);

    expect(await repos.deliverables.listDeliverables(purchaseId)).toEqual([refused]);
    expect((await repos.purchases.listAudit(purchaseId)).at(-1)).toMatchObject({
      action: 'deliverable.rejected',
      detail: { reasons: ['FILE_TYPE'], detectedType: 'EXECUTABLE' },
    });
  });
});

describe('upload waits', () => {
  test('of 20 parallel satisfactions of one wait exactly one succeeds', async () => {
    const purchaseId = await newPurchase();
    await repos.waits.armWait({
      purchaseId,
      kind: 'MIDTERM_REPORT',
      taskToken: 'wait-1',
      since: NOW,
      now: NOW,
    });
    const uploads = Array.from({ length: 20 }, () => upload(purchaseId, { uploadedAt: LATER }));
    for (const u of uploads) await repos.deliverables.recordDeliverable(u, LATER);

    const results = await Promise.all(
      uploads.map((u) =>
        repos.waits.satisfyWait({
          purchaseId,
          kind: 'MIDTERM_REPORT',
          taskToken: 'wait-1',
          uploadId: u.uploadId,
          now: LATER,
        }),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    const wait = await repos.waits.getWait(purchaseId, 'MIDTERM_REPORT');
    expect(wait?.status).toBe('SATISFIED');
    expect(uploads[results.indexOf(true)]?.uploadId).toBe(wait?.uploadId);
    await expectChainIntact(purchaseId);
  });

  test('re-arming replaces the token: the old one no longer satisfies, a satisfied round stays satisfied', async () => {
    const purchaseId = await newPurchase();
    await repos.waits.armWait({
      purchaseId,
      kind: 'SIGNED_CONTRACT',
      taskToken: 'old',
      since: NOW,
      now: NOW,
    });
    const rearmed = await repos.waits.armWait({
      purchaseId,
      kind: 'SIGNED_CONTRACT',
      taskToken: 'new',
      since: NOW,
      now: LATER,
    });
    expect(rearmed).toMatchObject({ status: 'WAITING', taskToken: 'new', since: NOW });
    const signed = upload(purchaseId, { kind: 'SIGNED_CONTRACT', uploadedAt: LATER });
    await repos.deliverables.recordDeliverable(signed, LATER);

    const byOld = await repos.waits.satisfyWait({
      purchaseId,
      kind: 'SIGNED_CONTRACT',
      taskToken: 'old',
      uploadId: signed.uploadId,
      now: LATER,
    });
    const byNew = await repos.waits.satisfyWait({
      purchaseId,
      kind: 'SIGNED_CONTRACT',
      taskToken: 'new',
      uploadId: signed.uploadId,
      now: LATER,
    });

    expect([byOld, byNew]).toEqual([false, true]);
    const again = await repos.waits.armWait({
      purchaseId,
      kind: 'SIGNED_CONTRACT',
      taskToken: 'third',
      since: NOW,
      now: LATER,
    });
    expect(again).toMatchObject({ status: 'SATISFIED', taskToken: 'new', uploadId: signed.uploadId });
  });

  test('a wait is not satisfied by an upload of another kind, a refused one, or one not recorded', async () => {
    const purchaseId = await newPurchase();
    await repos.waits.armWait({ purchaseId, kind: 'MIDTERM_REPORT', taskToken: 't', since: NOW, now: NOW });
    const evidence = upload(purchaseId, { kind: 'EVIDENCE' });
    const refused = upload(purchaseId, { status: 'REJECTED', reasons: [] });
    await repos.deliverables.recordDeliverable(evidence, NOW);
    await repos.deliverables.recordDeliverable(refused, NOW);
    const satisfy = (uploadId: string) =>
      repos.waits.satisfyWait({ purchaseId, kind: 'MIDTERM_REPORT', taskToken: 't', uploadId, now: LATER });

    expect([
      await satisfy(evidence.uploadId),
      await satisfy(refused.uploadId),
      await satisfy('missing'),
    ]).toEqual([false, false, false]);
    expect((await repos.waits.getWait(purchaseId, 'MIDTERM_REPORT'))?.status).toBe('WAITING');
  });

  test('a new round (later since) waits again and needs an upload made after it began', async () => {
    const purchaseId = await newPurchase();
    await repos.waits.armWait({ purchaseId, kind: 'MIDTERM_REPORT', taskToken: 'r1', since: NOW, now: NOW });
    const first = upload(purchaseId, { uploadedAt: '2026-04-01T10:00:00.000Z' });
    await repos.deliverables.recordDeliverable(first, first.uploadedAt);
    expect(
      await repos.waits.satisfyWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r1',
        uploadId: first.uploadId,
        now: first.uploadedAt,
      }),
    ).toBe(true);

    const round2 = '2026-05-01T08:00:00.000Z';
    const rearmed = await repos.waits.armWait({
      purchaseId,
      kind: 'MIDTERM_REPORT',
      taskToken: 'r2',
      since: round2,
      now: round2,
    });
    expect(rearmed).toEqual({
      purchaseId,
      kind: 'MIDTERM_REPORT',
      taskToken: 'r2',
      since: round2,
      status: 'WAITING',
      updatedAt: round2,
    });
    expect(await repos.waits.getWait(purchaseId, 'MIDTERM_REPORT')).toEqual(rearmed);
    // A late retry of round 1 re-arms nothing back to it.
    expect(
      await repos.waits.armWait({
        purchaseId,
        kind: 'MIDTERM_REPORT',
        taskToken: 'r2b',
        since: NOW,
        now: round2,
      }),
    ).toMatchObject({ since: round2, taskToken: 'r2b', status: 'WAITING' });

    const byOldUpload = await repos.waits.satisfyWait({
      purchaseId,
      kind: 'MIDTERM_REPORT',
      taskToken: 'r2b',
      uploadId: first.uploadId,
      now: round2,
    });
    const second = upload(purchaseId, { uploadedAt: '2026-05-02T08:00:00.000Z' });
    await repos.deliverables.recordDeliverable(second, second.uploadedAt);
    const byNewUpload = await repos.waits.satisfyWait({
      purchaseId,
      kind: 'MIDTERM_REPORT',
      taskToken: 'r2b',
      uploadId: second.uploadId,
      now: second.uploadedAt,
    });

    expect([byOldUpload, byNewUpload]).toEqual([false, true]);
    expect((await repos.waits.getWait(purchaseId, 'MIDTERM_REPORT'))?.uploadId).toBe(second.uploadId);
  });
});

describe('payment steps', () => {
  const notice = (purchaseId: string, tranche: number) => ({
    purchaseId,
    tranche,
    milestone:
      (['CONTRACT_SIGNED', 'MIDTERM_PASSED', 'EVALUATION_PASSED'] as const)[tranche - 1] ?? 'CONTRACT_SIGNED',
    amountFen: 10_000_000,
    dueDate: '2026-05-01',
    notifiedAt: NOW,
    confirmTaskId: `task-${tranche}`,
  });

  test('a payment is opened once and confirmed once, even by parallel confirmations', async () => {
    const purchaseId = await newPurchase();
    const opened = await Promise.all([
      repos.payments.openPayment(notice(purchaseId, 1), NOW),
      repos.payments.openPayment(notice(purchaseId, 1), NOW),
    ]);
    expect(opened.filter((o) => o.created)).toHaveLength(1);
    expect(opened[0]?.payment).toMatchObject({ status: 'NOTIFIED', dueDate: '2026-05-01' });

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repos.payments.confirmPayment({
          purchaseId,
          tranche: 1,
          by: clerk.email,
          reference: `BOC-${i}`,
          now: LATER,
        }),
      ),
    );

    expect(results.filter((r) => r.outcome === 'CONFIRMED')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'ALREADY_CONFIRMED')).toHaveLength(5);
    const winner = results.find((r) => r.outcome === 'CONFIRMED');
    const [stored] = await repos.payments.listPayments(purchaseId);
    expect(stored).toEqual(winner?.payment);
    expect(stored).toMatchObject({ status: 'CONFIRMED', confirmedBy: clerk.email, confirmedAt: LATER });
    // Paid money is not withheld afterwards.
    const closed = await repos.payments.closePayment({
      purchaseId,
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 10_000_000,
      status: 'WITHHELD',
      reason: 'late',
      now: LATER,
    });
    expect(closed).toEqual(stored);
    const actions = (await repos.purchases.listAudit(purchaseId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'payment.notified')).toHaveLength(1);
    expect(actions.filter((a) => a === 'payment.confirmed')).toHaveLength(1);
    expect(actions).not.toContain('payment.withheld');
    await expectChainIntact(purchaseId);
  });

  test('a withheld or cancelled tranche is never confirmed, and the first close stands', async () => {
    const purchaseId = await newPurchase();
    await repos.payments.openPayment(notice(purchaseId, 2), NOW);
    const withheld = await repos.payments.closePayment({
      purchaseId,
      tranche: 2,
      milestone: 'MIDTERM_PASSED',
      amountFen: 10_000_000,
      status: 'WITHHELD',
      reason: 'evaluation failed',
      now: LATER,
    });
    expect(withheld).toMatchObject({
      status: 'WITHHELD',
      reason: 'evaluation failed',
      dueDate: '2026-05-01',
    });
    // Finance was never told about tranche 3: cancelling creates its step.
    const cancelled = await repos.payments.closePayment({
      purchaseId,
      tranche: 3,
      milestone: 'EVALUATION_PASSED',
      amountFen: 10_000_000,
      status: 'CANCELLED',
      reason: 'terminated',
      now: LATER,
    });
    expect(cancelled).toEqual({
      purchaseId,
      tranche: 3,
      milestone: 'EVALUATION_PASSED',
      amountFen: 10_000_000,
      status: 'CANCELLED',
      reason: 'terminated',
      closedAt: LATER,
    });

    const confirm = (tranche: number) =>
      repos.payments.confirmPayment({ purchaseId, tranche, by: clerk.email, reference: 'x', now: LATER });
    expect((await confirm(2)).outcome).toBe('NOT_PAYABLE');
    expect((await confirm(3)).outcome).toBe('NOT_PAYABLE');
    expect((await confirm(4)).outcome).toBe('NOT_PAYABLE');
    const reopened = await repos.payments.openPayment(notice(purchaseId, 3), LATER);
    expect(reopened).toEqual({ payment: cancelled, created: false });
    const again = await repos.payments.closePayment({
      purchaseId,
      tranche: 2,
      milestone: 'MIDTERM_PASSED',
      amountFen: 10_000_000,
      status: 'CANCELLED',
      reason: 'another reason',
      now: LATER,
    });
    expect(again).toEqual(withheld);

    expect((await repos.payments.listPayments(purchaseId)).map((p) => [p.tranche, p.status])).toEqual([
      [2, 'WITHHELD'],
      [3, 'CANCELLED'],
    ]);
    const actions = (await repos.purchases.listAudit(purchaseId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'payment.withheld' || a === 'payment.cancelled')).toHaveLength(2);
    await expectChainIntact(purchaseId);
  });
});

describe('track record', () => {
  test('an evaluation is added once per purchase; a repeat changes nothing', async () => {
    const creditCode = `5235020${randomUUID().slice(0, 8)}MJ0`;
    const first = {
      purchaseId: 'p-track-1',
      grade: 'FAIL' as const,
      total: 552,
      evaluatedAt: '2026-12-01T02:00:00.000Z',
      evaluatedOn: '2026-12-01',
    };

    await repos.trackRecords.addEvaluation(creditCode, first);
    await repos.trackRecords.addEvaluation(creditCode, { ...first, grade: 'GOOD', total: 850 });
    await repos.trackRecords.addEvaluation(creditCode, {
      ...first,
      purchaseId: 'p-track-0',
      grade: 'EXCELLENT',
      total: 930,
      evaluatedAt: '2025-12-01T02:00:00.000Z',
      evaluatedOn: '2025-12-01',
    });

    const entries = await repos.trackRecords.listEvaluations(creditCode);
    expect(entries.map((e) => [e.purchaseId, e.grade])).toEqual([
      ['p-track-0', 'EXCELLENT'],
      ['p-track-1', 'FAIL'],
    ]);
    expect(entries[1]).toEqual(first);
  });
});

describe('one audit chain for every stage', () => {
  test('uploads, payments, decisions and a declaration racing on one purchase all land in one valid chain', async () => {
    const purchaseId = await newPurchase();
    const review = await openTask(purchaseId, {
      stepKey: 'MIDTERM_REVIEW:1',
      purpose: 'MIDTERM_REVIEW',
      taskToken: 't-review',
    });
    const evaluation = await openTask(purchaseId, {
      stepKey: 'EVALUATION',
      purpose: 'EVALUATION',
      assignee: evaluator,
      taskToken: 't-eval',
    });
    const uploads = Array.from({ length: 5 }, () => upload(purchaseId));

    await Promise.all([
      ...uploads.map((u) => repos.deliverables.recordDeliverable(u, LATER)),
      ...[1, 2, 3].map((tranche) =>
        repos.payments.openPayment(
          {
            purchaseId,
            tranche,
            milestone: 'CONTRACT_SIGNED',
            amountFen: 1_000_000,
            dueDate: '2026-05-01',
            notifiedAt: LATER,
          },
          LATER,
        ),
      ),
      repos.tasks.decide({
        taskId: review.taskId,
        nonce: review.nonce,
        decision: 'RECTIFY',
        comment: 'add attendance sheets',
        now: LATER,
      }),
      repos.tasks.declareIndependence({ taskId: evaluation.taskId, nonce: evaluation.nonce, now: LATER }),
    ]);

    const audit = await repos.purchases.listAudit(purchaseId);
    // Created, five uploads, three payment notices, one decision, one declaration.
    expect(audit).toHaveLength(11);
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 11 });
    const purchase = await repos.purchases.getPurchase(purchaseId);
    expect(purchase?.decisions['MIDTERM_REVIEW:1']?.decision).toBe('RECTIFY');
    expect(purchase?.version).toBe(11);
  });
});
