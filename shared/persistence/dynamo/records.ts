import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, HumanTask, PublicHumanTask, PurchaseRecord } from '../ports.js';
import { keys } from '../table-design.js';
import type { UpdateBuilder } from './expressions.js';

/** Maps between stored items and the records of ports.ts; item-only attributes stay here. */

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

export function purchaseFromItem(item: Item): PurchaseRecord {
  const record: PurchaseRecord = {
    purchaseId: item.purchaseId as string,
    version: item.version as number,
    stage: item.stage as PurchaseRecord['stage'],
    proposal: item.proposal as PurchaseRecord['proposal'],
    createdBy: item.createdBy as string,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    approvalLevels: (item.approvalLevels ?? []) as PurchaseRecord['approvalLevels'],
    approvals: (item.approvals ?? {}) as PurchaseRecord['approvals'],
    auditSeq: item.auditSeq as number,
    auditHash: item.auditHash as string,
  };
  if (item.outcome !== undefined) record.outcome = item.outcome as PurchaseRecord['outcome'];
  if (item.budget !== undefined) record.budget = item.budget as PurchaseRecord['budget'];
  return record;
}

export function auditEntryFromItem(item: Item): AuditEntry {
  return {
    purchaseId: item.purchaseId as string,
    seq: item.seq as number,
    at: item.at as string,
    actor: item.actor as string,
    action: item.action as string,
    detail: (item.detail ?? {}) as Record<string, unknown>,
    eventId: item.eventId as string,
    prevHash: item.prevHash as string,
    hash: item.hash as string,
  };
}

export function taskFromItem(item: Item): HumanTask {
  return { ...publicTaskFromItem(item), taskToken: item.taskToken as string, nonce: item.nonce as string };
}

/** Picks the public fields one by one, so a secret added to the item later is not leaked. */
export function publicTaskFromItem(item: Item): PublicHumanTask {
  const task: PublicHumanTask = {
    taskId: item.taskId as string,
    purchaseId: item.purchaseId as string,
    stepKey: item.stepKey as string,
    purpose: item.purpose as HumanTask['purpose'],
    level: item.level as HumanTask['level'],
    attempt: item.attempt as HumanTask['attempt'],
    assignee: item.assignee as HumanTask['assignee'],
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
    status: item.status as HumanTask['status'],
    mailsSent: (item.mailsSent ?? []) as HumanTask['mailsSent'],
  };
  if (item.decision !== undefined) task.decision = item.decision as HumanTask['decision'];
  if (item.deliveredAt !== undefined) task.deliveredAt = item.deliveredAt as string;
  return task;
}

/**
 * The three writes every audited change shares: the purchase item moves its chain head (and
 * version) only if nobody else moved it since it was read, the entry goes in under a sequence
 * number nobody used, and the event marker proves the change was applied once.
 * `meta` already holds the change itself; this adds the head move and its condition.
 */
export function auditedWriteItems(
  tableName: string,
  current: PurchaseRecord,
  entry: AuditEntry,
  meta: UpdateBuilder,
): [TransactItem, TransactItem, TransactItem] {
  meta
    .set('version', current.version + 1)
    .set('auditSeq', entry.seq)
    .set('auditHash', entry.hash)
    .set('updatedAt', entry.at)
    .condition(`${meta.name('auditSeq')} = ${meta.value(current.auditSeq)}`)
    .condition(`${meta.name('version')} = ${meta.value(current.version)}`);
  return [
    { Update: { TableName: tableName, Key: keys.purchase(current.purchaseId), ...meta.build() } },
    auditEntryPut(tableName, entry),
    eventMarkerPut(tableName, entry),
  ];
}

/** An audit entry is written once under its sequence number and never overwritten. */
export function auditEntryPut(tableName: string, entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.audit(entry.purchaseId, entry.seq), entity: 'AUDIT', ...entry },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Proves the change named by the entry's eventId was applied; a second put of it cancels the repeat. */
export function eventMarkerPut(tableName: string, entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.event(entry.purchaseId, entry.eventId),
        entity: 'EVENT',
        eventId: entry.eventId,
        auditSeq: entry.seq,
        at: entry.at,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Every item of a query, following the pages. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
