import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput, ChainVerification } from '../../domain/audit.js';
import type { Delegation } from '../../domain/delegation.js';
import type { DelegationRepository } from '../../ports/repositories.js';
import { AuditedPartition } from './audited-partition.js';
import { ContentionError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { queryAll } from './records.js';
import { DELEGATION_CHAIN, keys } from './table-design.js';
import {
  backoff,
  cancellationCodes,
  conditionFailed,
  lostRace,
  MAX_ATTEMPTS,
  withoutUndefined,
} from './transactions.js';

const DELEGATION_PREFIX = 'DELEGATION#';

function delegationFromItem(item: Record<string, unknown>): Delegation {
  const { PK: _pk, SK: _sk, entity: _entity, ...delegation } = item;
  return delegation as unknown as Delegation;
}

/** What a delegation's audit entry says about it (no reason text: it may be personal). */
function auditDetail(delegation: Delegation): Record<string, unknown> {
  const { id, approverEmail, delegate, from, until } = delegation;
  return { id, approverEmail, delegateEmail: delegate.email, from, until };
}

/**
 * The delegations in their own partition with their audit trail (AuditedPartition): every write
 * is one transaction of the delegation item, the chain head and the new entry.
 */
export class DynamoDelegationRepository implements DelegationRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly partition: AuditedPartition;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
    this.partition = new AuditedPartition(client, tableName, DELEGATION_CHAIN);
  }

  async list(): Promise<{ delegations: Delegation[]; version: number }> {
    const [items, head] = await Promise.all([
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': DELEGATION_CHAIN, ':prefix': DELEGATION_PREFIX },
        ConsistentRead: true,
      }),
      this.partition.head(),
    ]);
    const delegations = items
      .map(delegationFromItem)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return { delegations, version: head.auditSeq };
  }

  async add(input: {
    delegation: Delegation;
    expectedVersion: number;
    now: string;
  }): Promise<{ outcome: 'ADDED'; version: number } | { outcome: 'STALE' }> {
    const { delegation, expectedVersion, now } = input;
    const head = await this.partition.head();
    if (head.auditSeq !== expectedVersion) return { outcome: 'STALE' };
    const audit: AuditInput = {
      actor: delegation.createdBy,
      action: 'delegation.named',
      detail: auditDetail(delegation),
    };
    try {
      const entry = await this.partition.append(head, audit, now, [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.delegation(delegation.id),
              entity: 'DELEGATION',
              ...withoutUndefined(delegation),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
      return { outcome: 'ADDED', version: entry.seq };
    } catch (error) {
      // The head moved (another delegation named or ended meanwhile) or the id is taken.
      if (cancellationCodes(error)) return { outcome: 'STALE' };
      throw error;
    }
  }

  async end(input: {
    id: string;
    by: string;
    now: string;
  }): Promise<{ outcome: 'ENDED' | 'ALREADY_ENDED'; delegation: Delegation } | { outcome: 'NOT_FOUND' }> {
    const { id, by, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [current, head] = await Promise.all([this.get(id), this.partition.head()]);
      if (!current) return { outcome: 'NOT_FOUND' };
      if (current.endedAt !== undefined) return { outcome: 'ALREADY_ENDED', delegation: current };
      const ended: Delegation = { ...current, endedAt: now, endedBy: by };
      try {
        await this.partition.append(
          head,
          { actor: by, action: 'delegation.ended', detail: { ...auditDetail(current), endedAt: now } },
          now,
          [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.delegation(id),
                UpdateExpression: 'SET endedAt = :at, endedBy = :by',
                ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(endedAt)',
                ExpressionAttributeValues: { ':at': now, ':by': by },
              },
            },
          ],
        );
        return { outcome: 'ENDED', delegation: ended };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // Ended by someone else meanwhile: read it again and answer ALREADY_ENDED.
        if (conditionFailed(codes, 0)) continue;
        if (!lostRace(codes, [1, 2])) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError('the delegations', MAX_ATTEMPTS);
  }

  changes(): Promise<{ entries: AuditEntry[]; chain: ChainVerification }> {
    return this.partition.trail();
  }

  private async get(id: string): Promise<Delegation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.delegation(id), ConsistentRead: true }),
    );
    return Item ? delegationFromItem(Item) : undefined;
  }
}
