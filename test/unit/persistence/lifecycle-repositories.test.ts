import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  createRepositories,
  InvalidTaskError,
  PurchaseNotFoundError,
} from '../../../shared/adapters/dynamodb/index.js';
import { GSI1_PROJECTED_ATTRIBUTES, keys } from '../../../shared/adapters/dynamodb/table-design.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { PaymentRecord } from '../../../shared/domain/payment-records.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const TABLE = 'purchases-unit';
const NOW = '2026-04-01T08:00:00.000Z';
const LATER = '2026-04-02T08:00:00.000Z';
let repos: Repositories;

const purchase: PurchaseRecord = {
  purchaseId: 'p-1',
  version: 7,
  stage: 'CONTRACTING',
  proposal: { title: 'Home care visits', totalFen: 1_000_000 } as Proposal,
  createdBy: 'officer-1',
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  approvalLevels: ['SECTION_CHIEF'],
  approvals: {},
  decisions: {},
  auditSeq: 7,
  auditHash: 'c'.repeat(64),
};

const countersign: HumanTask = {
  taskId: 'task-c',
  purchaseId: 'p-1',
  stepKey: 'COUNTERSIGN',
  purpose: 'COUNTERSIGN',
  attempt: 'FIRST',
  assignee: { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' },
  taskToken: 'secret-token',
  nonce: 'right-nonce',
  createdAt: NOW,
  expiresAt: '2026-04-10T08:00:00.000Z',
  status: 'PENDING',
  mailsSent: ['FIRST'],
};

const deliverable: DeliverableRecord = {
  purchaseId: 'p-1',
  uploadId: 'up-1',
  kind: 'SIGNED_CONTRACT',
  key: 'uploads/p-1/SIGNED_CONTRACT/up-1/contract.pdf',
  fileName: 'contract.pdf',
  size: 1234,
  sha256: 'b'.repeat(64),
  detectedType: 'PDF',
  uploadedBy: 'ngo:52350200MJ0000000X',
  uploadedAt: LATER,
  eTag: '"e"',
  status: 'ACCEPTED',
  reasons: [],
};

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function conditionFailed() {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

function transactions(): TransactWriteCommandInput[] {
  return ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
}

function storedPurchase() {
  ddb
    .on(GetCommand, { Key: keys.purchase('p-1') })
    .resolves({ Item: { ...keys.purchase('p-1'), ...purchase } });
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  repos = createRepositories({ client, tableName: TABLE });
});

describe('tasks of the later stages', () => {
  test('a decision on a COUNTERSIGN task writes decisions[stepKey] with its data and audits task.decided', async () => {
    storedPurchase();
    ddb.on(GetCommand, { Key: keys.task('task-c') }).resolves({ Item: countersign });
    ddb.on(TransactWriteCommand).resolves({});

    await repos.tasks.decide({
      taskId: 'task-c',
      nonce: 'right-nonce',
      decision: 'COUNTERSIGN',
      comment: '',
      data: { signedUploadId: 'up-1' },
      now: LATER,
    });

    const [taskUpdate, meta, auditPut] = transactions()[0]?.TransactItems ?? [];
    expect(taskUpdate?.Update?.ConditionExpression).toBe(
      '#status = :pending AND nonce = :nonce AND expiresAt > :now',
    );
    const names = Object.values(meta?.Update?.ExpressionAttributeNames ?? {});
    expect(names).toContain('decisions');
    expect(names).not.toContain('approvals');
    expect(Object.values(meta?.Update?.ExpressionAttributeValues ?? {})).toContainEqual({
      COUNTERSIGN: expect.objectContaining({ decision: 'COUNTERSIGN', data: { signedUploadId: 'up-1' } }),
    });
    expect(auditPut?.Put?.Item).toMatchObject({
      action: 'task.decided',
      detail: { purpose: 'COUNTERSIGN', stepKey: 'COUNTERSIGN', data: { signedUploadId: 'up-1' } },
    });
  });

  test('declaring independence is conditional on an EVALUATION task not yet declared, with its audit entry', async () => {
    storedPurchase();
    ddb
      .on(GetCommand, { Key: keys.task('task-e') })
      .resolves({ Item: { ...countersign, taskId: 'task-e', stepKey: 'EVALUATION', purpose: 'EVALUATION' } });
    ddb.on(TransactWriteCommand).resolves({});

    const result = await repos.tasks.declareIndependence({
      taskId: 'task-e',
      nonce: 'right-nonce',
      now: LATER,
    });

    expect(result).toMatchObject({ outcome: 'DECLARED', task: { declaredAt: LATER } });
    const [taskUpdate, , auditPut, eventPut] = transactions()[0]?.TransactItems ?? [];
    expect(taskUpdate?.Update).toMatchObject({
      UpdateExpression: 'SET declaredAt = :declaredAt',
      ConditionExpression:
        '#status = :pending AND nonce = :nonce AND expiresAt > :now AND #purpose = :evaluation AND attribute_not_exists(declaredAt)',
      ExpressionAttributeValues: { ':evaluation': 'EVALUATION', ':declaredAt': LATER },
    });
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'evaluation.independence-declared', seq: 8 });
    expect(eventPut?.Put?.Item).toMatchObject({ eventId: 'declare:task-e' });
  });

  test('a task of another purpose is refused a declaration without any write', async () => {
    ddb.on(GetCommand, { Key: keys.task('task-c') }).resolves({ Item: countersign });

    const result = await repos.tasks.declareIndependence({
      taskId: 'task-c',
      nonce: 'right-nonce',
      now: LATER,
    });

    expect(result.outcome).toBe('NOT_EVALUATION');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('a task opened without a token stores none, and an APPROVAL task without a level is refused', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    const { task } = await repos.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'PAYMENT_CONFIRMATION:1',
      purpose: 'PAYMENT_CONFIRMATION',
      attempt: 'FIRST',
      assignee: countersign.assignee,
      context: { tranche: 1 },
      expiresAt: countersign.expiresAt,
      now: NOW,
    });

    const put = transactions()[0]?.TransactItems?.[1]?.Put?.Item;
    expect(put).toMatchObject({ purpose: 'PAYMENT_CONFIRMATION', context: { tranche: 1 } });
    expect(put).not.toHaveProperty('taskToken');
    expect(put).not.toHaveProperty('level');
    expect(task.taskToken).toBeUndefined();
    await expect(
      repos.tasks.openTask({
        purchaseId: 'p-1',
        stepKey: 'APPROVAL:SECTION_CHIEF',
        attempt: 'FIRST',
        assignee: countersign.assignee,
        taskToken: 't',
        expiresAt: countersign.expiresAt,
        now: NOW,
      }),
    ).rejects.toBeInstanceOf(InvalidTaskError);
  });

  test('GSI1 projects the public task facts and never the token or nonce', () => {
    expect(GSI1_PROJECTED_ATTRIBUTES).toEqual(expect.arrayContaining(['purpose', 'context', 'declaredAt']));
    expect(GSI1_PROJECTED_ATTRIBUTES).not.toContain('taskToken');
    expect(GSI1_PROJECTED_ATTRIBUTES).not.toContain('nonce');
  });
});

describe('deliverables', () => {
  test('an upload is put once, in one transaction with the audit head move, entry and event marker', async () => {
    storedPurchase();
    ddb.on(TransactWriteCommand).resolves({});

    const result = await repos.deliverables.recordDeliverable(deliverable, LATER);

    expect(result).toEqual({ deliverable, created: true });
    const items = transactions()[0]?.TransactItems ?? [];
    expect(items).toHaveLength(4);
    expect(items[0]?.Put).toMatchObject({
      Item: { ...keys.deliverable('p-1', 'up-1'), entity: 'DELIVERABLE', sha256: deliverable.sha256 },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(items[1]?.Update?.Key).toEqual(keys.purchase('p-1'));
    expect(Object.values(items[1]?.Update?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining([7, 8]),
    );
    expect(items[2]?.Put?.Item).toMatchObject({ ...keys.audit('p-1', 8), action: 'deliverable.accepted' });
    expect(items[3]?.Put?.Item).toMatchObject({ eventId: 'deliverable:up-1' });
  });

  test('an upload already recorded comes back as stored, created false, without a retry', async () => {
    storedPurchase();
    ddb
      .on(GetCommand, { Key: keys.deliverable('p-1', 'up-1') })
      .resolves({ Item: { ...keys.deliverable('p-1', 'up-1'), entity: 'DELIVERABLE', ...deliverable } });
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'));

    const result = await repos.deliverables.recordDeliverable({ ...deliverable, size: 999 }, LATER);

    expect(result).toEqual({ deliverable, created: false });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('losing the audit head to another change reads the purchase again and retries', async () => {
    storedPurchase();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'))
      .resolves({});

    const result = await repos.deliverables.recordDeliverable(deliverable, LATER);

    expect(result.created).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  test('an upload for a purchase that does not exist is refused with PurchaseNotFoundError', async () => {
    await expect(repos.deliverables.recordDeliverable(deliverable, LATER)).rejects.toBeInstanceOf(
      PurchaseNotFoundError,
    );
  });
});

describe('upload waits', () => {
  const waiting = {
    ...keys.wait('p-1', 'MIDTERM_REPORT'),
    purchaseId: 'p-1',
    kind: 'MIDTERM_REPORT',
    taskToken: 'token-1',
    since: NOW,
    status: 'WAITING',
    updatedAt: NOW,
  };

  test('a first arm puts the wait only if none exists', async () => {
    const wait = await repos.waits.armWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-1',
      since: NOW,
      now: NOW,
    });

    expect(wait).toMatchObject({ status: 'WAITING', taskToken: 'token-1', since: NOW });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ ...keys.wait('p-1', 'MIDTERM_REPORT'), entity: 'WAIT' }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  test('re-arming within a round swaps the token only while the same round waits', async () => {
    ddb.on(GetCommand, { Key: keys.wait('p-1', 'MIDTERM_REPORT') }).resolves({ Item: waiting });

    await repos.waits.armWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-2',
      since: NOW,
      now: LATER,
    });

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET taskToken = :token, updatedAt = :now',
      ConditionExpression: '#status = :waiting AND since = :since',
      ExpressionAttributeValues: expect.objectContaining({ ':token': 'token-2', ':since': NOW }),
    });
  });

  test('a later since starts a new round: WAITING again and the satisfying upload removed', async () => {
    ddb
      .on(GetCommand, { Key: keys.wait('p-1', 'MIDTERM_REPORT') })
      .resolves({ Item: { ...waiting, status: 'SATISFIED', uploadId: 'up-1' } });

    const wait = await repos.waits.armWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-2',
      since: LATER,
      now: LATER,
    });

    expect(wait).not.toHaveProperty('uploadId');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression:
        'SET #status = :waiting, taskToken = :token, since = :since, updatedAt = :now REMOVE uploadId',
      ConditionExpression: '#status = :storedStatus AND since = :storedSince',
      ExpressionAttributeValues: expect.objectContaining({
        ':storedStatus': 'SATISFIED',
        ':storedSince': NOW,
      }),
    });
  });

  test('satisfying is conditional on WAITING, the token and the round; a lost race answers false', async () => {
    ddb.on(GetCommand, { Key: keys.wait('p-1', 'MIDTERM_REPORT') }).resolves({ Item: waiting });
    ddb
      .on(GetCommand, { Key: keys.deliverable('p-1', 'up-2') })
      .resolves({ Item: { ...deliverable, uploadId: 'up-2', kind: 'MIDTERM_REPORT' } });
    ddb.on(UpdateCommand).rejects(conditionFailed());

    const satisfied = await repos.waits.satisfyWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-1',
      uploadId: 'up-2',
      now: LATER,
    });

    expect(satisfied).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status = :waiting AND taskToken = :token AND since = :since',
      ExpressionAttributeValues: expect.objectContaining({
        ':token': 'token-1',
        ':uploadId': 'up-2',
        ':since': NOW,
      }),
    });
  });

  test('an upload made before the round began, or under another token, writes nothing', async () => {
    ddb
      .on(GetCommand, { Key: keys.wait('p-1', 'MIDTERM_REPORT') })
      .resolves({ Item: { ...waiting, since: LATER } });
    ddb
      .on(GetCommand, { Key: keys.deliverable('p-1', 'old') })
      .resolves({ Item: { ...deliverable, uploadId: 'old', kind: 'MIDTERM_REPORT', uploadedAt: NOW } });

    const old = await repos.waits.satisfyWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-1',
      uploadId: 'old',
      now: LATER,
    });
    const otherToken = await repos.waits.satisfyWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'token-0',
      uploadId: 'old',
      now: LATER,
    });

    expect([old, otherToken]).toEqual([false, false]);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('payment steps', () => {
  const notified: PaymentRecord = {
    purchaseId: 'p-1',
    tranche: 2,
    milestone: 'MIDTERM_PASSED',
    amountFen: 300_000,
    dueDate: '2026-05-01',
    status: 'NOTIFIED',
    notifiedAt: NOW,
  };

  test('opening a payment puts PAYMENT#<2 digits> once with its payment.notified entry', async () => {
    storedPurchase();
    ddb.on(TransactWriteCommand).resolves({});
    const { status: _status, ...notice } = notified;

    await repos.payments.openPayment({ ...notice, dueDate: '2026-05-01', notifiedAt: NOW }, NOW);

    const items = transactions()[0]?.TransactItems ?? [];
    expect(items[0]?.Put).toMatchObject({
      Item: { PK: 'PURCHASE#p-1', SK: 'PAYMENT#02', status: 'NOTIFIED' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(items[2]?.Put?.Item).toMatchObject({ action: 'payment.notified', detail: { tranche: 2 } });
    expect(items[3]?.Put?.Item).toMatchObject({ eventId: 'payment:2:notified' });
  });

  test('confirming moves only a NOTIFIED payment, audited in the same transaction', async () => {
    storedPurchase();
    ddb.on(GetCommand, { Key: keys.payment('p-1', 2) }).resolves({ Item: notified });
    ddb.on(TransactWriteCommand).resolves({});

    const result = await repos.payments.confirmPayment({
      purchaseId: 'p-1',
      tranche: 2,
      by: 'clerk@bureau.example',
      reference: 'BOC-1',
      now: LATER,
    });

    expect(result).toMatchObject({
      outcome: 'CONFIRMED',
      payment: { status: 'CONFIRMED', reference: 'BOC-1' },
    });
    const [move, , auditPut] = transactions()[0]?.TransactItems ?? [];
    expect(move?.Update?.Key).toEqual(keys.payment('p-1', 2));
    expect(move?.Update?.ConditionExpression).toMatch(/^\(#n\d+ = :v\d+\)$/);
    expect(Object.values(move?.Update?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['NOTIFIED', 'CONFIRMED', 'BOC-1']),
    );
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'payment.confirmed', actor: 'clerk@bureau.example' });
  });

  test('a withheld payment is not payable and nothing is written', async () => {
    ddb
      .on(GetCommand, { Key: keys.payment('p-1', 2) })
      .resolves({ Item: { ...notified, status: 'WITHHELD' } });

    const result = await repos.payments.confirmPayment({
      purchaseId: 'p-1',
      tranche: 2,
      by: 'clerk@bureau.example',
      reference: 'BOC-1',
      now: LATER,
    });

    expect(result.outcome).toBe('NOT_PAYABLE');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('closing a tranche finance never heard of creates it closed; a confirmed one is left alone', async () => {
    storedPurchase();
    ddb
      .on(GetCommand, { Key: keys.payment('p-1', 1) })
      .resolves({ Item: { ...notified, tranche: 1, status: 'CONFIRMED' } });
    ddb.on(TransactWriteCommand).resolves({});
    const close = (tranche: number) =>
      repos.payments.closePayment({
        purchaseId: 'p-1',
        tranche,
        milestone: 'EVALUATION_PASSED',
        amountFen: 300_000,
        status: 'CANCELLED',
        reason: 'terminated',
        now: LATER,
      });

    const confirmed = await close(1);
    const created = await close(3);

    expect(confirmed.status).toBe('CONFIRMED');
    expect(created).toMatchObject({ tranche: 3, status: 'CANCELLED', reason: 'terminated', closedAt: LATER });
    expect(created).not.toHaveProperty('dueDate');
    expect(transactions()).toHaveLength(1);
    const [put, , auditPut] = transactions()[0]?.TransactItems ?? [];
    expect(put?.Put).toMatchObject({
      Item: { SK: 'PAYMENT#03' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'payment.cancelled' });
  });
});

describe('track record', () => {
  const entry = {
    purchaseId: 'p-1',
    grade: 'PASS' as const,
    total: 725,
    evaluatedAt: LATER,
    evaluatedOn: '2026-04-02',
  };

  test('an evaluation is put once under the NGO; a repeat is swallowed', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());

    await repos.trackRecords.addEvaluation('52350200MJ0000000X', entry);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ ...keys.trackRecord('52350200MJ0000000X', 'p-1'), grade: 'PASS' }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  test('entries come back without item attributes, oldest first', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          ...keys.trackRecord('c', 'p-2'),
          entity: 'TRACK_RECORD',
          creditCode: 'c',
          ...entry,
          purchaseId: 'p-2',
          evaluatedAt: '2027-01-01T00:00:00.000Z',
        },
        { ...keys.trackRecord('c', 'p-1'), entity: 'TRACK_RECORD', creditCode: 'c', ...entry },
      ],
    });

    const entries = await repos.trackRecords.listEvaluations('c');

    expect(entries).toEqual([
      entry,
      { ...entry, purchaseId: 'p-2', evaluatedAt: '2027-01-01T00:00:00.000Z' },
    ]);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
