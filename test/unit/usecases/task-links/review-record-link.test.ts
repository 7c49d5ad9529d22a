import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import type { RecordedDecision } from '../../../../shared/domain/tasks.js';
import { purchaseRecord } from '../../../support/fakes/index.js';
import {
  expectStatus,
  fakes,
  MIDTERM_ID,
  openMidtermReview,
  PURCHASE_ID,
  settings,
  show,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

/** Opening a link of a higher level or a later round shows what was decided before, read from the purchase. */

const recorded = (overrides: Partial<RecordedDecision>): RecordedDecision => ({
  decision: 'APPROVE',
  by: 'section-chief@civil-affairs.example.gov.cn',
  byName: '王科长',
  comment: '',
  at: '2026-03-02T01:00:00.000Z',
  taskId: 'earlier-task',
  ...overrides,
});

describe('a link of a later level or round', () => {
  it('the bureau director’s approval page shows the section chief’s and the finance section’s decisions and comments', async () => {
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'APPROVAL',
        approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
        approvals: {
          SECTION_CHIEF: recorded({ comment: '同意，请财务科核预算' }),
          FINANCE_SECTION: recorded({
            by: 'finance-section@civil-affairs.example.gov.cn',
            byName: '财务科',
            at: '2026-03-02T05:00:00.000Z',
            comment: '预算线余额充足',
          }),
        },
      }),
    );
    const { task: director } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'APPROVAL:BUREAU_DIRECTOR',
      level: 'BUREAU_DIRECTOR',
      attempt: 'FIRST',
      assignee: { ...settings.approval.approvers.BUREAU_DIRECTOR, role: 'BUREAU_DIRECTOR' },
      taskToken: 'director-token',
      expiresAt: '2026-03-05T08:00:00.000Z',
      now: fakes.clock.now(),
    });

    const page = await show(director.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('同意，请财务科核预算');
    expect(page.html).toContain('预算线余额充足');
    expect(page.html.indexOf('同意，请财务科核预算')).toBeLessThan(page.html.indexOf('预算线余额充足'));
  });

  it('the second mid-term review shows the first round’s rectification request and every report on record', async () => {
    fakes.purchases.seed(
      purchaseRecord(MIDTERM_ID, largeElderlyCareProposal(), {
        stage: 'MIDTERM_REVIEW',
        decisions: { 'MIDTERM_REVIEW:1': recorded({ decision: 'RECTIFY', comment: '请补充入户服务记录' }) },
      }),
    );
    for (const [uploadId, at] of [
      ['report-round-1', '2026-03-01T01:00:00.000Z'],
      ['report-round-2', '2026-03-02T01:00:00.000Z'],
    ] as const) {
      await fakes.deliverables.recordDeliverable(
        {
          purchaseId: MIDTERM_ID,
          uploadId,
          kind: 'MIDTERM_REPORT',
          key: `uploads/${MIDTERM_ID}/MIDTERM_REPORT/${uploadId}/report.pdf`,
          fileName: `${uploadId}.pdf`,
          size: 1000,
          sha256: uploadId.padEnd(64, 'f'),
          uploadedBy: 'ngo:52350200MJ0000000X',
          uploadedAt: at,
          eTag: '"e"',
          status: 'ACCEPTED',
          reasons: [],
        },
        at,
      );
    }
    const review = await openMidtermReview({ round: 2, maxRounds: 3 });

    const page = await show(review.taskId);

    expectStatus(page, 200);
    expect(page.html).toContain('请补充入户服务记录');
    expect(page.html).toContain('report-round-1.pdf');
    expect(page.html).toContain('report-round-1'.padEnd(64, 'f'));
    // The decision is tied to the newest report only, as before.
    expect(page.html.match(/name="reviewed" value="([^"]+)"/g)).toEqual([
      'name="reviewed" value="report-round-2"',
    ]);
  });
});
