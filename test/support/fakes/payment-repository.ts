import { RecordMissingError } from '../../../shared/adapters/dynamodb/errors.js';
import {
  type PaymentNotice,
  type PaymentRecord,
  planCorrection,
  planTransfer,
} from '../../../shared/domain/payment-records.js';
import { CHASE_MARKS } from '../../../shared/domain/payment-reminders.js';
import type { PaymentRepository, SettlementWait } from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';
import type { InMemoryPurchaseRepository } from './purchase-repository.js';

/** Payment steps: NOTIFIED -> CONFIRMED once, WAIVED / WITHHELD / CANCELLED only while NOTIFIED. */
export class InMemoryPaymentRepository implements PaymentRepository {
  readonly records = new Map<string, PaymentRecord>();
  readonly settlementWaits = new Map<string, SettlementWait>();

  constructor(private readonly purchases: InMemoryPurchaseRepository) {}

  async openPayment(
    notice: PaymentNotice,
    now: string,
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    const existing = this.records.get(this.id(notice.purchaseId, notice.tranche));
    if (existing) return { payment: copy(existing), created: false };
    const payment: PaymentRecord = { ...copy(notice), status: 'NOTIFIED' };
    this.purchases.appendAudit(notice.purchaseId, {
      actor: 'system:payments',
      action: 'payment.notified',
      detail: {
        tranche: notice.tranche,
        milestone: notice.milestone,
        amountFen: notice.amountFen,
        ...(notice.reduction === undefined ? {} : { reduction: notice.reduction }),
        dueDate: notice.dueDate,
        ...(notice.confirmTaskId === undefined ? {} : { confirmTaskId: notice.confirmTaskId }),
      },
      eventId: `payment:${notice.tranche}:notified`,
      at: now,
    });
    this.records.set(this.id(notice.purchaseId, notice.tranche), payment);
    return { payment: copy(payment), created: true };
  }

  async confirmPayment(
    input: Parameters<PaymentRepository['confirmPayment']>[0],
  ): ReturnType<PaymentRepository['confirmPayment']> {
    const { purchaseId, tranche, now } = input;
    const payment = this.records.get(this.id(purchaseId, tranche));
    const plan = planTransfer(payment, input);
    if (!('transfer' in plan) || !payment)
      return { outcome: plan.outcome, ...(payment ? { payment: copy(payment) } : {}) };
    const { eventId, ...audit } = plan.audit;
    this.purchases.appendAudit(purchaseId, { ...audit, eventId, at: now });
    Object.assign(payment, plan.set, { transfers: [...(payment.transfers ?? []), plan.transfer] });
    return { outcome: plan.outcome, payment: copy(payment) };
  }

  async closePayment(input: Parameters<PaymentRepository['closePayment']>[0]): Promise<PaymentRecord> {
    const { purchaseId, tranche, milestone, amountFen, status, reason, now } = input;
    const existing = this.records.get(this.id(purchaseId, tranche));
    if (existing && existing.status !== 'NOTIFIED') return copy(existing);
    this.purchases.requireExisting(purchaseId);
    const closed: PaymentRecord = existing
      ? { ...existing, status, reason, closedAt: now }
      : { purchaseId, tranche, milestone, amountFen, status, reason, closedAt: now };
    this.purchases.appendAudit(purchaseId, {
      actor: 'system:payments',
      action: status === 'WITHHELD' ? 'payment.withheld' : 'payment.cancelled',
      detail: { tranche, milestone: closed.milestone, amountFen: closed.amountFen, reason },
      eventId: `payment:${tranche}:closed`,
      at: now,
    });
    this.records.set(this.id(purchaseId, tranche), closed);
    return copy(closed);
  }

  async waivePayment(
    input: Parameters<PaymentRepository['waivePayment']>[0],
  ): ReturnType<PaymentRepository['waivePayment']> {
    const { purchaseId, tranche, by, reason, now } = input;
    const payment = this.records.get(this.id(purchaseId, tranche));
    if (payment?.status === 'WAIVED') return { outcome: 'ALREADY_WAIVED', payment: copy(payment) };
    if (payment?.status !== 'NOTIFIED')
      return { outcome: 'NOT_WAIVABLE', ...(payment ? { payment: copy(payment) } : {}) };
    this.purchases.appendAudit(purchaseId, {
      actor: by,
      action: 'payment.waived',
      detail: { tranche, milestone: payment.milestone, amountFen: payment.amountFen, reason },
      eventId: `payment:${tranche}:waived`,
      at: now,
    });
    Object.assign(payment, { status: 'WAIVED', reason, closedAt: now, waivedBy: by });
    return { outcome: 'WAIVED', payment: copy(payment) };
  }

  async correctTransfer(
    input: Parameters<PaymentRepository['correctTransfer']>[0],
  ): ReturnType<PaymentRepository['correctTransfer']> {
    const payment = this.records.get(this.id(input.purchaseId, input.tranche));
    const plan = planCorrection(payment, input);
    if (plan.outcome !== 'CORRECTED' || !payment)
      return { outcome: plan.outcome, ...(payment ? { payment: copy(payment) } : {}) };
    const { eventId, ...audit } = plan.audit;
    this.purchases.appendAudit(input.purchaseId, { ...audit, eventId, at: input.now });
    Object.assign(payment, {
      transfers: plan.transfers,
      ...(plan.reference === undefined ? {} : { reference: plan.reference }),
    });
    return { outcome: 'CORRECTED', payment: copy(payment) };
  }

  async recordChase(input: Parameters<PaymentRepository['recordChase']>[0]): Promise<PaymentRecord> {
    const { purchaseId, tranche, chase, now } = input;
    const payment = this.records.get(this.id(purchaseId, tranche));
    if (!payment) throw new RecordMissingError(`tranche ${tranche} of purchase ${purchaseId}`);
    const mark = CHASE_MARKS[chase];
    if (payment[mark] !== undefined) return copy(payment);
    this.purchases.appendAudit(purchaseId, {
      actor: 'system:payments',
      action: chase === 'REMINDER' ? 'payment.reminded' : 'payment.escalated',
      detail: {
        tranche,
        milestone: payment.milestone,
        ...(payment.dueDate === undefined ? {} : { dueDate: payment.dueDate }),
      },
      eventId: `payment:${tranche}:${chase.toLowerCase()}`,
      at: now,
    });
    payment[mark] = now;
    return copy(payment);
  }

  async armSettlementWait(input: { purchaseId: string; taskToken: string; now: string }): Promise<void> {
    this.settlementWaits.set(input.purchaseId, {
      purchaseId: input.purchaseId,
      taskToken: input.taskToken,
      armedAt: input.now,
    });
  }

  async getSettlementWait(purchaseId: string): Promise<SettlementWait | undefined> {
    const wait = this.settlementWaits.get(purchaseId);
    return wait ? copy(wait) : undefined;
  }

  async listPayments(purchaseId: string): Promise<PaymentRecord[]> {
    return [...this.records.values()]
      .filter((p) => p.purchaseId === purchaseId)
      .sort((a, b) => a.tranche - b.tranche)
      .map(copy);
  }

  private id(purchaseId: string, tranche: number): string {
    return `${purchaseId}\u0000${tranche}`;
  }
}
