import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import {
  countersignPage,
  countersignPageModel,
} from '../../../../shared/presentation/pages/task/countersign-page.js';

import {
  count,
  countersignTask,
  ESCAPED_SCRIPT,
  proposal,
  reviewedFile,
  SCRIPT,
  SIGNED_URL,
} from './task-page-fixtures.js';

/** The countersignature page: the signed contract and the Countersign / Refuse form. */

function countersign(
  t: HumanTask = countersignTask,
  p: Proposal = proposal,
  url: string | undefined = SIGNED_URL,
) {
  return countersignPage(
    countersignPageModel({
      purchaseId: t.purchaseId,
      proposal: p,
      task: t,
      document: reviewedFile('SIGNED_CONTRACT', url),
    }),
  );
}

describe('countersignPage', () => {
  it('shows the facts of the purchase, the round, the assignee and the expiry, Chinese first', () => {
    const rendered = countersign();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('会签合同：')).toBeLessThan(h1.indexOf('Countersign the contract:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '集美区乡村社工服务社',
      '52350211MJ0000002A',
      '¥100,000.01',
      '第 2 轮 Round 2',
      '科长 Section chief',
      '王科长 &lt;section-chief@civil-affairs.example.gov.cn&gt;',
      '2026-03-04 17:00 (UTC+8)',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it('links the signed file as its only <a>, escaped, with rel="noreferrer"', () => {
    const html = countersign().html;

    expect(count(html, /<a\b/)).toBe(1);
    expect(html).toContain(`<a href="${SIGNED_URL.replaceAll('&', '&amp;')}" rel="noreferrer">`);
    expect(html).toContain('Open the signed contract the NGO uploaded');
  });

  it('without a document link says the file cannot be shown and has no <a>; a non-web URL is never linked', () => {
    for (const url of [undefined, 'javascript:alert(1)', 'data:text/html,x']) {
      const model = countersignPageModel({
        purchaseId: 'p-2026-0007',
        proposal,
        task: countersignTask,
        document: reviewedFile('SIGNED_CONTRACT', url),
      });
      const html = countersignPage(model).html;
      expect(html).not.toMatch(/<a\b/i);
      expect(html).not.toContain('javascript:');
      expect(html).toContain('cannot be shown right now');
    }
  });

  it('has one POST form with the nonce, the reviewed upload, a comment box and the Countersign / Refuse buttons', () => {
    const html = countersign().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toContain('<input type="hidden" name="reviewed" value="UP-SIGNED_CONTRACT">');
    expect(html).toContain(`SHA-256 ${reviewedFile('SIGNED_CONTRACT').sha256}`);
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="COUNTERSIGN">会签 <span lang="en">Countersign<\/span><\/button>/,
    );
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="REFUSE">退回 <span lang="en">Refuse<\/span><\/button>/,
    );
    expect(count(html, /<button\b/)).toBe(2);
    expect(count(html, /<input\b/)).toBe(2);
    expect(html).toContain('Required when refusing');
    expect(html).not.toMatch(/<script\b|<link\b|\bsrc=|\bon[a-z]+=/i);
  });

  it('says when the countersignature was escalated to the deputy', () => {
    const escalated: HumanTask = {
      ...countersignTask,
      attempt: 'ESCALATION',
      assignee: { name: '李副局长', email: 'deputy@civil-affairs.example.gov.cn', role: 'DEPUTY' },
    };
    expect(countersign(escalated).html).toContain('（代理会签 acting as deputy）');
  });

  it('escapes every free-text field and the round', () => {
    const hostile = countersign(
      {
        ...countersignTask,
        assignee: { ...countersignTask.assignee, name: `A ${SCRIPT}` },
        context: { round: `R ${SCRIPT}` },
        nonce: '"><script>x</script>',
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(hostile).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'A', 'R']) expect(hostile).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
    expect(hostile).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});
