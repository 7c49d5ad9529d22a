import { describe, expect, it } from 'vitest';
import type { RecordedDecision } from '../../../../shared/domain/tasks.js';
import { decidedPage, decidedPageModel } from '../../../../shared/presentation/pages/task/decided-page.js';

import { decision, ESCAPED_SCRIPT, proposal, SCRIPT, TASK_ID } from './task-page-fixtures.js';

/** The page of a decided task, for every purpose: what was decided, by whom, when. */

function decided(
  variant: 'RECORDED' | 'ALREADY_DECIDED',
  d: RecordedDecision = decision,
  title = proposal.title,
) {
  return decidedPage(decidedPageModel({ variant, title, level: 'BUREAU_DIRECTOR', decision: d }));
}

describe('decidedPage', () => {
  it('confirms right after the POST that the decision was recorded, with what, who, when and the comment', () => {
    const rendered = decided('RECORDED');

    expect(rendered.statusCode).toBe(200);
    expect(rendered.html).toContain('您的决定已记录');
    expect(rendered.html).toContain('Your decision has been recorded');
    expect(rendered.html).toContain('驳回 Rejected');
    expect(rendered.html).toContain('张局长 &lt;director@civil-affairs.example.gov.cn&gt;');
    expect(rendered.html).toContain('2026-03-02 09:15 (UTC+8)');
    expect(rendered.html).toContain('预算依据不足\nBudget basis is insufficient');
    expect(rendered.html).toContain('集美区农村留守老人关爱服务项目');
  });

  it('tells a later visitor who already decided, and offers nothing to submit', () => {
    const html = decided('ALREADY_DECIDED', { ...decision, decision: 'APPROVE', comment: '' }).html;

    expect(html).toContain('此审批已由 张局长 作出决定');
    expect(html).toContain('This approval was already decided by 张局长');
    expect(html).toContain('批准 Approved');
    expect(html).toContain('（无）(none)');
    expect(html).not.toMatch(/<form\b|<button\b|<a\b/i);
  });

  it('does not echo the task id of the recorded decision', () => {
    expect(decided('ALREADY_DECIDED').html).not.toContain(TASK_ID);
  });

  it('escapes the comment, the decider name and the title', () => {
    const html = decided(
      'ALREADY_DECIDED',
      { ...decision, comment: `C ${SCRIPT}`, byName: `N ${SCRIPT}` },
      `T ${SCRIPT}`,
    ).html;

    expect(html).not.toMatch(/<script\b/i);
    for (const prefix of ['C', 'N', 'T']) expect(html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});

describe('decidedPage of every purpose', () => {
  it('names a countersignature and a refusal with its comment', () => {
    const html = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: proposal.title,
        purpose: 'COUNTERSIGN',
        decision: { ...decision, decision: 'REFUSE', comment: '第五条金额有误', byName: '王科长' },
      }),
    ).html;

    expect(html).toContain('此合同会签已由 王科长 作出决定');
    expect(html).toContain('This countersignature was already decided by 王科长');
    expect(html).toContain('退回 Refused');
    expect(html).toContain('第五条金额有误');
    expect(
      decidedPage(
        decidedPageModel({
          variant: 'RECORDED',
          title: 'x',
          purpose: 'COUNTERSIGN',
          decision: { ...decision, decision: 'COUNTERSIGN' },
        }),
      ).html,
    ).toContain('会签 Countersigned');
  });

  it('shows the bank transaction reference of a payment confirmation, escaped', () => {
    const confirm: RecordedDecision = {
      ...decision,
      decision: 'CONFIRM',
      comment: '',
      data: { reference: 'TX-2026/0001' },
    };
    const html = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'PAYMENT_CONFIRMATION',
        decision: confirm,
      }),
    ).html;

    expect(html).toContain('已确认付款 Payment confirmed');
    expect(html).toContain('Bank transaction reference');
    expect(html).toContain('TX-2026/0001');
    expect(html).toContain('2026-03-02 09:15 (UTC+8)');
    expect(html).not.toMatch(/<form\b|<button\b|<a\b/i);

    const hostile = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: 't',
        purpose: 'PAYMENT_CONFIRMATION',
        decision: { ...confirm, data: { reference: SCRIPT } },
      }),
    ).html;
    expect(hostile).not.toMatch(/<script\b/i);
    expect(hostile).toContain(ESCAPED_SCRIPT);
    expect(hostile).toContain('This payment confirmation was already decided by');
  });

  it('shows no reference row for decisions other than CONFIRM', () => {
    const html = decided('RECORDED', { ...decision, data: { reference: 'TX-9999' } }).html;
    expect(html).not.toContain('TX-9999');
    expect(html).not.toContain('Bank transaction reference');
  });
});

describe('decidedPage of the mid-term review', () => {
  it('names a rectification with what to fix, and an extension of a late report', () => {
    const rectified = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'MIDTERM_REVIEW',
        decision: { ...decision, decision: 'RECTIFY', comment: '补充服务台账' },
      }),
    ).html;
    expect(rectified).toContain('限期整改 Rectification required');
    expect(rectified).toContain('补充服务台账');

    const extended = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: proposal.title,
        purpose: 'LATE_REPORT',
        decision: { ...decision, decision: 'EXTEND', comment: '', byName: '王科长' },
      }),
    ).html;
    expect(extended).toContain('延期 Extended');
    expect(extended).toContain('This late report decision was already decided by 王科长');
  });
});

describe('decidedPage of an evaluation', () => {
  const submitted: RecordedDecision = {
    decision: 'SUBMIT',
    by: 'evaluation@jiahe-research.example.org',
    byName: '嘉禾社会研究中心',
    comment: '服务记录完整',
    at: '2026-03-03T02:00:00.000Z',
    taskId: TASK_ID,
    data: {
      scores: { PROFESSIONAL_SERVICE: 85.5, OUTCOMES: 90, MANAGEMENT: 70 },
      totalTenths: 842,
      grade: 'GOOD',
    },
  };

  it('shows each score, the weighted total to one decimal and the grade', () => {
    const page = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'EVALUATION',
        decision: submitted,
      }),
    );

    expect(page.html).toContain('已提交 Submitted');
    expect(page.html).toContain('85.5');
    expect(page.html).toContain('84.2');
    expect(page.html).toContain('良好 Good');
    expect(page.html).toContain('服务记录完整');
  });

  it('shows no total or grade when the decision data holds none', () => {
    const model = decidedPageModel({
      variant: 'ALREADY_DECIDED',
      title: proposal.title,
      purpose: 'EVALUATION',
      decision: { ...submitted, data: { totalTenths: 'lots', grade: 'SUPERB' } },
    });

    expect(model.decision.evaluation).toBeUndefined();
    expect(decidedPage(model).html).not.toContain('Weighted total');
  });
});
