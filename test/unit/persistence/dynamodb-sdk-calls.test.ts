import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  ContentionError,
  createRepositories,
  ReservationReleasedError,
} from '../../../shared/adapters/dynamodb/index.js';
import { GSI1_PROJECTED_ATTRIBUTES, keys } from '../../../shared/adapters/dynamodb/table-design.js';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import { computeEntryHash, GENESIS_HASH } from '../../../shared/domain/audit-chain.js';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { PaymentRecord } from '../../../shared/domain/payment-records.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';
import { proposal as wholeProposal } from '../../support/repository-contract/subject.js';

/**
 * The calls the table's repositories make, on a mocked document client: only what the SDK call
 * itself decides, which neither DynamoDB Local nor the fakes can show on their own: the exact
 * condition and update expressions, the transaction each change is one of, the key shapes of
 * the table design, how each TransactionCanceledException reason is read (repeat, lost race,
 * refused), the bounded retries, and that other errors pass through untouched. What the
 * repositories promise is the repository contract (test/support/repository-contract/).
 */

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const TABLE = 'purchases-unit';
let repos: Repositories;

const NOW = '2026-03-02T08:00:00.000Z';
const LATER = '2026-04-02T08:00:00.000Z';
// A whole proposal: every audited write derives the purchase's list attributes from it.
const proposal: Proposal = {
  ...wholeProposal,
  title: 'Home care visits',
  totalFen: 1_000_000,
  budgetLineRef: '2026-MZ-ELDER-01',
};

const purchase: PurchaseRecord = {
  purchaseId: 'p-1',
  version: 3,
  stage: 'APPROVAL',
  proposal,
  createdBy: 'officer-1',
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  approvalLevels: ['SECTION_CHIEF'],
  approvals: {},
  decisions: {},
  auditSeq: 3,
  auditHash: 'c'.repeat(64),
};

const task: HumanTask = {
  taskId: 'task-1',
  purchaseId: 'p-1',
  stepKey: 'APPROVAL:SECTION_CHIEF',
  purpose: 'APPROVAL',
  level: 'SECTION_CHIEF',
  attempt: 'FIRST',
  assignee: { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' },
  taskToken: 'secret-token',
  nonce: 'right-nonce',
  createdAt: '2026-03-01T08:00:00.000Z',
  expiresAt: '2026-03-04T08:00:00.000Z',
  status: 'PENDING',
  mailsSent: ['FIRST'],
};

/** A purchase of the later stages, and what its stages write. */
const contracting: PurchaseRecord = {
  purchaseId: 'p-1',
  version: 7,
  stage: 'CONTRACTING',
  proposal,
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
    .resolves({ Item: { ...keys.purchase('p-1'), ...contracting } });
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  repos = createRepositories({ client, tableName: TABLE });
});

describe('conditional writes', () => {
  test('every write of every repository is conditional, reads are consistent and nothing is deleted', async () => {
    ddb
      .on(GetCommand, { Key: keys.purchase('p-1') })
      .resolves({ Item: { ...keys.purchase('p-1'), ...purchase } });
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: { ...keys.task('task-1'), ...task } });
    ddb
      .on(GetCommand, { Key: keys.step('p-1', 'APPROVAL:SECTION_CHIEF') })
      .resolves({ Item: { taskId: 'task-1' } });
    ddb
      .on(GetCommand, { Key: keys.reservation('L-1', 'p-1') })
      .resolves({ Item: { status: 'RESERVED', amountFen: 500 } });
    ddb
      .on(GetCommand, { Key: keys.budgetLine('L-1') })
      .resolves({ Item: { availableFen: 500, reservations: { 'p-1': 500 } } });
    ddb.on(UpdateCommand).resolves({ Attributes: { ...task, taskToken: 'token-2' } });

    await repos.purchases.createPurchase({
      purchaseId: 'p-2',
      proposal,
      createdBy: 'o',
      idempotencyKey: 'k',
      now: NOW,
    });
    await repos.purchases.change({
      purchaseId: 'p-1',
      from: 'APPROVAL',
      to: 'REJECTED',
      audit: { actor: 'a', action: 'purchase.rejected' },
      eventId: 'e',
      now: NOW,
    });
    await repos.budgets.ensureBudgetLine({ lineId: 'L-1', year: 2026, description: 'd', totalFen: 1_000 });
    await repos.budgets.reserve({ lineId: 'L-1', purchaseId: 'p-3', amountFen: 10, now: NOW });
    await repos.budgets.release({ lineId: 'L-1', purchaseId: 'p-1', now: NOW });
    await repos.tasks.openTask({
      purchaseId: 'p-9',
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: task.assignee,
      taskToken: 't',
      expiresAt: task.expiresAt,
      now: NOW,
    });
    await repos.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'REMINDER',
      assignee: task.assignee,
      taskToken: 'token-2',
      expiresAt: task.expiresAt,
      now: NOW,
    });
    await repos.tasks.recordMailSent('task-1', 'REMINDER');
    await repos.tasks.decide({
      taskId: 'task-1',
      nonce: 'right-nonce',
      decision: 'APPROVE',
      comment: '',
      now: NOW,
    });
    await repos.tasks.markDelivered('task-1', NOW);

    const singleWrites = [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)].map(
      (call) => call.args[0].input,
    );
    const transactionItems = transactions().flatMap((input) => input.TransactItems ?? []);
    // The budget line's reserve and release are single-item updates, each followed by the record's write.
    expect(singleWrites).toHaveLength(8);
    // openTask's transaction also adds the assignee to the purchase's viewerEmails.
    expect(transactionItems).toHaveLength(14);
    for (const write of singleWrites) expect(write.ConditionExpression).toEqual(expect.any(String));
    for (const item of transactionItems) {
      const write = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
      expect(write?.ConditionExpression).toEqual(expect.any(String));
      expect(item.Delete).toBeUndefined();
    }
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    for (const call of ddb.commandCalls(GetCommand)) expect(call.args[0].input.ConsistentRead).toBe(true);
  });
});

describe('transaction shapes', () => {
  test('decide updates the task only if pending with this nonce and unexpired, and appends the audit entry atomically', async () => {
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: task });
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    ddb.on(TransactWriteCommand).resolves({});

    const result = await repos.tasks.decide({
      taskId: 'task-1',
      nonce: 'right-nonce',
      decision: 'REJECT',
      comment: 'budget too high',
      now: NOW,
    });

    expect(result).toMatchObject({
      outcome: 'DECIDED',
      task: { status: 'DECIDED', decision: { decision: 'REJECT' } },
    });
    const [input] = transactions();
    const [taskUpdate, metaUpdate, auditPut, eventPut] = input?.TransactItems ?? [];
    expect(input?.TransactItems).toHaveLength(4);
    expect(taskUpdate?.Update).toMatchObject({
      Key: keys.task('task-1'),
      ConditionExpression:
        '#status = :pending AND nonce = :nonce AND expiresAt > :now AND taskToken = :token',
      ExpressionAttributeValues: {
        ':nonce': 'right-nonce',
        ':now': NOW,
        ':pending': 'PENDING',
        ':token': 'secret-token',
      },
    });
    const meta = metaUpdate?.Update;
    expect(meta?.Key).toEqual(keys.purchase('p-1'));
    expect(Object.values(meta?.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['approvals', 'SECTION_CHIEF', 'auditSeq', 'auditHash', 'version']),
    );
    expect(meta?.ConditionExpression).toMatch(/^\(#n\d+ = :v\d+\) AND \(#n\d+ = :v\d+\)$/);
    expect(Object.values(meta?.ExpressionAttributeValues ?? {})).toEqual(expect.arrayContaining([3, 4]));

    const entry = auditPut?.Put?.Item as AuditEntry & { PK: string; SK: string };
    expect(auditPut?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(entry).toMatchObject({
      ...keys.audit('p-1', 4),
      seq: 4,
      prevHash: purchase.auditHash,
      actor: task.assignee.email,
      action: 'approval.decided',
      eventId: 'decide:task-1',
      detail: {
        level: 'SECTION_CHIEF',
        decision: 'REJECT',
        comment: 'budget too high',
        taskId: 'task-1',
        attempt: 'FIRST',
      },
    });
    expect(entry.hash).toBe(computeEntryHash(entry));
    expect(eventPut?.Put).toMatchObject({
      Item: keys.event('p-1', 'decide:task-1'),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  test('reserve is one conditional update of the line (enough left, not reserved or released before), then the record', async () => {
    ddb
      .on(UpdateCommand, { Key: keys.budgetLine('L-1') })
      .resolves({ Attributes: { availableFen: 700, reservations: { 'p-1': 300 } } });
    ddb.on(PutCommand).resolves({});

    expect(
      await repos.budgets.reserve({ lineId: 'L-1', purchaseId: 'p-1', amountFen: 300, now: NOW }),
    ).toEqual({ status: 'RESERVED', availableFen: 700 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.budgetLine('L-1'),
      UpdateExpression: 'SET availableFen = availableFen - :amount, reservations.#purchase = :amount',
      ConditionExpression:
        'attribute_exists(PK) AND availableFen >= :amount AND attribute_not_exists(reservations.#purchase) AND NOT contains(released, :purchaseId)',
      ExpressionAttributeNames: { '#purchase': 'p-1' },
      ExpressionAttributeValues: { ':amount': 300, ':purchaseId': 'p-1' },
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        ...keys.reservation('L-1', 'p-1'),
        status: 'RESERVED',
        amountFen: 300,
      }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  test('an escalation supersedes the pending task of the base step in the transaction that opens it', async () => {
    ddb
      .on(GetCommand, { Key: keys.step('p-1', 'APPROVAL:SECTION_CHIEF') })
      .resolves({ Item: { taskId: 'task-1' } });
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: task });
    ddb.on(TransactWriteCommand).resolves({});

    const { task: opened, created } = await repos.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
      level: 'SECTION_CHIEF',
      attempt: 'ESCALATION',
      assignee: { name: 'Wu Fang', email: 'wu@bureau.example', role: 'DEPUTY' },
      taskToken: 'token-e',
      expiresAt: task.expiresAt,
      now: NOW,
    });

    expect(created).toBe(true);
    expect(opened.taskId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(opened.nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [pointer, put, supersede] = transactions()[0]?.TransactItems ?? [];
    expect(pointer?.Put?.Item).toMatchObject({
      ...keys.step('p-1', 'APPROVAL:SECTION_CHIEF:ESCALATED'),
      taskId: opened.taskId,
    });
    expect(put?.Put?.Item).toMatchObject({
      ...keys.task(opened.taskId),
      GSI1PK: 'PURCHASE#p-1',
      status: 'PENDING',
    });
    expect(supersede?.Update).toMatchObject({
      Key: keys.task('task-1'),
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: expect.objectContaining({ ':superseded': 'SUPERSEDED' }),
    });
  });

  test('opening a task adds its assignee (lower case) to the purchase’s viewerEmails in the same transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    await repos.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: { name: 'Chen Li', email: 'Chen.Li@Bureau.example', role: 'SECTION_CHIEF' },
      taskToken: 't',
      expiresAt: task.expiresAt,
      now: NOW,
    });

    const items = transactions()[0]?.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[2]?.Update).toEqual({
      TableName: TABLE,
      Key: keys.purchase('p-1'),
      UpdateExpression: 'ADD viewerEmails :email',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':email': new Set(['chen.li@bureau.example']) },
    });
  });

  test('every audited write of a purchase sets its list attributes again, so an item from before GSI2 gets them', async () => {
    ddb
      .on(GetCommand, { Key: keys.purchase('p-1') })
      .resolves({ Item: { ...keys.purchase('p-1'), ...purchase } });
    ddb.on(TransactWriteCommand).resolves({});

    await repos.purchases.change({
      purchaseId: 'p-1',
      audit: { actor: 'a', action: 'note.added' },
      eventId: 'note',
      now: NOW,
    });

    const update = transactions()[0]?.TransactItems?.[0]?.Update;
    expect(Object.values(update?.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['GSI2PK', 'GSI2SK', 'title', 'ngoCreditCode', 'searchText', 'budgetYear']),
    );
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['YEAR#2026', `${purchase.createdAt}#p-1`, 'Home care visits', 2026]),
    );
  });
});

describe('classifying cancelled transactions', () => {
  const changeInput = {
    purchaseId: 'p-1',
    audit: { actor: 'system:x', action: 'note.added' },
    eventId: 'note-1',
    now: NOW,
  };

  test('a change whose event marker already exists is a repeat: the current record comes back, nothing is retried', async () => {
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'ConditionalCheckFailed'));

    expect(await repos.purchases.change(changeInput)).toEqual(purchase);
    expect(transactions()).toHaveLength(1);
  });

  test('a change that lost the audit head to a concurrent append is re-read and retried on the new head', async () => {
    const moved = { ...purchase, version: 4, auditSeq: 4, auditHash: 'd'.repeat(64) };
    ddb
      .on(GetCommand, { Key: keys.purchase('p-1') })
      .resolvesOnce({ Item: purchase })
      .resolves({ Item: moved });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None'))
      .resolves({});

    const result = await repos.purchases.change(changeInput);

    expect(result).toMatchObject({ version: 5, auditSeq: 5 });
    const sent = transactions();
    expect(sent).toHaveLength(3);
    expect(sent[2]?.TransactItems?.[1]?.Put?.Item).toMatchObject({ seq: 5, prevHash: 'd'.repeat(64) });
  });

  test('a change that keeps losing the race gives up with ContentionError after a bounded number of tries', async () => {
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));

    await expect(repos.purchases.change(changeInput)).rejects.toThrow(ContentionError);
    expect(transactions()).toHaveLength(8);
  });

  test('errors that are not cancellations are rethrown untouched', async () => {
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    ddb.on(TransactWriteCommand).rejects(throttled);

    await expect(repos.purchases.change(changeInput)).rejects.toBe(throttled);
  });

  test('a task whose purchase item is not there is opened without the viewer update, not retried until it gives up', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .resolves({});

    const { created } = await repos.tasks.openTask({
      purchaseId: 'p-missing',
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: task.assignee,
      taskToken: 't',
      expiresAt: task.expiresAt,
      now: NOW,
    });

    expect(created).toBe(true);
    expect(transactions().map((input) => input.TransactItems?.length)).toEqual([3, 2]);
  });

  test('a create cancelled on the idempotency key returns the purchase that key created first', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));
    ddb
      .on(GetCommand, { Key: keys.idempotency('officer-1', 'k-1') })
      .resolves({ Item: { purchaseId: 'p-1' } });
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });

    const result = await repos.purchases.createPurchase({
      purchaseId: 'p-new',
      proposal,
      createdBy: 'officer-1',
      idempotencyKey: 'k-1',
      now: NOW,
    });

    expect(result).toEqual({ purchase, created: false });
    const items = transactions()[0]?.TransactItems ?? [];
    expect(items[0]?.Put?.Item).toMatchObject({ GSI1PK: 'OPEN', stage: 'PROPOSAL', auditSeq: 1 });
    expect(items[1]?.Put?.Item).toMatchObject({
      action: 'proposal.submitted',
      actor: 'officer-1',
      prevHash: GENESIS_HASH,
    });
    expect(items[3]?.Put?.Item).toMatchObject({
      ...keys.idempotency('officer-1', 'k-1'),
      purchaseId: 'p-new',
    });
  });

  test('reserve: a failed condition reads the line: held by the purchase RESERVED, released refused, else INSUFFICIENT or NO_SUCH_LINE', async () => {
    const failed = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    ddb.on(UpdateCommand).rejects(failed);
    ddb.on(PutCommand).rejects(failed);
    const line = (item: Record<string, unknown>) =>
      ddb.on(GetCommand, { Key: keys.budgetLine('L-1') }).resolves({ Item: item });
    const reserve = (lineId: string) =>
      repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 300, now: NOW });

    line({ availableFen: 200, reservations: { 'p-1': 300 } });
    expect(await reserve('L-1')).toEqual({ status: 'RESERVED', availableFen: 200 });
    line({ availableFen: 200, reservations: {} });
    expect(await reserve('L-1')).toEqual({ status: 'INSUFFICIENT', availableFen: 200 });
    line({ availableFen: 900, reservations: {}, released: new Set(['p-1']) });
    await expect(reserve('L-1')).rejects.toThrow(ReservationReleasedError);
    expect(await reserve('L-missing')).toEqual({ status: 'NO_SUCH_LINE' });
  });

  test('decide cancelled on the task condition reads the task and answers ALREADY_DECIDED with the decision', async () => {
    const decided: HumanTask = {
      ...task,
      status: 'DECIDED',
      decision: {
        decision: 'APPROVE',
        by: task.assignee.email,
        byName: 'Chen Li',
        comment: '',
        at: NOW,
        taskId: 'task-1',
      },
    };
    ddb
      .on(GetCommand, { Key: keys.task('task-1') })
      .resolvesOnce({ Item: task })
      .resolves({ Item: decided });
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    ddb
      .on(TransactWriteCommand)
      .rejects(
        cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'),
      );

    const result = await repos.tasks.decide({
      taskId: 'task-1',
      nonce: 'right-nonce',
      decision: 'REJECT',
      comment: '',
      now: NOW,
    });

    expect(result).toEqual({ outcome: 'ALREADY_DECIDED', task: decided });
    expect(transactions()).toHaveLength(1);
  });

  test('decide on a task a resumed execution re-armed after the read is tried again and hands back the new token', async () => {
    const rearmed: HumanTask = { ...task, taskToken: 'token-of-the-resumed-execution' };
    ddb
      .on(GetCommand, { Key: keys.task('task-1') })
      .resolvesOnce({ Item: task })
      .resolves({ Item: rearmed });
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'))
      .resolves({});

    const result = await repos.tasks.decide({
      taskId: 'task-1',
      nonce: 'right-nonce',
      decision: 'APPROVE',
      comment: '',
      now: NOW,
    });

    expect(result).toMatchObject({
      outcome: 'DECIDED',
      task: { status: 'DECIDED', taskToken: 'token-of-the-resumed-execution' },
    });
    expect(
      transactions().map((t) => t.TransactItems?.[0]?.Update?.ExpressionAttributeValues?.[':token']),
    ).toEqual(['secret-token', 'token-of-the-resumed-execution']);
  });

  test('recordMailSent is a conditional append that answers false to the second recorder', async () => {
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: task });
    ddb.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());

    expect(await repos.tasks.recordMailSent('task-1', 'REMINDER')).toBe(true);
    expect(await repos.tasks.recordMailSent('task-1', 'REMINDER')).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET mailsSent = list_append(mailsSent, :kinds)',
      ConditionExpression: 'attribute_exists(PK) AND NOT contains(mailsSent, :kind)',
      ExpressionAttributeValues: { ':kinds': ['REMINDER'], ':kind': 'REMINDER' },
    });
  });
});

describe('the purchases list', () => {
  const row = (n: number, stage = 'PROPOSAL') => ({
    purchaseId: `PUR-2026-${String(n).padStart(16, '0')}`,
    stage,
    createdAt: `2026-03-01T08:00:${String(n).padStart(2, '0')}.000Z`,
    updatedAt: NOW,
    title: 't',
    ngoName: 'n',
    ngoCreditCode: proposal.ngo.creditCode,
    serviceArea: 'ELDERLY_CARE',
    serviceItem: 'EC-HOME-CARE',
    district: 'Siming',
    totalFen: 100,
    budgetYear: 2026,
  });
  const queries = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

  test('newest first: the counts read only the stage of the whole year, the page reads on from the position in GSI2 order until it has one row more', async () => {
    ddb
      .on(QueryCommand, { ProjectionExpression: '#stage' })
      .resolves({ Items: [{ stage: 'PROPOSAL' }, { stage: 'APPROVAL' }, { stage: 'APPROVAL' }] });
    // The filter leaves the first request of the page short: it reads on, and stops with 3 rows for a page of 2.
    ddb
      .on(QueryCommand, { ScanIndexForward: false })
      .resolvesOnce({ Items: [row(9, 'APPROVAL')], LastEvaluatedKey: { k: 1 } })
      .resolvesOnce({ Items: [row(8, 'APPROVAL'), row(7, 'APPROVAL')], LastEvaluatedKey: { k: 2 } })
      .resolves({ Items: [row(6, 'APPROVAL')] });

    const page = await repos.purchases.listPurchases({
      filter: { budgetYear: 2026, stage: 'APPROVAL', terms: ['home'] },
      sort: 'newest',
      limit: 2,
      after: { key: '2026-03-01T08:00:10.000Z', purchaseId: 'PUR-2026-0000000000000010' },
    });

    expect(page.items.map((r) => r.purchaseId)).toEqual([row(9).purchaseId, row(8).purchaseId]);
    expect(page.next).toEqual({ key: row(8).createdAt, purchaseId: row(8).purchaseId });
    expect(page.countsByStage).toMatchObject({ PROPOSAL: 1, APPROVAL: 2 });
    const [counts, ...pages] = queries();
    expect(pages).toHaveLength(2);
    expect(counts).toMatchObject({ IndexName: 'GSI2', ProjectionExpression: '#stage' });
    expect(counts?.FilterExpression).toBe('contains(#searchText, :v1)');
    expect(pages[0]).toMatchObject({
      IndexName: 'GSI2',
      KeyConditionExpression: '#GSI2PK = :v0 AND #GSI2SK < :v1',
      FilterExpression: '#stage = :v2 AND contains(#searchText, :v3)',
      ExpressionAttributeValues: {
        ':v0': 'YEAR#2026',
        ':v1': '2026-03-01T08:00:10.000Z#PUR-2026-0000000000000010',
        ':v2': 'APPROVAL',
        ':v3': 'home',
      },
      Limit: 100,
    });
    expect(pages[1]?.ExclusiveStartKey).toEqual({ k: 1 });
  });

  test('by amount: one query of the year reads whole rows, with no Scan anywhere', async () => {
    ddb.on(QueryCommand).resolves({ Items: [row(1), row(2)] });

    const page = await repos.purchases.listPurchases({
      filter: { budgetYear: 2026, assignedTo: 'chief@bureau.example' },
      sort: 'amount-desc',
      limit: 25,
    });

    expect(page.items).toHaveLength(2);
    expect(queries()).toHaveLength(1);
    expect(queries()[0]).toMatchObject({
      IndexName: 'GSI2',
      KeyConditionExpression: '#GSI2PK = :v0',
      FilterExpression: 'contains(#viewerEmails, :v1)',
    });
    expect(queries()[0]).not.toHaveProperty('Limit');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});

describe('secrets', () => {
  test('listTasks queries GSI1 for the purchase and strips token and nonce even if the index returned them', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ ...task, GSI1PK: 'PURCHASE#p-1', GSI1SK: 'TASK#x' }] });

    const [listed] = await repos.tasks.listTasks('p-1');

    expect(listed).toMatchObject({ taskId: 'task-1', status: 'PENDING' });
    expect(listed).not.toHaveProperty('taskToken');
    expect(listed).not.toHaveProperty('nonce');
    expect(listed).not.toHaveProperty('GSI1PK');
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'GSI1',
      ExpressionAttributeValues: { ':pk': 'PURCHASE#p-1', ':prefix': 'TASK#' },
    });
  });
});

describe('tasks of the later stages', () => {
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
        '#status = :pending AND nonce = :nonce AND expiresAt > :now AND taskToken = :token AND #purpose = :evaluation AND attribute_not_exists(declaredAt)',
      ExpressionAttributeValues: { ':evaluation': 'EVALUATION', ':declaredAt': LATER },
    });
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'evaluation.independence-declared', seq: 8 });
    expect(eventPut?.Put?.Item).toMatchObject({ eventId: 'declare:task-e' });
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
    // Still NOTIFIED, and nothing paid on it since it was read.
    expect(move?.Update?.ConditionExpression).toMatch(
      /^\(#n\d+ = :v\d+\) AND \(attribute_not_exists\(#n\d+\)\)$/,
    );
    expect(Object.values(move?.Update?.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['NOTIFIED', 'CONFIRMED', 'BOC-1']),
    );
    expect(auditPut?.Put?.Item).toMatchObject({ action: 'payment.confirmed', actor: 'clerk@bureau.example' });
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
});
