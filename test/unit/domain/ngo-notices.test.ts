import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { ngoNotices, uploadRequestNotes } from '../../../shared/domain/ngo-notices.js';
import type { PaymentRecord } from '../../../shared/domain/payment-records.js';
import type { Decision, RecordedDecision } from '../../../shared/domain/tasks.js';
import { purchaseRecord } from '../../support/fakes/index.js';

const ID = 'PUR-2026-NOTICESAAAAAAAAA';
const CHIEF = 'chief@civil-affairs.example.gov.cn';

function decided(decision: Decision, comment: string, at: string): RecordedDecision {
  return { decision, by: CHIEF, byName: '科长', comment, at, taskId: `task-${at}` };
}

function payment(overrides: Partial<PaymentRecord>): PaymentRecord {
  return {
    purchaseId: ID,
    tranche: 1,
    milestone: 'CONTRACT_SIGNED',
    amountFen: 3_000_000,
    status: 'NOTIFIED',
    dueDate: '2026-04-30',
    notifiedAt: '2026-03-31T02:00:00.000Z',
    ...overrides,
  };
}

describe('ngoNotices', () => {
  it('lists what concerns the NGO, oldest first: approval, returns, the contract, tranches, the grade, closing', () => {
    const purchase = purchaseRecord(ID, sampleProposal(), {
      stage: 'CLOSED',
      outcome: { result: 'APPROVED', reason: 'approved', by: CHIEF, at: '2026-03-02T02:00:00.000Z' },
      decisions: {
        'COUNTERSIGN:1': decided('REFUSE', '第五条数量有误', '2026-03-10T02:00:00.000Z'),
        'COUNTERSIGN:2': decided('COUNTERSIGN', '', '2026-03-20T02:00:00.000Z'),
        'MIDTERM_REVIEW:1:ESCALATED': decided('RECTIFY', '补充签到表', '2026-07-01T02:00:00.000Z'),
        'LATE_REPORT:2:1': decided('EXTEND', '病假延期', '2026-07-20T02:00:00.000Z'),
        'MIDTERM_REVIEW:2': decided('PASS', '', '2026-08-01T02:00:00.000Z'),
      },
      contract: {
        key: 'contracts/x',
        sha256: 'a'.repeat(64),
        issuedAt: '2026-03-03T02:00:00.000Z',
        signedUploadId: 'u2',
        signedAt: '2026-03-20T02:00:00.000Z',
      },
      midterm: { round: 2, dueDate: '2026-06-30', passedAt: '2026-08-01T02:00:00.000Z' },
      evaluation: { agencyId: 'a1', grade: 'GOOD', total: 853, evaluatedAt: '2026-12-20T02:00:00.000Z' },
      closedAt: '2026-12-21T02:00:00.000Z',
    });
    const payments = [
      payment({
        status: 'CONFIRMED',
        confirmedAt: '2026-04-02T02:00:00.000Z',
        reference: 'BANK-1',
        notifiedAt: '2026-03-20T02:00:01.000Z',
      }),
    ];

    const notices = ngoNotices(purchase, payments);

    expect(notices.map((n) => n.kind)).toEqual([
      'APPROVED',
      'RETURNED',
      'CONTRACT_IN_FORCE',
      'TRANCHE_DUE',
      'TRANCHE_PAID',
      'RETURNED',
      'DEADLINE_EXTENDED',
      'MIDTERM_PASSED',
      'GRADED',
      'CLOSED',
    ]);
    expect(notices[1]).toMatchObject({
      upload: 'SIGNED_CONTRACT',
      decision: 'REFUSE',
      comment: '第五条数量有误',
    });
    expect(notices[5]).toMatchObject({ upload: 'MIDTERM_REPORT', decision: 'RECTIFY', round: 1 });
    expect(notices[6]).toMatchObject({ round: 2, comment: '病假延期' });
    expect(notices[4]).toMatchObject({ tranche: 1, reference: 'BANK-1' });
    expect(notices[8]).toMatchObject({ grade: 'GOOD', finalTranche: 'PAY_IN_FULL' });
    expect(notices[8]).not.toHaveProperty('barredUntil');
    // Ids are stable and unique: a retried step finds the same notices and mails none twice.
    expect(new Set(notices.map((n) => n.id)).size).toBe(notices.length);
    expect(ngoNotices(purchase, payments).map((n) => n.id)).toEqual(notices.map((n) => n.id));
  });

  it('a failed grade withholds the final tranche and bars the NGO through the end of the next year', () => {
    const purchase = purchaseRecord(ID, sampleProposal(), {
      evaluation: { agencyId: 'a1', grade: 'FAIL', total: 552, evaluatedAt: '2026-12-20T02:00:00.000Z' },
    });

    expect(ngoNotices(purchase, [])).toEqual([
      expect.objectContaining({ kind: 'GRADED', finalTranche: 'WITHHOLD', barredUntil: '2027-12-31' }),
    ]);
  });

  it('a grade concluded with a reduced share carries the recorded award', () => {
    const award = {
      decision: 'REDUCE' as const,
      grade: 'PASS' as const,
      sharePercent: 80,
      plannedFen: 14_400_000,
      amountFen: 11_520_000,
      releasedFen: 2_880_000,
    };
    const purchase = purchaseRecord(ID, sampleProposal(), {
      evaluation: {
        agencyId: 'a1',
        grade: 'PASS',
        total: 725,
        evaluatedAt: '2026-12-20T02:00:00.000Z',
        finalTranche: award,
      },
    });

    expect(ngoNotices(purchase, [])).toEqual([
      expect.objectContaining({
        kind: 'GRADED',
        finalTranche: 'REDUCE',
        award: { sharePercent: 80, amountFen: 11_520_000, plannedFen: 14_400_000 },
      }),
    ]);
  });

  it("a rejection tells the NGO only that it was not approved, never the approver's comment", () => {
    const purchase = purchaseRecord(ID, sampleProposal(), {
      stage: 'REJECTED',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decided('REJECT', '内部意见：预算偏高', '2026-03-02T02:00:00.000Z') },
      outcome: {
        result: 'REJECTED',
        reason: 'rejected by 科长: 内部意见：预算偏高',
        by: CHIEF,
        at: '2026-03-02T02:00:00.000Z',
      },
    });

    const notices = ngoNotices(purchase, []);

    expect(notices).toEqual([{ id: 'not-approved', at: '2026-03-02T02:00:00.000Z', kind: 'NOT_APPROVED' }]);
    expect(JSON.stringify(notices)).not.toContain('内部意见');
  });

  it('a proposal refused before any approver saw it, or withdrawn by its officer, is no news to the NGO', () => {
    const at = '2026-03-02T02:00:00.000Z';
    const refused = purchaseRecord(ID, sampleProposal(), {
      stage: 'REJECTED',
      outcome: { result: 'REJECTED', reason: 'BUDGET: the line has 0 left', by: 'workflow', at },
    });
    const withdrawn = purchaseRecord(ID, sampleProposal(), {
      stage: 'REJECTED',
      approvalLevels: ['SECTION_CHIEF'],
      outcome: { result: 'WITHDRAWN', reason: 'withdrawn', by: CHIEF, at },
    });

    expect(ngoNotices(refused, [])).toEqual([]);
    expect(ngoNotices(withdrawn, [])).toEqual([]);
  });

  it('a tranche paid at once is one TRANCHE_PAID notice, with the reference and the account masked', () => {
    const purchase = purchaseRecord(ID, sampleProposal());
    const paid = payment({
      status: 'CONFIRMED',
      confirmedAt: '2026-04-02T02:00:00.000Z',
      reference: 'BANK-1',
      paidFen: 3_000_000,
      transfers: [
        { seq: 1, amountFen: 3_000_000, reference: 'BANK-1', by: 'f', at: '2026-04-02T02:00:00.000Z' },
      ],
    });

    const notices = ngoNotices(purchase, [paid]).filter((n) => n.kind !== 'TRANCHE_DUE');

    expect(notices).toEqual([
      {
        id: 'tranche-paid:1',
        at: '2026-04-02T02:00:00.000Z',
        kind: 'TRANCHE_PAID',
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 3_000_000,
        reference: 'BANK-1',
        paidTo: { bankName: '中国建设银行厦门思明支行（示例）', accountNumber: '****4215' },
      },
    ]);
  });

  it('each part of a tranche is a notice of its own with what it left due; the transfer that completes it is TRANCHE_PAID', () => {
    const purchase = purchaseRecord(ID, sampleProposal());
    const transfer = (seq: number, amountFen: number, at: string) => ({
      seq,
      amountFen,
      reference: `TX-${seq}`,
      by: 'f',
      at,
    });
    const partly = payment({
      paidFen: 1_000_000,
      transfers: [transfer(1, 1_000_000, '2026-04-02T02:00:00.000Z')],
    });
    const completed = payment({
      status: 'CONFIRMED',
      confirmedAt: '2026-04-09T02:00:00.000Z',
      reference: 'TX-3',
      paidFen: 3_000_000,
      transfers: [
        transfer(1, 1_000_000, '2026-04-02T02:00:00.000Z'),
        {
          ...transfer(2, 500_000, '2026-04-05T02:00:00.000Z'),
          corrections: [{ reference: 'TX-2-FIXED', reason: 'typo', by: 'f', at: '2026-04-06T02:00:00.000Z' }],
        },
        transfer(3, 1_500_000, '2026-04-09T02:00:00.000Z'),
      ],
    });

    expect(ngoNotices(purchase, [partly]).filter((n) => n.kind !== 'TRANCHE_DUE')).toEqual([
      expect.objectContaining({
        id: 'tranche-part-paid:1:1',
        at: '2026-04-02T02:00:00.000Z',
        kind: 'TRANCHE_PART_PAID',
        amountFen: 3_000_000,
        paidNowFen: 1_000_000,
        leftFen: 2_000_000,
        reference: 'TX-1',
        paidTo: { bankName: '中国建设银行厦门思明支行（示例）', accountNumber: '****4215' },
      }),
    ]);
    const notices = ngoNotices(purchase, [completed]).filter((n) => n.kind !== 'TRANCHE_DUE');
    expect(notices.map((n) => [n.id, n.kind])).toEqual([
      ['tranche-part-paid:1:1', 'TRANCHE_PART_PAID'],
      ['tranche-part-paid:1:2', 'TRANCHE_PART_PAID'],
      ['tranche-paid:1', 'TRANCHE_PAID'],
    ]);
    // A corrected reference is the one the NGO can quote.
    expect(notices[1]).toMatchObject({ paidNowFen: 500_000, leftFen: 1_500_000, reference: 'TX-2-FIXED' });
    expect(notices[2]).toMatchObject({ amountFen: 3_000_000, paidNowFen: 1_500_000, reference: 'TX-3' });
  });

  it('a payee account is never in a notice in full', () => {
    const purchase = purchaseRecord(ID, sampleProposal());
    const paid = payment({
      status: 'CONFIRMED',
      confirmedAt: '2026-04-02T02:00:00.000Z',
      reference: 'BANK-1',
    });

    expect(JSON.stringify(ngoNotices(purchase, [paid]))).not.toContain('35150198010100004215');
  });

  it("a termination names the reviewer's reason when a reviewer decided it, and the lapse otherwise", () => {
    const byReviewer = purchaseRecord(ID, sampleProposal(), {
      decisions: { 'MIDTERM_REVIEW:1': decided('TERMINATE', '服务严重不达标', '2026-07-01T02:00:00.000Z') },
      termination: { reason: 'PurchaseTerminated: x', by: 'workflow', at: '2026-07-01T02:00:01.000Z' },
    });
    const lapsed = purchaseRecord(ID, sampleProposal(), {
      termination: { reason: 'ContractLapsed: not signed', by: 'workflow', at: '2026-04-01T02:00:00.000Z' },
    });

    expect(ngoNotices(byReviewer, [])).toEqual([
      expect.objectContaining({ kind: 'TERMINATED', cause: 'REVIEW_DECISION', comment: '服务严重不达标' }),
    ]);
    expect(ngoNotices(lapsed, [])).toEqual([
      expect.objectContaining({ kind: 'TERMINATED', cause: 'CONTRACT_NOT_SIGNED' }),
    ]);
  });
});

describe('uploadRequestNotes', () => {
  const purchase = purchaseRecord(ID, sampleProposal(), {
    decisions: {
      'COUNTERSIGN:1': decided('REFUSE', '缺公章', '2026-03-10T02:00:00.000Z'),
      'MIDTERM_REVIEW:1': decided('RECTIFY', '补充签到表', '2026-07-01T02:00:00.000Z'),
      'LATE_REPORT:1:1': decided('EXTEND', '第一轮延期', '2026-06-20T02:00:00.000Z'),
      'LATE_REPORT:2:1': decided('EXTEND', '第二轮延期', '2026-07-20T02:00:00.000Z'),
      'LATE_REPORT:2:2': decided('EXTEND', '第二轮再延期', '2026-07-30T02:00:00.000Z'),
    },
  });

  it('the round begun by a refusal carries that refusal, and nothing of another kind', () => {
    // Stored instants may differ in precision: the same instant written without milliseconds still matches.
    expect(uploadRequestNotes(purchase, 'SIGNED_CONTRACT', '2026-03-10T02:00:00Z')).toEqual({
      returned: expect.objectContaining({ comment: '缺公章' }),
    });
    expect(
      uploadRequestNotes(purchase, 'MIDTERM_REPORT', '2026-03-10T02:00:00.000Z').returned,
    ).toBeUndefined();
  });

  it("a rectification round carries the rectification and its newest extension, not the earlier round's", () => {
    const notes = uploadRequestNotes(purchase, 'MIDTERM_REPORT', '2026-07-01T02:00:00.000Z');

    expect(notes.returned).toMatchObject({ comment: '补充签到表' });
    expect(notes.extended).toMatchObject({ comment: '第二轮再延期' });
  });

  it('the first round carries no return', () => {
    expect(uploadRequestNotes(purchase, 'SIGNED_CONTRACT', '2026-03-03T02:00:00.000Z')).toEqual({});
  });
});
