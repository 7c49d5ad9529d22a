import { describe, expect, it } from 'vitest';
import { COMMENT_MAX_LENGTH } from '../../../../shared/domain/decision-rules.js';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import { earlierApprovals } from '../../../../shared/domain/review-history.js';
import {
  confirmationPage,
  confirmationPageModel,
} from '../../../../shared/presentation/pages/task/approval-page.js';

import { type ApprovalTask, count, ESCAPED_SCRIPT, proposal, SCRIPT, task } from './task-page-fixtures.js';

/** The approval page a link opens: the facts being approved and the Approve / Reject form. */

function page(p: Proposal = proposal, t: ApprovalTask = task): string {
  return confirmationPage(confirmationPageModel({ purchaseId: t.purchaseId, proposal: p, task: t })).html;
}

describe('confirmationPage', () => {
  it('is served with status 200 as a Chinese-first HTML document readable on a phone', () => {
    const rendered = confirmationPage(confirmationPageModel({ purchaseId: task.purchaseId, proposal, task }));

    expect(rendered.statusCode).toBe(200);
    expect(rendered.html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(rendered.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('审批：')).toBeLessThan(h1.indexOf('Approval:'));
    expect(h1).toContain('lang="en"');
  });

  it('shows the same facts as the e-mail plus purchasing unit, procurement method and assignee', () => {
    const html = page();

    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '集美区乡村社工服务社',
      '52350211MJ0000002A',
      '¥100,000.01',
      '2026-06-01',
      '2027-05-31',
      '乡村振兴 Rural revitalisation',
      '集美区',
      '局长 Bureau director',
      '2026-03-04 17:00 (UTC+8)',
      '厦门市民政局基层政权处',
      '竞争性谈判 Competitive negotiation',
      '张局长 &lt;director@civil-affairs.example.gov.cn&gt;',
    ]) {
      expect(html).toContain(fact);
    }
  });

  it('names the salary benchmark applied, and why an earlier year stands in while the wanted one is unpublished', () => {
    const applied = (standsInUntil?: string) =>
      confirmationPage(
        confirmationPageModel({
          purchaseId: task.purchaseId,
          proposal,
          task,
          salaryBenchmark: {
            year: 2024,
            wantedYear: 2025,
            annualWageFen: 13_000_000,
            source: 'official',
            sample: false,
            ...(standsInUntil ? { standsInUntil } : {}),
          },
        }),
      ).html;
    const row = (html: string) => html.match(/<tr><th scope="row">适用工资基准.*?<\/tr>/s)?.[0] ?? '';

    expect(row(applied())).toContain(
      '2024 年度 ¥130,000.00<span class="en" lang="en">2024, ¥130,000.00 a year</span>',
    );
    expect(row(applied('2026-06-30'))).toContain(
      '2025 年度数据尚未公布，暂以最新的 2024 年度代替（2025 年度数据应于 2026-06-30 前公布）',
    );
    expect(row(applied('2026-06-30'))).toContain(
      'the 2025 figure is not published yet, so 2024, the newest, stands in (the 2025 figure is due by 2026-06-30)',
    );
    // Nothing recorded (no staff, or planned before the record existed): no row rather than a guess.
    expect(row(page())).toBe('');
  });

  it('lists the budget lines with their amounts and total in yuan', () => {
    const html = page();

    expect(html).toMatch(/<td>人员经费 Staff<\/td><td class="num">¥80,000\.00<\/td>/);
    expect(html).toMatch(/<td>活动经费 Activities<\/td><td class="num">¥20,000\.01<\/td>/);
    expect(html).toMatch(/Total<\/span><\/th><td class="num">¥100,000\.01<\/td>/);
  });

  it('lists the staff plan with headcount, salary and social welfare', () => {
    expect(page()).toMatch(
      /<td>社工 Social worker<\/td><td class="num">2<\/td><td class="num">¥10,000\.00<\/td><td class="num">¥2,500\.00<\/td>/,
    );
  });

  it('says so when there is no staff plan', () => {
    expect(page({ ...proposal, staffPlan: [] })).toContain('本项目未列人员计划');
  });

  it('shows each tranche with its share and the amount split by percent (remainder on the last)', () => {
    const html = page();

    expect(html).toMatch(/合同签订后.*?30%<\/td><td class="num">¥30,000\.00<\/td>/s);
    expect(html).toMatch(/中期评估通过后.*?30%<\/td><td class="num">¥30,000\.00<\/td>/s);
    expect(html).toMatch(/第三方评估通过后.*?40%<\/td><td class="num">¥40,000\.01<\/td>/s);
  });

  it('has one POST form to the same URL with the nonce, a comment box and the three decision buttons', () => {
    const html = page();

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<form method="POST" action="">');
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(html).toContain('<label for="comment">');
    expect(COMMENT_MAX_LENGTH).toBe(1000);
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="APPROVE">批准 <span lang="en">Approve<\/span><\/button>/,
    );
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="REJECT">驳回 <span lang="en">Reject<\/span><\/button>/,
    );
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="RETURN">退回修改 <span lang="en">Return for revision<\/span><\/button>/,
    );
    // Nothing else submits or carries data.
    expect(count(html, /<button\b/)).toBe(3);
    expect(count(html, /<input\b/)).toBe(1);
    expect(count(html, /<textarea\b/)).toBe(1);
  });

  it('tells the approver that a comment is required when rejecting or returning for revision', () => {
    const html = page();

    expect(html).toContain('驳回时必须填写理由');
    expect(html).toContain('Required when rejecting');
    expect(html).toContain('退回修改时必须写明需要修改的内容');
    expect(html).toContain('returning for revision (say what the officer must correct');
  });

  it('shows the level asked again its own earlier return and the officer’s revision note', () => {
    const returned = {
      decision: 'RETURN' as const,
      by: 'director@civil-affairs.example.gov.cn',
      byName: '张局长',
      comment: '请补充人员资质说明',
      at: '2026-03-02T01:00:00.000Z',
      taskId: 'task-returned',
    };
    const html = confirmationPage(
      confirmationPageModel({
        purchaseId: task.purchaseId,
        proposal,
        task,
        earlierLevels: earlierApprovals(
          {
            approvalLevels: ['BUREAU_DIRECTOR'],
            approvals: {},
            revisions: [
              {
                round: 1,
                level: 'BUREAU_DIRECTOR',
                returned,
                revisedBy: 'officer@civil-affairs.example.gov.cn',
                revisedAt: '2026-03-03T02:00:00.000Z',
                note: '已补充社工证书 · certificates added',
                changed: ['staffPlan.0.role'],
              },
            ],
          },
          'BUREAU_DIRECTOR',
        ),
      }),
    ).html;

    expect(html).toContain('前序审批意见与退回修改');
    expect(html).toMatch(
      /退回修改<span class="en" lang="en">Returned for revision<\/span>.*?请补充人员资质说明/s,
    );
    expect(html).toMatch(/Revision, round 1.*?已修改并重新提交.*?已补充社工证书 · certificates added/s);
  });

  it('has no link, script or external resource, so opening it (or a mail scanner opening it) changes nothing', () => {
    const html = page();

    expect(html).not.toMatch(/<a\b/i);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/\bformaction=/i);
    expect(html).not.toMatch(/\bon[a-z]+=/i);
  });

  it('says when the approval was escalated to the deputy', () => {
    const escalated: ApprovalTask = {
      ...task,
      attempt: 'ESCALATION',
      assignee: { name: '李副局长', email: 'deputy@civil-affairs.example.gov.cn', role: 'DEPUTY' },
    };

    expect(page(proposal, escalated)).toContain(
      '李副局长 &lt;deputy@civil-affairs.example.gov.cn&gt;（代理审批 acting as deputy）',
    );
  });

  it('shows the justification of a term over 12 months', () => {
    const long = { ...proposal, justification: '连续性服务，预算已纳入三年规划 Continuous service' };

    expect(page(long)).toContain('连续性服务，预算已纳入三年规划 Continuous service');
  });

  it('escapes script and HTML in every free-text field', () => {
    const hostile: Proposal = {
      ...proposal,
      title: `T ${SCRIPT}`,
      district: `D ${SCRIPT}`,
      purchasingUnit: `U ${SCRIPT}`,
      ngo: { ...proposal.ngo, name: `N "><img src=x onerror=alert(1)> ${SCRIPT}` },
      budgetLines: [{ item: `B ${SCRIPT}`, amountFen: proposal.totalFen }],
      staffPlan: [
        { role: `R ${SCRIPT}`, headcount: 1, monthlySalaryFen: 1_000_000, monthlySocialWelfareFen: 250_000 },
      ],
      justification: `J ${SCRIPT}`,
    };
    const hostileTask: ApprovalTask = {
      ...task,
      assignee: { ...task.assignee, name: `A ${SCRIPT}` },
      nonce: '"><script>x</script>',
    };

    const html = page(hostile, hostileTask);

    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<img\b/i);
    for (const prefix of ['T', 'D', 'U', 'B', 'R', 'J', 'A'])
      expect(html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
    expect(html).toContain('N &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});
