import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliverableRecord } from '../../domain/deliverables.js';
import type { DeliverableRepository } from '../../ports/repositories.js';
import { RecordMissingError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { deliverableFromItem, queryAll, writeWithAudit } from './records.js';
import { keys, SORT_KEY_PREFIXES } from './table-design.js';
import { withoutUndefined } from './transactions.js';

export class DynamoDeliverableRepository implements DeliverableRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async recordDeliverable(
    record: DeliverableRecord,
    now: string,
  ): Promise<{ deliverable: DeliverableRecord; created: boolean }> {
    const deliverable = withoutUndefined(record);
    const written = await writeWithAudit(this.client, this.tableName, {
      purchaseId: record.purchaseId,
      audit: {
        actor: record.uploadedBy,
        action: record.status === 'ACCEPTED' ? 'deliverable.accepted' : 'deliverable.rejected',
        detail: withoutUndefined({
          uploadId: record.uploadId,
          kind: record.kind,
          key: record.key,
          fileName: record.fileName,
          size: record.size,
          sha256: record.sha256,
          detectedType: record.detectedType,
          reasons: record.reasons.map((reason) => reason.rule),
        }),
      },
      eventId: `deliverable:${record.uploadId}`,
      now,
      items: () => [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.deliverable(record.purchaseId, record.uploadId),
              entity: 'DELIVERABLE',
              ...deliverable,
            },
            // One record per upload: the S3 event delivered again finds it there.
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
    });
    if (written === 'WRITTEN') return { deliverable, created: true };
    const existing = await this.getDeliverable(record.purchaseId, record.uploadId);
    if (!existing)
      throw new RecordMissingError(`deliverable ${record.uploadId} of purchase ${record.purchaseId}`);
    return { deliverable: existing, created: false };
  }

  async listDeliverables(purchaseId: string): Promise<DeliverableRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.purchase(purchaseId).PK,
        ':prefix': SORT_KEY_PREFIXES.deliverable,
      },
      ConsistentRead: true,
    });
    // Upload ids are random: the order is the upload time's.
    return items
      .map(deliverableFromItem)
      .sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.uploadId.localeCompare(b.uploadId));
  }

  async getDeliverable(purchaseId: string, uploadId: string): Promise<DeliverableRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.deliverable(purchaseId, uploadId),
        ConsistentRead: true,
      }),
    );
    return Item ? deliverableFromItem(Item) : undefined;
  }
}
