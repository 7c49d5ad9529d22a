import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { chinaCalendarDate, InvalidTimestampError } from '../../../shared/domain/china-time.js';
import { sumFen } from '../../../shared/domain/money.js';
import { officialCalendar } from '../../../shared/domain/official-calendar.js';
import { paymentDueDate, TranchePlanError, tranchePlan } from '../../../shared/domain/payments.js';
import { paymentNotice } from '../../../shared/presentation/payment-notice.js';

describe('tranchePlan', () => {
  it('numbers the tranches in milestone order with their amounts in fen', () => {
    expect(tranchePlan(sampleProposal())).toEqual([
      { tranche: 1, milestone: 'CONTRACT_SIGNED', percent: 30, amountFen: 14_400_000 },
      { tranche: 2, milestone: 'MIDTERM_PASSED', percent: 40, amountFen: 19_200_000 },
      { tranche: 3, milestone: 'EVALUATION_PASSED', percent: 30, amountFen: 14_400_000 },
    ]);
  });

  it('orders the tranches by milestone whatever order the proposal lists them in', () => {
    const plan = tranchePlan(
      sampleProposal({
        trancheSchedule: [
          { milestone: 'EVALUATION_PASSED', percent: 20 },
          { milestone: 'CONTRACT_SIGNED', percent: 50 },
          { milestone: 'MIDTERM_PASSED', percent: 30 },
        ],
      }),
    );
    expect(plan.map((t) => [t.tranche, t.milestone, t.percent])).toEqual([
      [1, 'CONTRACT_SIGNED', 50],
      [2, 'MIDTERM_PASSED', 30],
      [3, 'EVALUATION_PASSED', 20],
    ]);
  });

  it('adds up to the total to the fen when the percentages do not divide it evenly', () => {
    const proposal = sampleProposal({
      totalFen: 10_000_001,
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED', percent: 33 },
        { milestone: 'MIDTERM_PASSED', percent: 33 },
        { milestone: 'EVALUATION_PASSED', percent: 34 },
      ],
    });
    const plan = tranchePlan(proposal);
    expect(sumFen(plan.map((t) => t.amountFen))).toBe(10_000_001);
    expect(plan.map((t) => t.amountFen)).toEqual([3_300_000, 3_300_000, 3_400_001]);
    expect(plan.every((t) => Number.isInteger(t.amountFen))).toBe(true);
  });

  it('pays a single-tranche purchase in full on signature', () => {
    const plan = tranchePlan(
      sampleProposal({ totalFen: 999, trancheSchedule: [{ milestone: 'CONTRACT_SIGNED', percent: 100 }] }),
    );
    expect(plan).toEqual([{ tranche: 1, milestone: 'CONTRACT_SIGNED', percent: 100, amountFen: 999 }]);
  });

  it('refuses a schedule whose percentages do not sum to 100', () => {
    const proposal = sampleProposal({
      trancheSchedule: [
        { milestone: 'CONTRACT_SIGNED', percent: 30 },
        { milestone: 'MIDTERM_PASSED', percent: 30 },
      ],
    });
    expect(() => tranchePlan(proposal)).toThrow(TranchePlanError);
    expect(() => tranchePlan(proposal)).toThrow('the tranche percentages sum to 60, not 100');
  });
});

describe('paymentDueDate', () => {
  /** The package's years, and a 2027 whose Spring Festival is 4 to 12 February (the tests' own). */
  const calendar = officialCalendar({
    officialCalendar: {
      '2027': {
        holidays: ['01-01', '02-04/02-12'],
        workdays: ['01-31', '02-20'],
        source: 'test',
        sample: true,
      },
    },
  });
  const days = (dueDays: number) => ({ dueDays });

  it('falls 30 calendar days after the China date of acceptance, on a working day', () => {
    expect(paymentDueDate('2026-03-10T02:00:00Z', days(30), calendar)).toBe('2026-04-09');
  });

  it('moves a due date that falls on a rest day to the next working day: past a weekend, past the Spring Festival', () => {
    // 28 days after 1 February 2026 is Sunday 1 March: due Monday 2 March.
    expect(paymentDueDate('2026-02-01T09:00:00+08:00', days(28), calendar)).toBe('2026-03-02');
    // 30 days after 6 January 2027 is Friday 5 February, in the festival: due Monday 15 February.
    expect(paymentDueDate('2027-01-06T09:00:00+08:00', days(30), calendar)).toBe('2027-02-15');
    // A make-up Saturday is a working day: 20 February 2027 stays.
    expect(paymentDueDate('2027-01-21T09:00:00+08:00', days(30), calendar)).toBe('2027-02-20');
  });

  it('counts working days when the settings give them', () => {
    // From Friday 29 January 2027: Sunday 31 (make-up), 1 to 3 February, then Monday 15 February.
    expect(paymentDueDate('2027-01-29T10:00:00+08:00', { dueDays: 30, dueWorkingDays: 5 }, calendar)).toBe(
      '2027-02-15',
    );
  });

  it('counts from the China date, which is already the next day after 16:00 UTC', () => {
    expect(chinaCalendarDate('2026-01-31T15:59:59Z')).toBe('2026-01-31');
    expect(chinaCalendarDate('2026-01-31T16:00:00Z')).toBe('2026-02-01');
    expect(paymentDueDate('2026-01-31T16:00:00Z', days(30), calendar)).toBe('2026-03-03');
    expect(paymentDueDate('2026-01-31T15:59:59Z', days(30), calendar)).toBe('2026-03-02');
  });

  it('crosses month and year ends and leap days', () => {
    expect(paymentDueDate('2027-12-15T04:00:00+08:00', days(30), calendar)).toBe('2028-01-14');
    expect(paymentDueDate('2028-02-01T09:00:00+08:00', days(29), calendar)).toBe('2028-03-01');
  });

  it('refuses a timestamp that is not one and a negative or fractional number of days', () => {
    expect(() => paymentDueDate('next Tuesday', days(30), calendar)).toThrow(InvalidTimestampError);
    expect(() => paymentDueDate('2026-03-10T02:00:00Z', days(-1), calendar)).toThrow(RangeError);
    expect(() => paymentDueDate('2026-03-10T02:00:00Z', days(1.5), calendar)).toThrow(RangeError);
  });
});

describe('paymentNotice', () => {
  const proposal = sampleProposal();
  const [first] = tranchePlan(proposal);
  if (!first) throw new Error('empty plan');
  const notice = paymentNotice({
    purchaseId: 'PUR-2026-7K2M9QXWAB3CDEFG',
    title: proposal.title,
    ngo: proposal.ngo,
    tranche: first,
    amountFen: first.amountFen,
    dueDate: '2026-02-14',
    confirmLink: 'https://purchases.example.gov.cn/tasks/abc?sig=xyz',
  });

  it('tells finance the purchase, payee, tranche, amount, due date and where to confirm, Chinese first', () => {
    const { message } = notice;
    for (const fact of [
      proposal.title,
      'PUR-2026-7K2M9QXWAB3CDEFG',
      `收款单位：${proposal.ngo.name}`,
      proposal.ngo.creditCode,
      '第 1 笔（合同签订后）',
      '¥144,000.00',
      '14400000 分',
      '2026-02-14',
      'https://purchases.example.gov.cn/tasks/abc?sig=xyz',
      'Payee: ',
      'Amount: ¥144,000.00 (14400000 fen)',
      'Due by: 2026-02-14',
    ]) {
      expect(message).toContain(fact);
    }
    expect(message.indexOf('付款金额')).toBeLessThan(message.indexOf('Amount:'));
  });

  it('has a subject SNS accepts: ASCII only, one line, under 100 characters', () => {
    expect(notice.subject).toBe(
      'Payment due 2026-02-14: tranche 1 of PUR-2026-7K2M9QXWAB3CDEFG, CNY 144,000.00',
    );
    expect(notice.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(notice.subject.length).toBeLessThan(100);
  });

  it('carries string attributes finance subscriptions can filter on', () => {
    expect(notice.attributes).toEqual({
      purchaseId: 'PUR-2026-7K2M9QXWAB3CDEFG',
      tranche: '1',
      amountFen: '14400000',
      milestone: 'CONTRACT_SIGNED',
    });
  });

  it('keeps the subject under 100 characters even for a long purchase id', () => {
    const long = paymentNotice({
      purchaseId: `PUR-${'X'.repeat(80)}`,
      title: '标题',
      ngo: proposal.ngo,
      tranche: { tranche: 3, milestone: 'EVALUATION_PASSED' },
      amountFen: 123_456_789_00,
      dueDate: '2026-12-31',
      confirmLink: 'https://x.example/c',
    });
    expect(long.subject.length).toBeLessThan(100);
  });
});
