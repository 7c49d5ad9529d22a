import type { PaymentRecord } from '../domain/payment-records.js';
import type { Now } from '../ports/clock.js';
import type { PaymentRepository, PurchaseRepository } from '../ports/repositories.js';

export interface CorrectPaymentRecordDeps {
  purchases: Pick<PurchaseRepository, 'getPurchase'>;
  payments: Pick<PaymentRepository, 'correctTransfer'>;
  now: Now;
}

export type CorrectionAnswer =
  | { outcome: 'CORRECTED' | 'UNCHANGED'; payment: PaymentRecord }
  | { outcome: 'NO_SUCH_TRANSFER' | 'UNKNOWN' };

/**
 * Finance puts a mistyped bank reference of a confirmed transfer right, with a reason: the record
 * keeps the reference as confirmed and adds the correction (who, when, why), on the audit trail
 * too. Asking again for the reference it already goes by changes nothing.
 */
export async function correctPaymentRecord(
  deps: CorrectPaymentRecordDeps,
  input: { purchaseId: string; tranche: number; seq: number; reference: string; reason: string; by: string },
): Promise<CorrectionAnswer> {
  if (!(await deps.purchases.getPurchase(input.purchaseId))) return { outcome: 'UNKNOWN' };
  const result = await deps.payments.correctTransfer({ ...input, now: deps.now() });
  if (result.outcome === 'NO_SUCH_TRANSFER' || !result.payment) return { outcome: 'NO_SUCH_TRANSFER' };
  return { outcome: result.outcome, payment: result.payment };
}
