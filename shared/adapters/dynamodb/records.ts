import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput } from '../../domain/audit.js';
import { nextAuditEntry } from '../../domain/audit-chain.js';
import type { DeliverableRecord, UploadWait } from '../../domain/deliverables.js';
import type { PaymentRecord } from '../../domain/payment-records.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import type { HumanTask, PublicHumanTask } from '../../domain/tasks.js';
import type { TrackRecordEntry } from '../../domain/track-record.js';
import { ContentionError, PurchaseNotFoundError } from './errors.js';
import { UpdateBuilder } from './expressions.js';
import { keys, listingAttributes } from './table-design.js';
import { backoff, cancellationCodes, conditionFailed, lostRace, MAX_ATTEMPTS } from './transactions.js';

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
    // Items written before the later stages existed have no decisions map.
    decisions: (item.decisions ?? {}) as PurchaseRecord['decisions'],
    auditSeq: item.auditSeq as number,
    auditHash: item.auditHash as string,
  };
  for (const field of OPTIONAL_PURCHASE_FIELDS) {
    if (item[field] !== undefined) (record as unknown as Item)[field] = item[field];
  }
  return record;
}

const OPTIONAL_PURCHASE_FIELDS = [
  'outcome',
  'salaryBenchmark',
  'budget',
  'contract',
  'midterm',
  'evaluation',
  'termination',
  'withdrawal',
  'revisions',
  'amendments',
  'closedAt',
  'ngoInvitedAt',
  'failure',
] as const satisfies readonly (keyof PurchaseRecord)[];

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
  const task: HumanTask = { ...publicTaskFromItem(item), nonce: item.nonce as string };
  if (item.taskToken !== undefined) task.taskToken = item.taskToken as string;
  // The evaluator's working draft is for its own page only, never in a listing.
  if (item.draft !== undefined) task.draft = item.draft as HumanTask['draft'];
  return task;
}

/** Picks the public fields one by one, so a secret added to the item later is not leaked. */
export function publicTaskFromItem(item: Item): PublicHumanTask {
  const task: PublicHumanTask = {
    taskId: item.taskId as string,
    purchaseId: item.purchaseId as string,
    stepKey: item.stepKey as string,
    // Tasks written before other purposes existed were all approvals.
    purpose: (item.purpose ?? 'APPROVAL') as HumanTask['purpose'],
    attempt: item.attempt as HumanTask['attempt'],
    assignee: item.assignee as HumanTask['assignee'],
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
    status: item.status as HumanTask['status'],
    mailsSent: (item.mailsSent ?? []) as HumanTask['mailsSent'],
  };
  if (item.level !== undefined) task.level = item.level as HumanTask['level'];
  if (item.context !== undefined) task.context = item.context as HumanTask['context'];
  if (item.declaredAt !== undefined) task.declaredAt = item.declaredAt as string;
  if (item.decision !== undefined) task.decision = item.decision as HumanTask['decision'];
  if (item.deliveredAt !== undefined) task.deliveredAt = item.deliveredAt as string;
  return task;
}

/** Copies the named attributes that are present: item-only attributes (keys, entity) stay behind. */
function pick<T>(item: Item, required: readonly string[], optional: readonly string[]): T {
  const out: Item = {};
  for (const field of required) out[field] = item[field];
  for (const field of optional) if (item[field] !== undefined) out[field] = item[field];
  return out as T;
}

export function deliverableFromItem(item: Item): DeliverableRecord {
  return pick<DeliverableRecord>(
    item,
    [
      'purchaseId',
      'uploadId',
      'kind',
      'key',
      'fileName',
      'size',
      'sha256',
      'uploadedBy',
      'uploadedAt',
      'eTag',
      'status',
      'reasons',
    ],
    ['versionId', 'detectedType', 'declaredContentType'],
  );
}

export function waitFromItem(item: Item): UploadWait {
  return pick<UploadWait>(
    item,
    ['purchaseId', 'kind', 'taskToken', 'since', 'status', 'updatedAt'],
    ['uploadId'],
  );
}

export function paymentFromItem(item: Item): PaymentRecord {
  return pick<PaymentRecord>(
    item,
    ['purchaseId', 'tranche', 'milestone', 'amountFen', 'status'],
    [
      'reduction',
      'dueDate',
      'notifiedAt',
      'confirmTaskId',
      'confirmedAt',
      'confirmedBy',
      'reference',
      'reason',
      'closedAt',
      'waivedBy',
      'remindedAt',
      'escalatedAt',
      'paidFen',
      'transfers',
    ],
  );
}

export function trackRecordFromItem(item: Item): TrackRecordEntry {
  return pick<TrackRecordEntry>(item, ['purchaseId', 'grade', 'total', 'evaluatedAt', 'evaluatedOn'], []);
}

/**
 * The three writes every audited change shares: the purchase item moves its chain head (and
 * version) only if nobody else moved it since it was read, the entry goes in under a sequence
 * number nobody used, and the event marker proves the change was applied once.
 * `meta` already holds the change itself; this adds the head move, its condition and the
 * purchase's list attributes (table-design.ts), of `listed` when the change gives the purchase
 * another proposal (a revision), so it is listed and searched by what it says now.
 */
export function auditedWriteItems(
  tableName: string,
  current: PurchaseRecord,
  entry: AuditEntry,
  meta: UpdateBuilder,
  listed: Pick<PurchaseRecord, 'purchaseId' | 'proposal' | 'createdAt'> = current,
): [TransactItem, TransactItem, TransactItem] {
  // The list's attributes again on every write, so an item from before the list's index gets them.
  for (const [name, value] of Object.entries(listingAttributes(listed))) meta.set(name, value);
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

/**
 * Writes a record's own items together with one audit entry of its purchase (through
 * auditedWriteItems), trying again while other changes move the chain head first.
 * `items` is asked again on every try, so its conditions can follow a fresh read.
 * REFUSED: one of the own items' conditions failed, or the eventId was applied before; the
 * caller reads what is stored and answers from that.
 */
export async function writeWithAudit(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: {
    purchaseId: string;
    audit: AuditInput;
    eventId: string;
    now: string;
    items: () => Promise<TransactItem[]> | TransactItem[];
  },
): Promise<'WRITTEN' | 'REFUSED'> {
  const { purchaseId, audit, eventId, now } = input;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.purchase(purchaseId), ConsistentRead: true }),
    );
    if (!Item) throw new PurchaseNotFoundError(purchaseId);
    const purchase = purchaseFromItem(Item);
    const own = await input.items();
    const entry = nextAuditEntry(purchase, { ...audit, eventId, at: now });
    const audited = auditedWriteItems(tableName, purchase, entry, new UpdateBuilder());
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...own, ...audited] }));
      return 'WRITTEN';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const head = own.length;
      if (own.some((_, index) => conditionFailed(codes, index)) || conditionFailed(codes, head + 2)) {
        return 'REFUSED';
      }
      if (!lostRace(codes, [head, head + 1])) throw error;
      await backoff(attempt);
    }
  }
  throw new ContentionError(`the audit log of purchase ${purchaseId}`, MAX_ATTEMPTS);
}
