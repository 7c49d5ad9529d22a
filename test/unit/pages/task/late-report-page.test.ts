import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import {
  lateReportPage,
  lateReportPageModel,
} from '../../../../shared/presentation/pages/task/late-report-page.js';

import {
  buttonValues,
  count,
  ESCAPED_SCRIPT,
  LATE_NOW,
  lateTask,
  proposal,
  SCRIPT,
} from './task-page-fixtures.js';

/** The late-report page: days late by the China calendar and the Extend / Terminate form. */

function late(t: HumanTask = lateTask, p: Proposal = proposal, now = LATE_NOW) {
  return lateReportPage(lateReportPageModel({ purchaseId: t.purchaseId, proposal: p, task: t, now }));
}

describe('lateReportPage', () => {
  it('shows the due date, the days late counted to today in China, the round, the assignee and the expiry', () => {
    const rendered = late();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('中期报告逾期：')).toBeGreaterThanOrEqual(0);
    expect(h1.indexOf('中期报告逾期：')).toBeLessThan(h1.indexOf('Mid-term report overdue:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '集美区乡村社工服务社',
      '2026-02-01',
      '29 天 29 days',
      '第 1 轮 Round 1',
      '王科长 &lt;section-chief@civil-affairs.example.gov.cn&gt;',
      '2026-03-04 17:00 (UTC+8)',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it('counts days late by the China calendar, so a later visit shows more', () => {
    // 2026-03-01 15:59Z is still 1 March in China; 16:00Z is already 2 March.
    expect(
      lateReportPageModel({ purchaseId: 'p', proposal, task: lateTask, now: '2026-03-01T15:59:00.000Z' })
        .daysLate,
    ).toBe(28);
    expect(
      lateReportPageModel({ purchaseId: 'p', proposal, task: lateTask, now: '2026-03-01T16:00:00.000Z' })
        .daysLate,
    ).toBe(29);
    expect(late(lateTask, proposal, '2026-02-01T16:00:00.000Z').html).toContain('1 天 1 day<');
  });

  it('leaves out days late when the due date is not a date or lies ahead, and both when the context lacks it', () => {
    const notADate = late({ ...lateTask, context: { dueDate: 'soon', round: 1 } }).html;
    expect(notADate).toContain('soon');
    expect(notADate).not.toContain('Days late');
    expect(late({ ...lateTask, context: { dueDate: '2026-04-01' } }).html).not.toContain('Days late');
    const bare = late({ ...lateTask, context: {} }).html;
    expect(bare).not.toContain('Report due');
    expect(bare).not.toContain('Days late');
    expect(bare).not.toContain('Report round');
  });

  it('offers Extend and Terminate in one POST form with the nonce and a comment box, and says what each does', () => {
    const html = late().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(buttonValues(html)).toEqual(['EXTEND', 'TERMINATE']);
    expect(html).toContain('延期 <span lang="en">Extend</span>');
    expect(html).toContain('the NGO gets another grace period');
    expect(html).toContain('the remaining tranches are cancelled and the unpaid budget is released');
    expect(html).toContain('Required when terminating (the reason); optional when extending');
    expect(html).not.toMatch(/<a\b|<script\b|<link\b|\bsrc=|\bon[a-z]+=/i);
  });

  it('escapes every free-text field, the due date and the round', () => {
    const hostile = late(
      {
        ...lateTask,
        assignee: { ...lateTask.assignee, name: `A ${SCRIPT}` },
        context: { dueDate: `D ${SCRIPT}`, round: `R ${SCRIPT}` },
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(hostile).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'A', 'D', 'R']) expect(hostile).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});
