import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput, ChainVerification } from '../../domain/audit.js';
import { nextAuditEntry, verifyChain } from '../../domain/audit-chain.js';
import { auditEntryFromItem, queryAll, type TransactItem } from './records.js';
import { keys } from './table-design.js';

export interface ChainHead {
  auditSeq: number;
  auditHash: string;
}

/**
 * A partition that is not a purchase's but keeps an audit trail of its own (the reference data,
 * the delegations): its chain head item and its entries, appended in the same transaction as the
 * writes they record, conditional on the head the writer read so the chain never forks.
 */
export class AuditedPartition {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The partition key, also the chain id (`purchaseId`) of its entries. */
    readonly chain: string,
  ) {}

  async head(): Promise<ChainHead> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.chainHead(this.chain), ConsistentRead: true }),
    );
    return {
      auditSeq: (Item?.auditSeq as number | undefined) ?? 0,
      auditHash: (Item?.auditHash as string) ?? '',
    };
  }

  /**
   * The given writes, the next audit entry and the moved chain head, in one transaction. The head
   * and the entry are the last two items: a cancellation at those indexes means another writer
   * moved the head first.
   */
  async append(head: ChainHead, audit: AuditInput, now: string, writes: TransactItem[]): Promise<AuditEntry> {
    const entry = nextAuditEntry(
      { purchaseId: this.chain, ...head },
      { ...audit, eventId: `${audit.action}:${head.auditSeq + 1}`, at: now },
    );
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          ...writes,
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.chainHead(this.chain), auditSeq: entry.seq, auditHash: entry.hash },
              ConditionExpression: head.auditSeq === 0 ? 'attribute_not_exists(PK)' : 'auditSeq = :seq',
              ...(head.auditSeq === 0 ? {} : { ExpressionAttributeValues: { ':seq': head.auditSeq } }),
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.chainAudit(this.chain, entry.seq), entity: 'AUDIT', ...entry },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
    return entry;
  }

  /** The partition's audit trail, oldest first, with its verification against the chain head. */
  async trail(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }> {
    const [items, head] = await Promise.all([
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': this.chain, ':prefix': 'AUDIT#' },
        ConsistentRead: true,
      }),
      this.head(),
    ]);
    const entries = items.map(auditEntryFromItem);
    return { entries, chain: verifyChain(entries, head) };
  }
}
