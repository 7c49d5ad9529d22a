import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadWait } from '../../domain/deliverables.js';
import type { UploadKind } from '../../domain/uploads.js';
import type { WaitRepository } from '../../ports/repositories.js';
import { DynamoDeliverableRepository } from './deliverable-repository.js';
import { ContentionError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { waitFromItem } from './records.js';
import { keys } from './table-design.js';
import { backoff, isConditionalCheckFailed, MAX_ATTEMPTS } from './transactions.js';

type ArmInput = Parameters<WaitRepository['armWait']>[0];
type SatisfyInput = Parameters<WaitRepository['satisfyWait']>[0];

/** `since` is compared as text in conditions, which is only right for one ISO-8601 UTC form. */
function isoInstant(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export class DynamoWaitRepository implements WaitRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly deliverables: DynamoDeliverableRepository;

  constructor(options: DynamoRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.deliverables = new DynamoDeliverableRepository(options);
  }

  async armWait(input: ArmInput): Promise<UploadWait> {
    const { purchaseId, kind, taskToken, now } = input;
    const since = isoInstant(input.since);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = await this.getWait(purchaseId, kind);
      try {
        if (!stored)
          return await this.create({ purchaseId, kind, taskToken, since, status: 'WAITING', updatedAt: now });
        if (since > stored.since) return await this.startRound(stored, taskToken, since, now);
        if (stored.status === 'SATISFIED') return stored;
        return await this.rearm(stored, taskToken, now);
      } catch (error) {
        // Another arm, round or satisfaction got in between the read and the write: read again.
        if (!isConditionalCheckFailed(error)) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError(`arming the ${kind} wait of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async getWait(purchaseId: string, kind: UploadKind): Promise<UploadWait | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.wait(purchaseId, kind), ConsistentRead: true }),
    );
    return Item ? waitFromItem(Item) : undefined;
  }

  async satisfyWait(input: SatisfyInput): Promise<boolean> {
    const { purchaseId, kind, taskToken, uploadId, now } = input;
    const wait = await this.getWait(purchaseId, kind);
    if (wait?.status !== 'WAITING' || wait.taskToken !== taskToken) return false;
    // Deliverables are written once and never change, so what is read here still holds at the write.
    const upload = await this.deliverables.getDeliverable(purchaseId, uploadId);
    if (
      upload?.status !== 'ACCEPTED' ||
      upload.kind !== kind ||
      Date.parse(upload.uploadedAt) < Date.parse(wait.since)
    ) {
      return false;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.wait(purchaseId, kind),
          UpdateExpression: 'SET #status = :satisfied, uploadId = :uploadId, updatedAt = :now',
          // The round the upload was checked against must still be the one waiting.
          ConditionExpression: '#status = :waiting AND taskToken = :token AND since = :since',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':satisfied': 'SATISFIED',
            ':waiting': 'WAITING',
            ':uploadId': uploadId,
            ':token': taskToken,
            ':since': wait.since,
            ':now': now,
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return false;
    }
  }

  private async create(wait: UploadWait): Promise<UploadWait> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.wait(wait.purchaseId, wait.kind), entity: 'WAIT', ...wait },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return wait;
  }

  /** A later `since`: the step waits for a new upload, whatever satisfied the round before. */
  private async startRound(stored: UploadWait, taskToken: string, since: string, now: string) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.wait(stored.purchaseId, stored.kind),
        UpdateExpression:
          'SET #status = :waiting, taskToken = :token, since = :since, updatedAt = :now REMOVE uploadId',
        ConditionExpression: '#status = :storedStatus AND since = :storedSince',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':waiting': 'WAITING',
          ':token': taskToken,
          ':since': since,
          ':now': now,
          ':storedStatus': stored.status,
          ':storedSince': stored.since,
        },
      }),
    );
    const { uploadId: _previous, ...rest } = stored;
    return { ...rest, status: 'WAITING', taskToken, since, updatedAt: now } satisfies UploadWait;
  }

  /** The same round asked again (a retry, a reminder, a resumed execution): the newest token waits. */
  private async rearm(stored: UploadWait, taskToken: string, now: string): Promise<UploadWait> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.wait(stored.purchaseId, stored.kind),
        UpdateExpression: 'SET taskToken = :token, updatedAt = :now',
        ConditionExpression: '#status = :waiting AND since = :since',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':token': taskToken,
          ':now': now,
          ':waiting': 'WAITING',
          ':since': stored.since,
        },
      }),
    );
    return { ...stored, taskToken, updatedAt: now };
  }
}
