import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../../shared/adapters/dynamodb/index.js';
import { backfillPurchaseListing } from '../../../shared/adapters/dynamodb/purchase-listing.js';
import {
  GSI2,
  keys,
  LISTING_PROJECTED_ATTRIBUTES,
  listingPartition,
  TTL_ATTRIBUTE,
  UPLOAD_COUNTS_PARTITION,
} from '../../../shared/adapters/dynamodb/table-design.js';
import type { Repositories } from '../../../shared/ports/repositories.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js';
import { repositoryContract } from '../../support/repository-contract/index.js';
import { chief, LATER, NOW, proposal } from '../../support/repository-contract/subject.js';

/** One emulator for the file: the contract's cases and the table's own share it. */
let started: Promise<DynamoDbLocal> | undefined;
const dynamoDbLocal = () => {
  started ??= startDynamoDbLocal();
  return started;
};

afterAll(async () => {
  await (await started)?.stop();
});

/**
 * The table's repositories on DynamoDB Local, through a document client without
 * `removeUndefinedValues` (the functions' client has it; the repositories must not need it).
 */
repositoryContract('DynamoDB Local', async () => {
  const { client, tableName } = await dynamoDbLocal();
  return {
    repos: createRepositories({ client, tableName }),
    backdoor: {
      async editAuditEntry(purchaseId, seq, change) {
        const fields = Object.entries(change);
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.audit(purchaseId, seq),
            UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field])),
            ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          }),
        );
      },
      async insertAuditEntry(entry) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.audit(entry.purchaseId, entry.seq), entity: 'AUDIT', ...entry },
          }),
        );
      },
      async reservation(lineId, purchaseId) {
        const { Item } = await client.send(
          new GetCommand({
            TableName: tableName,
            Key: keys.reservation(lineId, purchaseId),
            ConsistentRead: true,
          }),
        );
        return Item && { status: Item.status, amountFen: Item.amountFen, keptFen: Item.keptFen };
      },
    },
  };
});

/** What a purchase item holds for the list only (what it held before the list existed is the rest). */
const LIST_ONLY_ATTRIBUTES = [
  ...LISTING_PROJECTED_ATTRIBUTES.filter(
    (a) => !['purchaseId', 'stage', 'createdAt', 'updatedAt'].includes(a),
  ),
  'GSI2PK',
  'GSI2SK',
  'listingVersion',
];

/** What only the table shows: its indexes' projections, and items written before later fields existed. */
describe('the table behind the repositories', () => {
  let db: DynamoDbLocal;
  let repos: Repositories;

  beforeAll(async () => {
    db = await dynamoDbLocal();
    repos = createRepositories({ client: db.client, tableName: db.tableName });
  });

  const taskItem = async (taskId: string) =>
    (
      await db.client.send(
        new GetCommand({ TableName: db.tableName, Key: keys.task(taskId), ConsistentRead: true }),
      )
    ).Item;

  it('a task item holds its token in the table but not in GSI1, and holds none when opened without one', async () => {
    const purchaseId = randomUUID();
    await repos.purchases.createPurchase({ purchaseId, proposal, createdBy: 'officer-1', now: NOW });
    const open = (stepKey: string, taskToken?: string) =>
      repos.tasks.openTask({
        purchaseId,
        stepKey,
        purpose: 'COUNTERSIGN',
        attempt: 'FIRST',
        assignee: chief,
        taskToken,
        expiresAt: '2026-04-30T08:00:00.000Z',
        now: NOW,
      });
    const { task } = await open('COUNTERSIGN', 'token-1');
    const { task: tokenless } = await open('COUNTERSIGN:2');

    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': `PURCHASE#${purchaseId}` },
      }),
    );
    expect(Items).toHaveLength(2);
    for (const item of Items) {
      expect(item).not.toHaveProperty('taskToken');
      expect(item).not.toHaveProperty('nonce');
    }
    expect((await taskItem(task.taskId))?.taskToken).toBe('token-1');
    expect(await taskItem(tokenless.taskId)).not.toHaveProperty('taskToken');
  });

  it('a purchase item written before decisions existed takes a later-stage decision', async () => {
    const purchaseId = randomUUID();
    await repos.purchases.createPurchase({ purchaseId, proposal, createdBy: 'officer-1', now: NOW });
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.purchase(purchaseId),
        UpdateExpression: 'REMOVE decisions',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
    expect((await repos.purchases.getPurchase(purchaseId))?.decisions).toEqual({});
    const { task } = await repos.tasks.openTask({
      purchaseId,
      stepKey: 'MIDTERM_REVIEW:1',
      purpose: 'MIDTERM_REVIEW',
      attempt: 'FIRST',
      assignee: chief,
      taskToken: 't',
      expiresAt: '2026-04-30T08:00:00.000Z',
      now: NOW,
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

  /** The section chief's approval task on the purchase: it makes the chief one of its viewers. */
  const askChief = (purchaseId: string) =>
    repos.tasks.openTask({
      purchaseId,
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      assignee: chief,
      taskToken: 't',
      expiresAt: '2026-04-30T08:00:00.000Z',
      now: NOW,
    });

  it('GSI2 lists purchase items only, each with its row and filters and never the proposal or the audit head', async () => {
    const budgetYear = 3000 + Math.floor(Math.random() * 1000);
    const purchaseId = randomUUID();
    await repos.purchases.createPurchase({
      purchaseId,
      proposal: { ...proposal, budgetLineRef: `${budgetYear}-MZ-ELDER-01` },
      createdBy: 'officer-1',
      now: NOW,
    });
    await askChief(purchaseId);

    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: GSI2.indexName,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': listingPartition(budgetYear) },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Object.keys(Items[0] ?? {}).sort()).toEqual(
      [...LISTING_PROJECTED_ATTRIBUTES, 'PK', 'SK', 'GSI2PK', 'GSI2SK'].sort(),
    );
    expect(Items[0]?.viewerEmails).toEqual(new Set([chief.email]));
  });

  it('a purchase from before the list is listed from its next change; the backfill lists the untouched ones and gives both their assignees', async () => {
    const budgetYear = 4000 + Math.floor(Math.random() * 1000);
    const yearProposal = { ...proposal, budgetLineRef: `${budgetYear}-MZ-ELDER-01` };
    const [changed, untouched] = [randomUUID(), randomUUID()];
    for (const purchaseId of [changed, untouched]) {
      await repos.purchases.createPurchase({ purchaseId, proposal: yearProposal, createdBy: 'o', now: NOW });
      await askChief(purchaseId);
      // As the item was before the list existed.
      await db.client.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.purchase(purchaseId),
          UpdateExpression: `REMOVE ${LIST_ONLY_ATTRIBUTES.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
        }),
      );
    }
    const listed = async (assignedTo?: string) =>
      (
        await repos.purchases.listPurchases({
          filter: { budgetYear, ...(assignedTo ? { assignedTo } : {}) },
          sort: 'newest',
          limit: 25,
        })
      ).items.map((row) => row.purchaseId);
    expect(await listed()).toEqual([]);

    await repos.purchases.change({
      purchaseId: changed,
      audit: { actor: 'system:x', action: 'note.added' },
      eventId: 'note',
      now: LATER,
    });
    expect(await listed()).toEqual([changed]);

    // Listed again, but its earlier task's assignee is not known yet.
    expect(await listed(chief.email)).toEqual([]);

    expect(await backfillPurchaseListing({ client: db.client, tableName: db.tableName })).toMatchObject({
      updated: 2,
    });
    expect((await listed()).sort()).toEqual([changed, untouched].sort());
    expect((await listed(chief.email)).sort()).toEqual([changed, untouched].sort());
    expect(await repos.purchases.verifyAuditChain(untouched)).toMatchObject({ valid: true });
    expect(await backfillPurchaseListing({ client: db.client, tableName: db.tableName })).toMatchObject({
      updated: 0,
    });
  });

  it('an upload count lives in its own partition with the ids it counted and a TTL two days past its day', async () => {
    const purchaseId = randomUUID();
    await repos.uploadCounts.countUpload({
      purchaseId,
      kind: 'EVIDENCE',
      measure: 'OBJECT',
      day: '2026-04-01',
      id: 'upload-1/v1',
      limit: 20,
    });

    const { Item } = await db.client.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.uploadCount(purchaseId, '2026-04-01', 'EVIDENCE', 'OBJECT'),
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject({
      PK: `${UPLOAD_COUNTS_PARTITION}${purchaseId}`,
      count: 1,
      counted: new Set(['upload-1/v1']),
      [TTL_ATTRIBUTE]: Date.parse('2026-04-03T16:00:00.000Z') / 1000,
    });
    // Nothing of the purchase's own partition is touched.
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.purchase(purchaseId).PK },
      }),
    );
    expect(Items).toEqual([]);
  });

  it('a budget line seeded before lines held their reservations takes a reservation and its release', async () => {
    const lineId = `L-${randomUUID()}`;
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.budgetLine(lineId),
          entity: 'BUDGET_LINE',
          lineId,
          year: 2026,
          totalFen: 1_000,
          availableFen: 1_000,
        },
      }),
    );
    expect(await repos.budgets.reserve({ lineId, purchaseId: 'p-old', amountFen: 400, now: NOW })).toEqual({
      status: 'RESERVED',
      availableFen: 600,
    });
    expect(await repos.budgets.release({ lineId, purchaseId: 'p-old', now: LATER })).toEqual({
      status: 'RELEASED',
    });
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(1_000);
  });
});
