import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BudgetLineRecord, ReserveResult } from '../../domain/budget.js';
import type { BudgetRepository } from '../../ports/repositories.js';
import { ContentionError, ReservationReleasedError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { keys } from './table-design.js';
import {
  backoff,
  cancellationCodes,
  conditionFailed,
  isConditionalCheckFailed,
  MAX_ATTEMPTS,
} from './transactions.js';

interface ReservationItem {
  lineId: string;
  purchaseId: string;
  status: 'RESERVED' | 'RELEASED';
  amountFen: number;
  at: string;
  releasedAt?: string;
}

export class DynamoBudgetRepository implements BudgetRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async ensureBudgetLine(line: Omit<BudgetLineRecord, 'availableFen'>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.budgetLine(line.lineId),
            entity: 'BUDGET_LINE',
            ...line,
            availableFen: line.totalFen,
          },
          // Seeding again must not refill a line that reservations already drew on.
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async getBudgetLine(lineId: string): Promise<BudgetLineRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.budgetLine(lineId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      lineId: Item.lineId as string,
      year: Item.year as number,
      description: Item.description as string,
      totalFen: Item.totalFen as number,
      availableFen: Item.availableFen as number,
    };
  }

  async reserve(input: {
    lineId: string;
    purchaseId: string;
    amountFen: number;
    now: string;
  }): Promise<ReserveResult> {
    const { lineId, purchaseId, amountFen, now } = input;
    const reservation: ReservationItem = { lineId, purchaseId, status: 'RESERVED', amountFen, at: now };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.budgetLine(lineId),
                  UpdateExpression: 'SET availableFen = availableFen - :amount',
                  // The decrement and the check are one atomic step: the line never goes negative.
                  ConditionExpression: 'attribute_exists(PK) AND availableFen >= :amount',
                  ExpressionAttributeValues: { ':amount': amountFen },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...keys.reservation(lineId, purchaseId), entity: 'RESERVATION', ...reservation },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        const line = await this.getBudgetLine(lineId);
        return { status: 'RESERVED', availableFen: line?.availableFen ?? 0 };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (conditionFailed(codes, 1)) {
          const existing = await this.getReservation(lineId, purchaseId);
          if (existing?.status === 'RELEASED') throw new ReservationReleasedError(lineId, purchaseId);
          const line = await this.getBudgetLine(lineId);
          return { status: 'RESERVED', availableFen: line?.availableFen ?? 0 };
        }
        if (conditionFailed(codes, 0)) {
          const line = await this.getBudgetLine(lineId);
          if (!line) return { status: 'NO_SUCH_LINE' };
          // Insufficient when checked; money released since then is worth another try.
          if (line.availableFen < amountFen)
            return { status: 'INSUFFICIENT', availableFen: line.availableFen };
        } else if (!codes.includes('TransactionConflict')) {
          throw error;
        }
        await backoff(attempt);
      }
    }
    throw new ContentionError(`reserving on budget line ${lineId}`, MAX_ATTEMPTS);
  }

  async release(input: {
    lineId: string;
    purchaseId: string;
    keepFen?: number;
    now: string;
  }): Promise<{ status: 'RELEASED' | 'NOT_RESERVED' }> {
    const { lineId, purchaseId, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const reservation = await this.getReservation(lineId, purchaseId);
      if (reservation?.status !== 'RESERVED') return { status: 'NOT_RESERVED' };
      // What was already paid out stays spent; only the rest goes back to the line.
      const kept = Math.min(Math.max(input.keepFen ?? 0, 0), reservation.amountFen);
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.reservation(lineId, purchaseId),
                  UpdateExpression: 'SET #status = :released, releasedAt = :now, keptFen = :kept',
                  ConditionExpression: '#status = :reserved AND amountFen = :amount',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':released': 'RELEASED',
                    ':reserved': 'RESERVED',
                    ':now': now,
                    ':amount': reservation.amountFen,
                    ':kept': kept,
                  },
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.budgetLine(lineId),
                  UpdateExpression: 'SET availableFen = availableFen + :amount',
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeValues: { ':amount': reservation.amountFen - kept },
                },
              },
            ],
          }),
        );
        return { status: 'RELEASED' };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // Lost to a concurrent release of the same reservation: the next read sees RELEASED.
        if (!conditionFailed(codes, 0) && !codes.includes('TransactionConflict')) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError(`releasing on budget line ${lineId}`, MAX_ATTEMPTS);
  }

  private async getReservation(lineId: string, purchaseId: string): Promise<ReservationItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.reservation(lineId, purchaseId),
        ConsistentRead: true,
      }),
    );
    return Item as ReservationItem | undefined;
  }
}
