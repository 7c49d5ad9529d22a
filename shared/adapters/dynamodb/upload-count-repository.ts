import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type UploadCountOutcome,
  type UploadMeasure,
  uploadCountExpiry,
} from '../../domain/upload-limits.js';
import type { UploadKind } from '../../domain/uploads.js';
import type { UploadCount, UploadCountRepository } from '../../ports/repositories.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { queryAll } from './records.js';
import { keys, SORT_KEY_PREFIXES, TTL_ATTRIBUTE } from './table-design.js';
import { isConditionalCheckFailed } from './transactions.js';

type CountInput = Parameters<UploadCountRepository['countUpload']>[0];

/** The NGO's daily upload allowance, one item per purchase, day, kind and measure (table-design.ts). */
export class DynamoUploadCountRepository implements UploadCountRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async countUpload(input: CountInput): Promise<{ outcome: UploadCountOutcome; count: number }> {
    const { purchaseId, kind, measure, day, id, limit } = input;
    const key = keys.uploadCount(purchaseId, day, kind, measure);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'ADD #count :one, #counted :ids SET #kind = :kind, #measure = :measure, #day = :day, #ttl = :ttl',
          ConditionExpression:
            '(attribute_not_exists(#count) OR #count < :limit) AND NOT contains(#counted, :id)',
          ExpressionAttributeNames: {
            '#count': 'count',
            '#counted': 'counted',
            '#kind': 'kind',
            '#measure': 'measure',
            '#day': 'day',
            '#ttl': TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':ids': new Set([id]),
            ':id': id,
            ':limit': limit,
            ':kind': kind,
            ':measure': measure,
            ':day': day,
            ':ttl': uploadCountExpiry(day),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { outcome: 'COUNTED', count: Number(Attributes?.count ?? 1) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Refused: either the id is counted already (its set only grows) or the limit is reached.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const counted = Item?.counted instanceof Set && Item.counted.has(id);
    return { outcome: counted ? 'ALREADY_COUNTED' : 'LIMIT_REACHED', count: Number(Item?.count ?? 0) };
  }

  async uploadCounts(purchaseId: string, day: string): Promise<UploadCount[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.uploadCounts(purchaseId).PK,
        ':prefix': `${SORT_KEY_PREFIXES.uploadCount}${day}#`,
      },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      kind: item.kind as UploadKind,
      measure: item.measure as UploadMeasure,
      count: Number(item.count),
    }));
  }
}
