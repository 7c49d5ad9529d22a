import { describe, expect, it } from 'vitest';
import {
  currentReference,
  outstandingFen,
  type PaymentRecord,
  paidFen,
  planCorrection,
  transfersOf,
} from '../../../shared/domain/payment-records.js';

/** A tranche confirmed before transfers were kept: one reference, no transfers. */
const LEGACY: PaymentRecord = {
  purchaseId: 'PUR-2026-AAAAAAAAAAAAAAAA',
  tranche: 1,
  milestone: 'CONTRACT_SIGNED',
  amountFen: 14_400_000,
  dueDate: '2026-04-01',
  status: 'CONFIRMED',
  notifiedAt: '2026-03-02T08:00:00.000Z',
  confirmedAt: '2026-03-20T08:00:00.000Z',
  confirmedBy: 'finance.clerk@civil-affairs.example.gov.cn',
  reference: 'CCB-O001',
};

describe('payment records', () => {
  it('a tranche confirmed before transfers were kept counts as paid in full, in one transfer', () => {
    expect(paidFen(LEGACY)).toBe(14_400_000);
    expect(outstandingFen(LEGACY)).toBe(0);
    expect(transfersOf(LEGACY)).toEqual([
      {
        seq: 1,
        amountFen: 14_400_000,
        reference: 'CCB-O001',
        by: 'finance.clerk@civil-affairs.example.gov.cn',
        at: '2026-03-20T08:00:00.000Z',
      },
    ]);
  });

  it('what is left of a due tranche is its amount less what was paid; a settled one owes nothing', () => {
    expect(outstandingFen({ status: 'NOTIFIED', amountFen: 100, paidFen: 30 })).toBe(70);
    expect(outstandingFen({ status: 'NOTIFIED', amountFen: 100 })).toBe(100);
    expect(outstandingFen({ status: 'WAIVED', amountFen: 100, paidFen: 30 })).toBe(0);
    expect(paidFen({ status: 'WAIVED', amountFen: 100, paidFen: 30 })).toBe(30);
  });

  it('a correction of such a tranche makes its transfer explicit, keeps the reference confirmed and moves the record’s', () => {
    const plan = planCorrection(LEGACY, {
      seq: 1,
      reference: 'CCB-0001',
      reason: 'digit zero, not the letter O',
      by: 'finance.clerk@civil-affairs.example.gov.cn',
      now: '2026-04-10T08:00:00.000Z',
    });

    expect(plan).toMatchObject({ outcome: 'CORRECTED', before: 0, reference: 'CCB-0001' });
    if (plan.outcome !== 'CORRECTED') throw new Error('not corrected');
    expect(plan.transfers[0]?.reference).toBe('CCB-O001');
    expect(currentReference(plan.transfers[0] as NonNullable<(typeof plan.transfers)[0]>)).toBe('CCB-0001');
    expect(plan.audit.eventId).toBe('payment:1:transfer:1:correction:1');
  });

  it('nothing to correct on a tranche not paid, or to the reference it already goes by', () => {
    const due: PaymentRecord = { ...LEGACY, status: 'NOTIFIED', reference: undefined } as PaymentRecord;
    const request = { seq: 1, reference: 'CCB-0001', reason: 'r', by: 'x', now: 'n' };
    expect(planCorrection(due, request).outcome).toBe('NO_SUCH_TRANSFER');
    expect(planCorrection(undefined, request).outcome).toBe('NO_SUCH_TRANSFER');
    expect(planCorrection(LEGACY, { ...request, reference: 'CCB-O001' }).outcome).toBe('UNCHANGED');
  });
});
