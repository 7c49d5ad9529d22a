import { describe, expect, it } from 'vitest';
import type { EarlierDecision } from '../../../../shared/domain/review-history.js';
import type { RecordedDecision } from '../../../../shared/domain/tasks.js';
import {
  confirmationPage,
  confirmationPageModel,
} from '../../../../shared/presentation/pages/task/approval-page.js';
import {
  countersignPage,
  countersignPageModel,
} from '../../../../shared/presentation/pages/task/countersign-page.js';
import {
  evaluationPage,
  evaluationPageModel,
} from '../../../../shared/presentation/pages/task/evaluation-page.js';
import {
  lateReportPage,
  lateReportPageModel,
} from '../../../../shared/presentation/pages/task/late-report-page.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
} from '../../../../shared/presentation/pages/task/midterm-review-page.js';
import type { PageDocument } from '../../../../shared/presentation/pages/task/reviewed-document.js';
import {
  count,
  countersignTask,
  ESCAPED_SCRIPT,
  LATE_NOW,
  lateTask,
  proposal,
  reviewTask,
  SCRIPT,
  task,
} from './task-page-fixtures.js';

/**
 * What reviewers and higher approvers read before deciding: the earlier levels' decisions on the
 * approval page, and on every review page each file on record and the earlier rounds' decisions.
 */

const decision = (overrides: Partial<RecordedDecision>): RecordedDecision => ({
  decision: 'APPROVE',
  by: 'section-chief@civil-affairs.example.gov.cn',
  byName: '王科长',
  comment: '',
  at: '2026-03-02T01:15:00.000Z',
  taskId: 'task-of-the-earlier-decision',
  ...overrides,
});

const sectionChief: EarlierDecision = {
  purpose: 'APPROVAL',
  level: 'SECTION_CHIEF',
  decision: decision({ comment: '同意立项，注意督导配置' }),
};
const financeSection: EarlierDecision = {
  purpose: 'APPROVAL',
  level: 'FINANCE_SECTION',
  decision: decision({
    by: 'finance-section@civil-affairs.example.gov.cn',
    byName: '财务科',
    at: '2026-03-03T02:30:00.000Z',
    comment: '预算充足',
    data: { actedBy: 'li.kuaiji@civil-affairs.example.gov.cn' },
  }),
};

const file = (
  uploadId: string,
  kind: PageDocument['kind'],
  underReview: boolean,
  url?: string,
): PageDocument => ({
  kind,
  uploadId,
  fileName: `${uploadId}.pdf`,
  sha256: uploadId.padEnd(64, '0'),
  uploadedAt: '2026-03-01T02:00:00.000Z',
  underReview,
  ...(url === undefined ? {} : { url }),
});

describe('the approval page of a higher level', () => {
  const render = (earlierLevels: EarlierDecision[]) =>
    confirmationPage(confirmationPageModel({ purchaseId: task.purchaseId, proposal, task, earlierLevels }))
      .html;

  it('shows each earlier level’s decision, who took it, when, and the comment, in chain order', () => {
    const html = render([sectionChief, financeSection]);

    expect(html).toMatch(/<h2>前序审批意见.*<\/h2>/);
    const rows = [...html.matchAll(/<tr><td>(.*?)<\/tr>/gs)]
      .map((m) => m[1] ?? '')
      .filter((r) => r.includes('批准'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('科长');
    expect(rows[0]).toContain('王科长 &lt;section-chief@civil-affairs.example.gov.cn&gt;');
    expect(rows[0]).toContain('2026-03-02 09:15 (UTC+8)');
    expect(rows[0]).toContain('同意立项，注意督导配置');
    // The shared mailbox's decision names the person who acted for it.
    expect(rows[1]).toContain('li.kuaiji@civil-affairs.example.gov.cn（代表 for 财务科');
    expect(rows[1]).toContain('预算充足');
    expect(html.indexOf('同意立项')).toBeLessThan(html.indexOf('预算充足'));
    // Above the form, so it is read before deciding.
    expect(html.indexOf('<h2>前序审批意见')).toBeLessThan(html.indexOf('<form'));
  });

  it('the first level shows no earlier decisions section', () => {
    expect(render([])).not.toContain('<h2>前序审批意见');
  });

  it('escapes an earlier comment and keeps its line breaks', () => {
    const html = render([{ ...sectionChief, decision: decision({ comment: `第一行\n${SCRIPT}` }) }]);

    expect(html).toContain(`<td class="pre">第一行\n${ESCAPED_SCRIPT}</td>`);
    expect(html).not.toContain(SCRIPT);
  });
});

describe('the review pages', () => {
  const refusal: EarlierDecision = {
    purpose: 'COUNTERSIGN',
    round: 1,
    decision: decision({ decision: 'REFUSE', comment: '乙方签章不清晰，请重新盖章' }),
  };
  const rectification: EarlierDecision = {
    purpose: 'MIDTERM_REVIEW',
    round: 1,
    decision: decision({ decision: 'RECTIFY', comment: '补充服务对象回访记录' }),
  };
  const ON_RECORD_URL = 'https://documents.example/earlier.pdf?X-Amz-Signature=e';

  it('the countersignature lists every signed copy on record, the one under review marked, and the earlier refusal', () => {
    const current = file('signed-2', 'SIGNED_CONTRACT', true, 'https://documents.example/signed-2.pdf');
    const html = countersignPage(
      countersignPageModel({
        purchaseId: countersignTask.purchaseId,
        proposal,
        task: countersignTask,
        document: current,
        filesOnRecord: [file('signed-1', 'SIGNED_CONTRACT', false, ON_RECORD_URL), current],
        earlier: [refusal],
      }),
    ).html;

    expect(html).toContain('Every file on record');
    expect(html).toContain(
      `<a href="${ON_RECORD_URL.replace('&', '&amp;')}" rel="noreferrer">signed-1.pdf</a>`,
    );
    expect(html).toContain('signed-1'.padEnd(64, '0'));
    expect(count(html, /under review/)).toBe(1);
    expect(html.indexOf('signed-1.pdf</a>')).toBeLessThan(html.indexOf('under review'));
    expect(html).toContain('合同会签（第 1 轮）');
    expect(html).toContain('Countersignature, round 1');
    expect(html).toContain('退回');
    expect(html).toContain('乙方签章不清晰，请重新盖章');
    // Only the file under review ties the decision.
    expect(html.match(/name="reviewed" value="([^"]+)"/g)).toEqual(['name="reviewed" value="signed-2"']);
  });

  it('the mid-term review shows the earlier rectification request and the evidence; a file without a link is named only', () => {
    const html = midtermReviewPage(
      midtermReviewPageModel({
        purchaseId: reviewTask.purchaseId,
        proposal,
        task: reviewTask,
        document: file('report-2', 'MIDTERM_REPORT', true, 'https://documents.example/report-2.pdf'),
        filesOnRecord: [
          file('report-1', 'MIDTERM_REPORT', false, 'javascript:alert(1)'),
          file('report-2', 'MIDTERM_REPORT', true, 'https://documents.example/report-2.pdf'),
          file('evidence-1', 'EVIDENCE', false, ON_RECORD_URL),
        ],
        earlier: [rectification],
      }),
    ).html;

    expect(html).toContain('<td>report-1.pdf</td>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('佐证材料');
    expect(html).toContain('补充服务对象回访记录');
    expect(html).toContain('Mid-term review, round 1');
  });

  it('the late report page says when there is nothing on record and no earlier decision', () => {
    const html = lateReportPage(
      lateReportPageModel({ purchaseId: lateTask.purchaseId, proposal, task: lateTask, now: LATE_NOW }),
    ).html;

    expect(html).toContain('There is no checked file on record yet.');
    expect(html).toContain('No decision was taken before this one.');
  });

  it('the evaluation page shows the record only after the declaration of independence', () => {
    const evaluationTask = { ...reviewTask, purpose: 'EVALUATION' as const, stepKey: 'EVALUATION' };
    const input = {
      purchaseId: evaluationTask.purchaseId,
      proposal,
      rubric: [{ criterion: 'OUTCOMES', weight: 100 }] as const,
      filesOnRecord: [file('signed-1', 'SIGNED_CONTRACT', false, ON_RECORD_URL)],
      earlier: [rectification],
    };

    const before = evaluationPage(evaluationPageModel({ ...input, task: evaluationTask })).html;
    const after = evaluationPage(
      evaluationPageModel({ ...input, task: { ...evaluationTask, declaredAt: '2026-03-02T01:00:00.000Z' } }),
    ).html;

    for (const hidden of ['signed-1', '补充服务对象回访记录', 'Every file on record']) {
      expect(before).not.toContain(hidden);
      expect(after).toContain(hidden);
    }
  });
});
