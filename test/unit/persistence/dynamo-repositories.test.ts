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
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import {
  ContentionError,
  createRepositories,
  StageConflictError,
} from '../../../shared/adapters/dynamodb/index.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import { computeEntryHash, GENESIS_HASH } from '../../../shared/domain/audit-chain.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const TABLE = 'purchases-unit';
let repos: Repositories;

const NOW = '2026-03-02T08:00:00.000Z';
const proposal = {
  title: 'Home care visits',
  totalFen: 1_000_000,
  budgetLineRef: '2026-MZ-ELDER-01',
} as Proposal;

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
    expect(singleWrites).toHaveLength(4);
    expect(transactionItems).toHaveLength(17);
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
      ConditionExpression: '#status = :pending AND nonce = :nonce AND expiresAt > :now',
      ExpressionAttributeValues: { ':nonce': 'right-nonce', ':now': NOW, ':pending': 'PENDING' },
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

  test('reserve decrements the line only if enough is available, in one transaction with the reservation put', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb
      .on(GetCommand, { Key: keys.budgetLine('L-1') })
      .resolves({ Item: { lineId: 'L-1', availableFen: 700 } });

    expect(
      await repos.budgets.reserve({ lineId: 'L-1', purchaseId: 'p-1', amountFen: 300, now: NOW }),
    ).toEqual({
      status: 'RESERVED',
      availableFen: 700,
    });
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Update: expect.objectContaining({
            Key: keys.budgetLine('L-1'),
            UpdateExpression: 'SET availableFen = availableFen - :amount',
            ConditionExpression: 'attribute_exists(PK) AND availableFen >= :amount',
            ExpressionAttributeValues: { ':amount': 300 },
          }),
        },
        {
          Put: expect.objectContaining({
            Item: expect.objectContaining({
              ...keys.reservation('L-1', 'p-1'),
              status: 'RESERVED',
              amountFen: 300,
            }),
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        },
      ],
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

  test('a stage move from a stage the purchase has left is a StageConflictError unless its event was applied', async () => {
    ddb.on(GetCommand, { Key: keys.purchase('p-1') }).resolves({ Item: purchase });
    const move = { ...changeInput, from: 'PROPOSAL' as const, to: 'APPROVAL' as const };

    await expect(repos.purchases.change(move)).rejects.toThrow(StageConflictError);
    ddb.on(GetCommand, { Key: keys.event('p-1', 'note-1') }).resolves({ Item: { eventId: 'note-1' } });
    expect(await repos.purchases.change(move)).toEqual(purchase);
    expect(transactions()).toHaveLength(0);
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

  test('reserve: an existing reservation means RESERVED, a failed decrement INSUFFICIENT or NO_SUCH_LINE', async () => {
    ddb
      .on(GetCommand, { Key: keys.reservation('L-1', 'p-1') })
      .resolves({ Item: { status: 'RESERVED', amountFen: 300 } });
    ddb
      .on(GetCommand, { Key: keys.budgetLine('L-1') })
      .resolves({ Item: { lineId: 'L-1', availableFen: 200 } });
    const reserve = (lineId: string) =>
      repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 300, now: NOW });

    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
    expect(await reserve('L-1')).toEqual({ status: 'RESERVED', availableFen: 200 });

    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await reserve('L-1')).toEqual({ status: 'INSUFFICIENT', availableFen: 200 });
    expect(await reserve('L-missing')).toEqual({ status: 'NO_SUCH_LINE' });
  });

  test('release of a reservation that is not RESERVED answers NOT_RESERVED without writing', async () => {
    ddb
      .on(GetCommand, { Key: keys.reservation('L-1', 'p-1') })
      .resolves({ Item: { status: 'RELEASED', amountFen: 300 } });

    expect(await repos.budgets.release({ lineId: 'L-1', purchaseId: 'p-1', now: NOW })).toEqual({
      status: 'NOT_RESERVED',
    });
    expect(transactions()).toHaveLength(0);
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

  test('decide with a wrong nonce, after expiry, on a superseded or missing task writes nothing', async () => {
    ddb.on(GetCommand, { Key: keys.task('task-1') }).resolves({ Item: task });
    ddb
      .on(GetCommand, { Key: keys.task('task-2') })
      .resolves({ Item: { ...task, taskId: 'task-2', status: 'SUPERSEDED' } });
    const decide = (taskId: string, nonce: string, now = NOW) =>
      repos.tasks.decide({ taskId, nonce, decision: 'APPROVE', comment: '', now });

    expect((await decide('task-1', 'wrong-nonce')).outcome).toBe('BAD_NONCE');
    expect((await decide('task-1', 'right-nonc')).outcome).toBe('BAD_NONCE');
    expect((await decide('task-1', 'right-nonce', task.expiresAt)).outcome).toBe('EXPIRED');
    expect((await decide('task-2', 'right-nonce')).outcome).toBe('NOT_PENDING');
    expect((await decide('task-3', 'right-nonce')).outcome).toBe('NOT_FOUND');
    expect(transactions()).toHaveLength(0);
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
