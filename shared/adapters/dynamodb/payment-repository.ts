import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type PaymentNotice,
  type PaymentRecord,
  type PaymentStatus,
  planCorrection,
  planTransfer,
} from '../../domain/payment-records.js';
import { CHASE_MARKS } from '../../domain/payment-reminders.js';
import type { PaymentRepository, SettlementWait } from '../../ports/repositories.js';
import { ContentionError, RecordMissingError } from './errors.js';
import { UpdateBuilder } from './expressions.js';
import type { DynamoRepositoryOptions } from './purchase-repository.js';
import { paymentFromItem, queryAll, type TransactItem, writeWithAudit } from './records.js';
import { keys, SORT_KEY_PREFIXES } from './table-design.js';
import { MAX_ATTEMPTS, withoutUndefined } from './transactions.js';

type ConfirmInput = Parameters<PaymentRepository['confirmPayment']>[0];
type ConfirmResult = Awaited<ReturnType<PaymentRepository['confirmPayment']>>;
type CloseInput = Parameters<PaymentRepository['closePayment']>[0];
type WaiveInput = Parameters<PaymentRepository['waivePayment']>[0];
type ChaseInput = Parameters<PaymentRepository['recordChase']>[0];
type CorrectInput = Parameters<PaymentRepository['correctTransfer']>[0];
type CorrectResult = Awaited<ReturnType<PaymentRepository['correctTransfer']>>;
type WaiveResult = Awaited<ReturnType<PaymentRepository['waivePayment']>>;

export class DynamoPaymentRepository implements PaymentRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoRepositoryOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async openPayment(
    notice: PaymentNotice,
    now: string,
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    const payment: PaymentRecord = withoutUndefined({ ...notice, status: 'NOTIFIED' });
    const written = await writeWithAudit(this.client, this.tableName, {
      purchaseId: payment.purchaseId,
      audit: {
        actor: 'system:payments',
        action: 'payment.notified',
        detail: withoutUndefined({
          tranche: payment.tranche,
          milestone: payment.milestone,
          amountFen: payment.amountFen,
          reduction: payment.reduction,
          dueDate: payment.dueDate,
          confirmTaskId: payment.confirmTaskId,
        }),
      },
      eventId: `payment:${payment.tranche}:notified`,
      now,
      items: () => [this.putOnce(payment)],
    });
    if (written === 'WRITTEN') return { payment, created: true };
    return { payment: await this.require(payment.purchaseId, payment.tranche), created: false };
  }

  async confirmPayment(input: ConfirmInput): Promise<ConfirmResult> {
    const { purchaseId, tranche, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const payment = await this.getPayment(purchaseId, tranche);
      const plan = planTransfer(payment, input);
      if (!('transfer' in plan)) return { outcome: plan.outcome, ...(payment ? { payment } : {}) };
      const { transfer, set, audit } = plan;
      const update = new UpdateBuilder();
      for (const [field, value] of Object.entries(set)) update.set(field, value);
      const transfers = update.name('transfers');
      update.setExpression(
        `${transfers} = list_append(if_not_exists(${transfers}, ${update.value([])}), ${update.value([transfer])})`,
      );
      // The step as it was read: still due, and nothing paid on it since.
      update.condition(`${update.name('status')} = ${update.value('NOTIFIED')}`);
      const paidSoFar = update.name('paidFen');
      update.condition(
        payment?.paidFen === undefined
          ? `attribute_not_exists(${paidSoFar})`
          : `${paidSoFar} = ${update.value(payment.paidFen)}`,
      );
      const written = await writeWithAudit(this.client, this.tableName, {
        purchaseId,
        audit,
        eventId: audit.eventId,
        now,
        items: () => [
          {
            Update: { TableName: this.tableName, Key: keys.payment(purchaseId, tranche), ...update.build() },
          },
        ],
      });
      if (written === 'WRITTEN')
        return {
          outcome: plan.outcome,
          payment: {
            ...(payment as PaymentRecord),
            ...set,
            transfers: [...(payment?.transfers ?? []), transfer],
          },
        };
      // Paid, waived or withheld meanwhile: the next read says which.
    }
    throw new ContentionError(`confirming tranche ${tranche} of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async closePayment(input: CloseInput): Promise<PaymentRecord> {
    const { purchaseId, tranche, milestone, amountFen, status, reason, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const payment = await this.getPayment(purchaseId, tranche);
      // Paid money stays paid, and the first reason a tranche was closed stands.
      if (payment && payment.status !== 'NOTIFIED') return payment;

      const closed: PaymentRecord = payment
        ? { ...payment, status, reason, closedAt: now }
        : { purchaseId, tranche, milestone, amountFen, status, reason, closedAt: now };
      const written = await writeWithAudit(this.client, this.tableName, {
        purchaseId,
        audit: {
          actor: 'system:payments',
          action: status === 'WITHHELD' ? 'payment.withheld' : 'payment.cancelled',
          detail: { tranche, milestone: closed.milestone, amountFen: closed.amountFen, reason },
        },
        eventId: `payment:${tranche}:closed`,
        now,
        items: () => [
          payment
            ? this.move(purchaseId, tranche, 'NOTIFIED', { status, reason, closedAt: now })
            : this.putOnce(closed),
        ],
      });
      if (written === 'WRITTEN') return closed;
    }
    throw new ContentionError(`closing tranche ${tranche} of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async waivePayment(input: WaiveInput): Promise<WaiveResult> {
    const { purchaseId, tranche, by, reason, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const payment = await this.getPayment(purchaseId, tranche);
      if (payment?.status === 'WAIVED') return { outcome: 'ALREADY_WAIVED', payment };
      if (payment?.status !== 'NOTIFIED') return { outcome: 'NOT_WAIVABLE', ...(payment ? { payment } : {}) };

      const set = { status: 'WAIVED' as const, reason, closedAt: now, waivedBy: by };
      const written = await writeWithAudit(this.client, this.tableName, {
        purchaseId,
        audit: {
          actor: by,
          action: 'payment.waived',
          detail: { tranche, milestone: payment.milestone, amountFen: payment.amountFen, reason },
        },
        eventId: `payment:${tranche}:waived`,
        now,
        items: () => [this.move(purchaseId, tranche, 'NOTIFIED', set)],
      });
      if (written === 'WRITTEN') return { outcome: 'WAIVED', payment: { ...payment, ...set } };
      // Confirmed or waived meanwhile: the next read says which.
    }
    throw new ContentionError(`waiving tranche ${tranche} of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async correctTransfer(input: CorrectInput): Promise<CorrectResult> {
    const { purchaseId, tranche, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const payment = await this.getPayment(purchaseId, tranche);
      const plan = planCorrection(payment, input);
      if (plan.outcome !== 'CORRECTED' || !payment)
        return { outcome: plan.outcome, ...(payment ? { payment } : {}) };
      const update = new UpdateBuilder().set('transfers', plan.transfers);
      if (plan.reference !== undefined) update.set('reference', plan.reference);
      // The transfers as they were read: no other correction or transfer got in between.
      const transfers = update.name('transfers');
      update.condition(
        payment.transfers === undefined
          ? `attribute_exists(PK) AND attribute_not_exists(${transfers})`
          : `${transfers} = ${update.value(payment.transfers)}`,
      );
      const written = await writeWithAudit(this.client, this.tableName, {
        purchaseId,
        audit: plan.audit,
        eventId: plan.audit.eventId,
        now,
        items: () => [
          {
            Update: { TableName: this.tableName, Key: keys.payment(purchaseId, tranche), ...update.build() },
          },
        ],
      });
      if (written === 'WRITTEN')
        return {
          outcome: 'CORRECTED',
          payment: {
            ...payment,
            transfers: plan.transfers,
            ...(plan.reference === undefined ? {} : { reference: plan.reference }),
          },
        };
    }
    throw new ContentionError(`correcting tranche ${tranche} of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async recordChase(input: ChaseInput): Promise<PaymentRecord> {
    const { purchaseId, tranche, chase, now } = input;
    const mark = CHASE_MARKS[chase];
    const payment = await this.require(purchaseId, tranche);
    if (payment[mark] !== undefined) return payment;
    const update = new UpdateBuilder().set(mark, now);
    update.condition(`attribute_exists(PK) AND attribute_not_exists(${update.name(mark)})`);
    const written = await writeWithAudit(this.client, this.tableName, {
      purchaseId,
      audit: {
        actor: 'system:payments',
        action: chase === 'REMINDER' ? 'payment.reminded' : 'payment.escalated',
        detail: withoutUndefined({ tranche, milestone: payment.milestone, dueDate: payment.dueDate }),
      },
      eventId: `payment:${tranche}:${chase.toLowerCase()}`,
      now,
      items: () => [
        { Update: { TableName: this.tableName, Key: keys.payment(purchaseId, tranche), ...update.build() } },
      ],
    });
    return written === 'WRITTEN' ? { ...payment, [mark]: now } : this.require(purchaseId, tranche);
  }

  async armSettlementWait(input: { purchaseId: string; taskToken: string; now: string }): Promise<void> {
    const { purchaseId, taskToken, now } = input;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        // The newest arm's token is the one an execution waits on: an older one is closed.
        Item: {
          ...keys.settlementWait(purchaseId),
          entity: 'SETTLEMENT_WAIT',
          purchaseId,
          taskToken,
          armedAt: now,
        },
      }),
    );
  }

  async getSettlementWait(purchaseId: string): Promise<SettlementWait | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.settlementWait(purchaseId),
        ConsistentRead: true,
      }),
    );
    return Item
      ? { purchaseId, taskToken: String(Item.taskToken), armedAt: String(Item.armedAt) }
      : undefined;
  }

  async listPayments(purchaseId: string): Promise<PaymentRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.purchase(purchaseId).PK,
        ':prefix': SORT_KEY_PREFIXES.payment,
      },
      ConsistentRead: true,
    });
    return items.map(paymentFromItem);
  }

  async getPayment(purchaseId: string, tranche: number): Promise<PaymentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.payment(purchaseId, tranche),
        ConsistentRead: true,
      }),
    );
    return Item ? paymentFromItem(Item) : undefined;
  }

  private async require(purchaseId: string, tranche: number): Promise<PaymentRecord> {
    const payment = await this.getPayment(purchaseId, tranche);
    if (!payment) throw new RecordMissingError(`tranche ${tranche} of purchase ${purchaseId}`);
    return payment;
  }

  /** The payment step of a tranche is created once. */
  private putOnce(payment: PaymentRecord): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.payment(payment.purchaseId, payment.tranche), entity: 'PAYMENT', ...payment },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** A status move, only from the status it leaves. */
  private move(
    purchaseId: string,
    tranche: number,
    from: PaymentStatus,
    set: Partial<PaymentRecord>,
  ): TransactItem {
    const update = new UpdateBuilder();
    for (const [field, value] of Object.entries(set)) update.set(field, value);
    update.condition(`${update.name('status')} = ${update.value(from)}`);
    return {
      Update: { TableName: this.tableName, Key: keys.payment(purchaseId, tranche), ...update.build() },
    };
  }
}
