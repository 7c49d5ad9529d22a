import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
} from '../../../../shared/presentation/pages/task/midterm-review-page.js';

import {
  buttonValues,
  count,
  ESCAPED_SCRIPT,
  proposal,
  REPORT_URL,
  reviewedFile,
  reviewTask,
  SCRIPT,
} from './task-page-fixtures.js';

/** The mid-term review page: the report and the Pass / Rectify / Terminate form. */

function review(t: HumanTask = reviewTask, p: Proposal = proposal, url: string | undefined = REPORT_URL) {
  return midtermReviewPage(
    midtermReviewPageModel({
      purchaseId: t.purchaseId,
      proposal: p,
      task: t,
      document: reviewedFile('MIDTERM_REPORT', url),
    }),
  );
}

describe('midtermReviewPage', () => {
  it('shows the facts of the purchase, the round of the last round, the assignee and the expiry, Chinese first', () => {
    const rendered = review();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('中期评审：')).toBeGreaterThanOrEqual(0);
    expect(h1.indexOf('中期评审：')).toBeLessThan(h1.indexOf('Mid-term review:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '集美区乡村社工服务社',
      '52350211MJ0000002A',
      '¥100,000.01',
      '第 2 轮（共 3 轮） Round 2 of 3',
      '科长 Section chief',
      '王科长 &lt;section-chief@civil-affairs.example.gov.cn&gt;',
      '2026-03-04 17:00 (UTC+8)',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it('links the report as its only <a>, escaped, with rel="noreferrer"', () => {
    const html = review().html;

    expect(count(html, /<a\b/)).toBe(1);
    expect(html).toContain(`<a href="${REPORT_URL.replaceAll('&', '&amp;')}" rel="noreferrer">`);
    expect(html).toContain('Open the mid-term report the NGO submitted');
  });

  it('without a report link says the report cannot be shown and has no <a>; a non-web URL is never linked', () => {
    for (const url of [undefined, 'javascript:alert(1)', 'data:text/html,x']) {
      const model = midtermReviewPageModel({
        purchaseId: 'p-2026-0007',
        proposal,
        task: reviewTask,
        document: reviewedFile('MIDTERM_REPORT', url),
      });
      const html = midtermReviewPage(model).html;
      expect(html).not.toMatch(/<a\b/i);
      expect(html).not.toContain('javascript:');
      expect(html).toContain('The mid-term report the NGO submitted cannot be shown right now');
    }
  });

  it('before the last round offers Pass, Rectify and Terminate in one POST form with the nonce and a comment box', () => {
    const html = review().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(buttonValues(html)).toEqual(['PASS', 'RECTIFY', 'TERMINATE']);
    expect(html).toContain('通过 <span lang="en">Pass</span>');
    expect(html).toContain('整改 <span lang="en">Rectify</span>');
    expect(html).toContain('终止 <span lang="en">Terminate</span>');
    expect(html).not.toMatch(/<script\b|<link\b|\bsrc=|\bon[a-z]+=/i);
  });

  it('says what each decision does: the second tranche on a pass, what to fix on a rectification, cancelled tranches and released budget on a termination', () => {
    const html = review().html;

    expect(html).toContain('the second tranche becomes due');
    expect(html).toContain('第二期款项随即到期');
    expect(html).toContain('the NGO must fix what you name');
    expect(html).toContain('the remaining tranches are cancelled and the unpaid budget is released');
    expect(html).toContain('剩余各期款项取消');
    expect(html).toContain(
      'Required when asking for rectification (what to fix) or terminating (the reason)',
    );
  });

  it('in the last round offers only Pass and Terminate and says rectification is no longer possible', () => {
    const lastRound: HumanTask['context'][] = [{ round: 3, maxRounds: 3 }, { round: 1 }, undefined];
    for (const context of lastRound) {
      const html = review({ ...reviewTask, context }).html;
      expect(buttonValues(html)).toEqual(['PASS', 'TERMINATE']);
      expect(html).not.toContain('value="RECTIFY"');
      expect(html).toContain('rectification can no longer be asked for');
    }
    expect(review().html).not.toContain('rectification can no longer be asked for');
  });

  it('shows only the round when the context lacks the last round', () => {
    const html = review({ ...reviewTask, context: { round: 1 } }).html;
    expect(html).toContain('第 1 轮 Round 1');
    expect(html).not.toContain('Round 1 of');
  });

  it('says when the review was escalated to the deputy', () => {
    const escalated: HumanTask = {
      ...reviewTask,
      attempt: 'ESCALATION',
      assignee: { name: '李副局长', email: 'deputy@civil-affairs.example.gov.cn', role: 'DEPUTY' },
    };
    expect(review(escalated).html).toContain('（代理评审 acting as deputy）');
  });

  it('escapes every free-text field, the round and the last round', () => {
    const hostile = review(
      {
        ...reviewTask,
        assignee: { ...reviewTask.assignee, name: `A ${SCRIPT}` },
        context: { round: `R ${SCRIPT}`, maxRounds: `M ${SCRIPT}` },
        nonce: '"><script>x</script>',
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(hostile).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'A', 'R', 'M']) expect(hostile).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
    expect(hostile).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    // A round that is not a number never unlocks rectification.
    expect(buttonValues(hostile)).toEqual(['PASS', 'TERMINATE']);
  });
});
