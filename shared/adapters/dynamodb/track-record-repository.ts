import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TrackRecordEntry } from '../../domain/track-record.js';
import type { TrackRecordRepository } from '../../ports/repositories.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { queryAll, trackRecordFromItem } from './records.js';
import { keys, SORT_KEY_PREFIXES } from './table-design.js';
import { isConditionalCheckFailed } from './transactions.js';

export class DynamoTrackRecordRepository implements TrackRecordRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async addEvaluation(creditCode: string, entry: TrackRecordEntry): Promise<void> {
    const { purchaseId, grade, total, evaluatedAt, evaluatedOn } = entry;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.trackRecord(creditCode, purchaseId),
            entity: 'TRACK_RECORD',
            creditCode,
            purchaseId,
            grade,
            total,
            evaluatedAt,
            evaluatedOn,
          },
          // A purchase is evaluated once: a repeat must not rewrite the grade the bar relies on.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Oldest first. */
  async listEvaluations(creditCode: string): Promise<TrackRecordEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.ngo(creditCode).PK, ':prefix': SORT_KEY_PREFIXES.trackRecord },
      ConsistentRead: true,
    });
    return items
      .map(trackRecordFromItem)
      .sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt) || a.purchaseId.localeCompare(b.purchaseId));
  }
}
