import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AdjustResult, BudgetLineRecord, ReserveResult } from '../../domain/budget.js';
import type { BudgetRepository } from '../../ports/repositories.js';
import { ContentionError, ReservationReleasedError } from './errors.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { keys } from './table-design.js';
import { isConditionalCheckFailed } from './transactions.js';

interface ReservationItem {
  lineId: string;
  purchaseId: string;
  status: 'RESERVED' | 'RELEASED';
  amountFen: number;
  at: string;
  releasedAt?: string;
}

/** The line item as reserve and release read it. */
interface LineItem {
  availableFen: number;
  /** What each purchase holding a reservation reserved (fen). */
  reservations?: Record<string, number>;
  /** The purchases whose reservation was released: they cannot reserve again. */
  released?: Set<string>;
}

/** Reads of the line before an adjustment gives up on a line changing under it. */
const MAX_ADJUST_ATTEMPTS = 5;

/** Runs a conditional write whose failed condition means it was already done. */
async function unlessConditionFailed(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** What a release keeps: at most the reservation, never less than nothing. */
function keptOf(amountFen: number, keepFen: number | undefined): number {
  return Math.min(Math.max(keepFen ?? 0, 0), amountFen);
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
            reservations: {},
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

  /**
   * One conditional write on the line item, no transaction: the line holds what each purchase
   * reserved (`reservations.<purchaseId>`) and who released (`released`), so the decrement, the
   * check that enough is left and the check that this purchase has not reserved before are one
   * atomic single-item update. Concurrent reservations on one line are serialized by DynamoDB
   * instead of cancelling each other with TransactionConflict, as transactions on one item do.
   * The reservation item (its record for people and for release) is written after; a repeat finds
   * the purchase in the line and writes it again if a crash came between.
   */
  async reserve(input: {
    lineId: string;
    purchaseId: string;
    amountFen: number;
    now: string;
  }): Promise<ReserveResult> {
    const { lineId, purchaseId, amountFen, now } = input;
    let line: LineItem | undefined;
    try {
      line = await this.decrement(lineId, purchaseId, amountFen);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.readLine(lineId);
      if (!current) return { status: 'NO_SUCH_LINE' };
      if (current.released?.has(purchaseId)) throw new ReservationReleasedError(lineId, purchaseId);
      const reserved = current.reservations?.[purchaseId];
      if (reserved === undefined) return { status: 'INSUFFICIENT', availableFen: current.availableFen };
      line = current;
    }
    const reservation: ReservationItem = {
      lineId,
      purchaseId,
      status: 'RESERVED',
      amountFen: line.reservations?.[purchaseId] ?? amountFen,
      at: now,
    };
    await unlessConditionFailed(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.reservation(lineId, purchaseId), entity: 'RESERVATION', ...reservation },
          // Written once: a repeat finds the record there (the first delivery's, or a crash's gap filled).
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    return { status: 'RESERVED', availableFen: line.availableFen };
  }

  /** The reserving update; lines seeded before the line held its reservations get the map first. */
  private async decrement(lineId: string, purchaseId: string, amountFen: number): Promise<LineItem> {
    const update = () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.budgetLine(lineId),
          UpdateExpression: 'SET availableFen = availableFen - :amount, reservations.#purchase = :amount',
          // The decrement and the checks are one atomic step: the line never goes negative, and a
          // purchase reserves once, never again after its money was released.
          ConditionExpression:
            'attribute_exists(PK) AND availableFen >= :amount AND attribute_not_exists(reservations.#purchase) AND NOT contains(released, :purchaseId)',
          ExpressionAttributeNames: { '#purchase': purchaseId },
          ExpressionAttributeValues: { ':amount': amountFen, ':purchaseId': purchaseId },
          // What was updated, not the whole line (which lists every reservation of the year).
          ReturnValues: 'UPDATED_NEW',
        }),
      );
    try {
      return (await update()).Attributes as LineItem;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ValidationException')) throw error;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.budgetLine(lineId),
          UpdateExpression: 'SET reservations = if_not_exists(reservations, :none)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':none': {} },
        }),
      );
      return (await update()).Attributes as LineItem;
    }
  }

  /**
   * One conditional update of the line moves the purchase's reservation from what it holds (read
   * first) to the new amount and `availableFen` by the difference, only while the reservation is
   * still what was read and the line has the difference left. A lost race reads again; the
   * reservation item, a record for people, follows.
   */
  async adjustReservation(input: {
    lineId: string;
    purchaseId: string;
    amountFen: number;
    now: string;
  }): Promise<AdjustResult> {
    const { lineId, purchaseId, amountFen, now } = input;
    for (let attempt = 1; attempt <= MAX_ADJUST_ATTEMPTS; attempt++) {
      const line = await this.readLine(lineId);
      const held = line?.reservations?.[purchaseId];
      if (!line || held === undefined) return { status: 'NOT_RESERVED' };
      const more = amountFen - held;
      if (more > 0 && line.availableFen < more)
        return { status: 'INSUFFICIENT', availableFen: line.availableFen };
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.budgetLine(lineId),
            UpdateExpression: 'SET availableFen = availableFen - :more, reservations.#purchase = :amount',
            ConditionExpression: 'reservations.#purchase = :held AND availableFen >= :more',
            ExpressionAttributeNames: { '#purchase': purchaseId },
            ExpressionAttributeValues: { ':more': more, ':amount': amountFen, ':held': held },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        await unlessConditionFailed(() =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: keys.reservation(lineId, purchaseId),
              UpdateExpression: 'SET amountFen = :amount, adjustedAt = :now',
              ConditionExpression: '#status = :reserved',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':amount': amountFen, ':now': now, ':reserved': 'RESERVED' },
            }),
          ),
        );
        return { status: 'ADJUSTED', availableFen: (Attributes as LineItem).availableFen };
      } catch (error) {
        // Another change of the line came between the read and the write: read it again.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new ContentionError(`adjusting the reservation of ${purchaseId} on ${lineId}`, MAX_ADJUST_ATTEMPTS);
  }

  /**
   * Gives back what the purchase reserved less what was paid out, once: one conditional update of
   * the line (the purchase leaves `reservations` for `released`), then the reservation item.
   */
  async release(input: {
    lineId: string;
    purchaseId: string;
    keepFen?: number;
    now: string;
  }): Promise<{ status: 'RELEASED' | 'NOT_RESERVED' }> {
    const { lineId, purchaseId, now } = input;
    const line = await this.readLine(lineId);
    const amountFen = line?.reservations?.[purchaseId];
    let status: 'RELEASED' | 'NOT_RESERVED' = 'NOT_RESERVED';
    if (amountFen !== undefined) {
      // What was already paid out stays spent; only the rest goes back to the line.
      const kept = keptOf(amountFen, input.keepFen);
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.budgetLine(lineId),
            UpdateExpression:
              'SET availableFen = availableFen + :back REMOVE reservations.#purchase ADD released :purchaseIds',
            ConditionExpression: 'reservations.#purchase = :amount',
            ExpressionAttributeNames: { '#purchase': purchaseId },
            ExpressionAttributeValues: {
              ':back': amountFen - kept,
              ':amount': amountFen,
              ':purchaseIds': new Set([purchaseId]),
            },
          }),
        );
        status = 'RELEASED';
      } catch (error) {
        // A concurrent release of the same reservation won: the money went back once.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    } else if (!line?.released?.has(purchaseId)) {
      return { status };
    }
    // The record follows the line: also after a crash between the two, on the next release.
    const reservation = await this.getReservation(lineId, purchaseId);
    if (reservation && reservation.status !== 'RELEASED') {
      await unlessConditionFailed(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.reservation(lineId, purchaseId),
            UpdateExpression: 'SET #status = :released, releasedAt = :now, keptFen = :kept',
            ConditionExpression: '#status = :reserved',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':released': 'RELEASED',
              ':reserved': 'RESERVED',
              ':now': now,
              ':kept': keptOf(reservation.amountFen, input.keepFen),
            },
          }),
        ),
      );
    }
    return { status };
  }

  private async readLine(lineId: string): Promise<LineItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.budgetLine(lineId), ConsistentRead: true }),
    );
    return Item as LineItem | undefined;
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
