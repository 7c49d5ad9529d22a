import { describe, expect, it } from 'vitest';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import { earlierApprovals, earlierReviews } from '../../../shared/domain/review-history.js';
import { filesOnRecord } from '../../../shared/domain/reviewed-uploads.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';
import type { UploadKind } from '../../../shared/domain/uploads.js';

const decided = (decision: RecordedDecision['decision'], at: string, comment = ''): RecordedDecision => ({
  decision,
  by: 'someone@civil-affairs.example.gov.cn',
  byName: '某人',
  comment,
  at,
  taskId: `task-${at}`,
});

describe('earlierApprovals', () => {
  const purchase = {
    approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'] as const,
    approvals: {
      SECTION_CHIEF: decided('APPROVE', '2026-03-02T01:00:00.000Z', '同意'),
      FINANCE_SECTION: decided('APPROVE', '2026-03-03T01:00:00.000Z', '预算充足'),
    },
  };

  it('gives the bureau director the section chief’s then the finance section’s decision, in chain order', () => {
    const earlier = earlierApprovals(
      { ...purchase, approvalLevels: [...purchase.approvalLevels] },
      'BUREAU_DIRECTOR',
    );

    expect(earlier.map((e) => [e.level, e.decision.comment])).toEqual([
      ['SECTION_CHIEF', '同意'],
      ['FINANCE_SECTION', '预算充足'],
    ]);
    expect(earlier.every((e) => e.purpose === 'APPROVAL')).toBe(true);
  });

  it('gives the first level nothing, and a level outside the chain nothing', () => {
    const chain = { ...purchase, approvalLevels: [...purchase.approvalLevels] };
    expect(earlierApprovals(chain, 'SECTION_CHIEF')).toEqual([]);
    expect(earlierApprovals({ ...chain, approvalLevels: ['SECTION_CHIEF'] }, 'BUREAU_DIRECTOR')).toEqual([]);
  });
});

describe('earlierReviews', () => {
  const decisions = {
    'COUNTERSIGN:1': decided('REFUSE', '2026-04-01T01:00:00.000Z', '签章不清晰'),
    'COUNTERSIGN:2:ESCALATED': decided('COUNTERSIGN', '2026-04-05T01:00:00.000Z'),
    'MIDTERM_REVIEW:1': decided('RECTIFY', '2026-09-02T01:00:00.000Z', '补充服务记录'),
    'LATE_REPORT:2:1': decided('EXTEND', '2026-10-20T01:00:00.000Z', '再给两周'),
    'MIDTERM_REVIEW:2': decided('PASS', '2026-11-01T01:00:00.000Z'),
    'PAYMENT:1': decided('CONFIRM', '2026-04-10T01:00:00.000Z'),
  };

  it('gives a countersignature its earlier rounds only, with their round, oldest first', () => {
    expect(
      earlierReviews('COUNTERSIGN', decisions).map((e) => [e.purpose, e.round, e.decision.decision]),
    ).toEqual([
      ['COUNTERSIGN', 1, 'REFUSE'],
      ['COUNTERSIGN', 2, 'COUNTERSIGN'],
    ]);
  });

  it('gives a mid-term review, a late report and an evaluation the mid-term rounds and extensions in the order they were taken', () => {
    const midterm = [
      ['MIDTERM_REVIEW', 1, '补充服务记录'],
      ['LATE_REPORT', 2, '再给两周'],
      ['MIDTERM_REVIEW', 2, ''],
    ];
    for (const purpose of ['MIDTERM_REVIEW', 'LATE_REPORT', 'EVALUATION'] as const) {
      expect(earlierReviews(purpose, decisions).map((e) => [e.purpose, e.round, e.decision.comment])).toEqual(
        midterm,
      );
    }
  });
});

describe('filesOnRecord', () => {
  const upload = (uploadId: string, kind: UploadKind, status: DeliverableRecord['status'] = 'ACCEPTED') =>
    ({ uploadId, kind, status }) as DeliverableRecord;
  const uploads = [
    upload('contract-1', 'SIGNED_CONTRACT'),
    upload('mid-1', 'MIDTERM_REPORT'),
    upload('evidence-1', 'EVIDENCE'),
    upload('mid-2', 'MIDTERM_REPORT'),
    upload('mid-3-refused', 'MIDTERM_REPORT', 'REJECTED'),
    upload('final-1', 'FINAL_REPORT'),
  ];

  it('lists every accepted file of the kinds a page concerns, by kind, oldest first; never a refused one', () => {
    const ids = (purpose: Parameters<typeof filesOnRecord>[0]) =>
      filesOnRecord(purpose, uploads).map((u) => u.uploadId);

    expect(ids('COUNTERSIGN')).toEqual(['contract-1']);
    expect(ids('MIDTERM_REVIEW')).toEqual(['mid-1', 'mid-2', 'evidence-1']);
    expect(ids('LATE_REPORT')).toEqual(['mid-1', 'mid-2', 'evidence-1']);
    expect(ids('EVALUATION')).toEqual(['final-1', 'mid-1', 'mid-2', 'evidence-1', 'contract-1']);
  });
});
