import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput, ChainVerification } from '../../domain/audit.js';
import { GENESIS_HASH, nextAuditEntry, verifyChain } from '../../domain/audit-chain.js';
import { BudgetLineShortError } from '../../domain/budget.js';
import { isTerminal, type Stage } from '../../domain/lifecycle.js';
import {
  changeMisfit,
  PURCHASE_PATCH_FIELDS,
  type PurchasePatch,
  type PurchaseRecord,
} from '../../domain/purchase.js';
import type { PurchaseListPage, PurchaseListQuery } from '../../domain/purchase-listing.js';
import type { AuditTrail, PurchaseRepository } from '../../ports/repositories.js';
import { ContentionError, PurchaseNotFoundError } from './errors.js';
import { UpdateBuilder } from './expressions.js';
import { queryPurchaseListing } from './purchase-listing.js';
import {
  auditEntryFromItem,
  auditEntryPut,
  auditedWriteItems,
  eventMarkerPut,
  purchaseFromItem,
  queryAll,
  type TransactItem,
} from './records.js';
import { GSI1, keys, LISTING_VERSION, listingAttributes } from './table-design.js';
import {
  backoff,
  cancellationCodes,
  conditionFailed,
  isConditionalCheckFailed,
  lostRace,
  MAX_ATTEMPTS,
  withoutUndefined,
} from './transactions.js';

export interface DynamoRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Marks a purchase in the sparse GSI1 partition that lists the ones still running. */
const OPEN_PARTITION = 'OPEN';

export class DynamoPurchaseRepository implements PurchaseRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async createPurchase(input: {
    purchaseId: string;
    proposal: PurchaseRecord['proposal'];
    createdBy: string;
    idempotencyKey?: string;
    now: string;
  }): Promise<{ purchase: PurchaseRecord; created: boolean }> {
    const { purchaseId, proposal, createdBy, idempotencyKey, now } = input;
    const entry = nextAuditEntry(
      { purchaseId, auditSeq: 0, auditHash: GENESIS_HASH },
      {
        actor: createdBy,
        action: 'proposal.submitted',
        detail: { title: proposal.title, totalFen: proposal.totalFen, budgetLineRef: proposal.budgetLineRef },
        eventId: `create:${purchaseId}`,
        at: now,
      },
    );
    const purchase: PurchaseRecord = withoutUndefined({
      purchaseId,
      version: 1,
      stage: 'PROPOSAL',
      proposal,
      createdBy,
      createdAt: now,
      updatedAt: now,
      approvalLevels: [],
      approvals: {},
      decisions: {},
      auditSeq: entry.seq,
      auditHash: entry.hash,
    });
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.purchase(purchaseId),
            entity: 'PURCHASE',
            [GSI1.partitionKey]: OPEN_PARTITION,
            [GSI1.sortKey]: `PURCHASE#${purchaseId}`,
            ...listingAttributes(purchase),
            listingVersion: LISTING_VERSION,
            ...purchase,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      auditEntryPut(this.tableName, entry),
      eventMarkerPut(this.tableName, entry),
    ];
    if (idempotencyKey !== undefined) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.idempotency(createdBy, idempotencyKey),
            entity: 'IDEMPOTENCY',
            purchaseId,
            createdAt: now,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { purchase, created: true };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The key names the request: whatever purchase it created first is the answer.
        if (idempotencyKey !== undefined && conditionFailed(codes, 3)) {
          const earlierId = await this.idempotentPurchaseId(createdBy, idempotencyKey);
          const earlier = earlierId === undefined ? undefined : await this.getPurchase(earlierId);
          if (earlier) return { purchase: earlier, created: false };
        } else if (conditionFailed(codes, 0)) {
          const existing = await this.getPurchase(purchaseId);
          if (existing) return { purchase: existing, created: false };
        } else if (!codes.includes('TransactionConflict')) {
          throw error;
        }
        await backoff(attempt);
      }
    }
    throw new ContentionError(`creating purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async getPurchase(purchaseId: string): Promise<PurchaseRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.purchase(purchaseId), ConsistentRead: true }),
    );
    return Item ? purchaseFromItem(Item) : undefined;
  }

  async change(input: {
    purchaseId: string;
    from?: Stage;
    to?: Stage;
    set?: PurchasePatch;
    audit: AuditInput;
    eventId: string;
    now: string;
    reservation?: { lineId: string; amountFen: number };
  }): Promise<PurchaseRecord> {
    const { purchaseId, from, to, set = {}, audit, eventId, now, reservation } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.getPurchase(purchaseId);
      if (!current) throw new PurchaseNotFoundError(purchaseId);

      const misfit = changeMisfit(current, from, to);
      if (misfit) {
        // A repeat of a stage move that went through finds the purchase past `from`: not a conflict.
        if (await this.eventApplied(purchaseId, eventId)) return current;
        throw misfit;
      }

      const detail =
        to === undefined ? audit.detail : { ...audit.detail, stageFrom: current.stage, stageTo: to };
      const entry = nextAuditEntry(current, { ...audit, detail, eventId, at: now });
      const patch = withoutUndefined(pickPatch(set));
      const meta = new UpdateBuilder();
      for (const [field, value] of Object.entries(patch)) meta.set(field, value);
      if (to !== undefined) {
        meta.set('stage', to).condition(`${meta.name('stage')} = ${meta.value(current.stage)}`);
        if (isTerminal(to)) meta.remove(GSI1.partitionKey).remove(GSI1.sortKey);
      }

      // Read before the transaction, like the purchase: a line that changed meanwhile fails item 3.
      const move = reservation && (await this.reservationMove(purchaseId, reservation));
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...auditedWriteItems(this.tableName, current, entry, meta, {
                ...current,
                ...(patch.proposal ? { proposal: patch.proposal } : {}),
              }),
              ...(move ? [move] : []),
            ],
          }),
        );
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (conditionFailed(codes, 2)) return (await this.getPurchase(purchaseId)) ?? current;
        if (lostRace(codes, [0, 1, 3])) {
          await backoff(attempt);
          continue;
        }
        throw error;
      }
      if (reservation) await this.recordReservationAmount(purchaseId, reservation, now);
      return {
        ...current,
        ...patch,
        stage: to ?? current.stage,
        version: current.version + 1,
        auditSeq: entry.seq,
        auditHash: entry.hash,
        updatedAt: now,
      };
    }
    throw new ContentionError(`the audit log of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  /**
   * The update of the budget line that moves the purchase's reservation to `amountFen`, conditional
   * on the reservation and the line's room being what was read; BudgetLineShortError when the line
   * has too little left for an increase.
   */
  private async reservationMove(
    purchaseId: string,
    reservation: { lineId: string; amountFen: number },
  ): Promise<TransactItem> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.budgetLine(reservation.lineId),
        ConsistentRead: true,
      }),
    );
    const held = (Item?.reservations as Record<string, number> | undefined)?.[purchaseId];
    if (!Item || held === undefined)
      throw new Error(`purchase ${purchaseId} holds no reservation on budget line ${reservation.lineId}`);
    const more = reservation.amountFen - held;
    const available = Item.availableFen as number;
    if (more > 0 && available < more) throw new BudgetLineShortError(reservation.lineId, available, more);
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.budgetLine(reservation.lineId),
        UpdateExpression: 'SET availableFen = availableFen - :more, reservations.#purchase = :amount',
        ConditionExpression: 'reservations.#purchase = :held AND availableFen >= :more',
        ExpressionAttributeNames: { '#purchase': purchaseId },
        ExpressionAttributeValues: { ':more': more, ':amount': reservation.amountFen, ':held': held },
      },
    };
  }

  /** The reservation item, a record for people, follows the line (as BudgetRepository.adjustReservation's does). */
  private async recordReservationAmount(
    purchaseId: string,
    reservation: { lineId: string; amountFen: number },
    now: string,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reservation(reservation.lineId, purchaseId),
          UpdateExpression: 'SET amountFen = :amount, adjustedAt = :now',
          ConditionExpression: '#status = :reserved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':amount': reservation.amountFen,
            ':now': now,
            ':reserved': 'RESERVED',
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async listAudit(purchaseId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.purchase(purchaseId).PK, ':prefix': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items.map(auditEntryFromItem);
  }

  async verifyAuditChain(purchaseId: string): Promise<ChainVerification> {
    const trail = await this.auditTrail(purchaseId);
    if (!trail) throw new PurchaseNotFoundError(purchaseId);
    return trail.chain;
  }

  /**
   * The log is listed before the head is read. The head only grows and an entry exists only once
   * the head reached it, so entries past the head are forged; a head past the log is either an
   * append that landed in between (list again) or a deleted tail.
   */
  async auditTrail(purchaseId: string): Promise<AuditTrail | undefined> {
    let trail: AuditTrail | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const entries = await this.listAudit(purchaseId);
      const purchase = await this.getPurchase(purchaseId);
      if (!purchase) return undefined;
      trail = { purchase, entries, chain: verifyChain(entries, purchase) };
      const lastSeq = entries.at(-1)?.seq ?? 0;
      if (trail.chain.valid || purchase.auditSeq <= lastSeq) return trail;
    }
    return trail;
  }

  async listOpenPurchases(): Promise<Pick<PurchaseRecord, 'purchaseId' | 'stage'>[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: GSI1.indexName,
      KeyConditionExpression: '#pk = :open',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey },
      ExpressionAttributeValues: { ':open': OPEN_PARTITION },
    });
    return items.map((item) => ({ purchaseId: item.purchaseId as string, stage: item.stage as Stage }));
  }

  listPurchases(query: PurchaseListQuery): Promise<PurchaseListPage> {
    return queryPurchaseListing(this.client, this.tableName, query);
  }

  private async eventApplied(purchaseId: string, eventId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.event(purchaseId, eventId),
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async findByIdempotencyKey(createdBy: string, idempotencyKey: string): Promise<PurchaseRecord | undefined> {
    const purchaseId = await this.idempotentPurchaseId(createdBy, idempotencyKey);
    return purchaseId === undefined ? undefined : this.getPurchase(purchaseId);
  }

  private async idempotentPurchaseId(creator: string, key: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotency(creator, key),
        ConsistentRead: true,
      }),
    );
    return Item?.purchaseId as string | undefined;
  }
}

/** Why a requested stage move does not fit the purchase as it is now, if it does not. */
function pickPatch(set: PurchasePatch): PurchasePatch {
  const patch: Record<string, unknown> = {};
  for (const field of PURCHASE_PATCH_FIELDS) if (set[field] !== undefined) patch[field] = set[field];
  return patch as PurchasePatch;
}
