import { describe, expect, it } from 'vitest';
import { sampleProposal, smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { Outcome } from '../../../shared/domain/purchase.js';
import { outcomeMailModel, renderOutcomeMail } from '../../../shared/presentation/mail/outcome-mail.js';

// An amount with fen, to see it printed to the fen.
const proposal = sampleProposal({ ...smallMinorProtectionProposal(), totalFen: 123_456_78 });

function render(outcome: Outcome, extra: { proposal?: Proposal } = {}) {
  return renderOutcomeMail(
    outcomeMailModel({
      purchaseId: 'p-2026-0042',
      proposal: extra.proposal ?? proposal,
      outcome,
      recipientName: '陈经办',
      level: 'FINANCE_SECTION',
    }),
  );
}

const approved: Outcome = {
  result: 'APPROVED',
  reason: '同意 agreed',
  by: 'director@civil-affairs.example.gov.cn',
  at: '2026-03-05T02:30:00.000Z',
};
const rejected: Outcome = {
  result: 'REJECTED',
  reason: '预算说明不充分 Budget not justified',
  by: 'finance-section@civil-affairs.example.gov.cn',
  at: '2026-03-05T02:30:00.000Z',
};

describe('renderOutcomeMail', () => {
  it('tells the purchasing officer the purchase was approved, by whom and when, with the facts', () => {
    const mail = render(approved);

    expect(mail.subject).toBe(`【已批准 Approved】${proposal.title}`);
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('已通过审批');
      expect(part).toContain('has been approved');
      expect(part).toContain('director@civil-affairs.example.gov.cn');
      expect(part).toContain('2026-03-05 10:30 (UTC+8)');
      expect(part).toContain('¥123,456.78');
      expect(part).toContain('未成年人保护 Minor protection');
      expect(part).toContain(proposal.ngo.creditCode);
      expect(part).toContain('p-2026-0042');
    }
  });

  it('gives the reason of a rejection, Chinese before English', () => {
    const mail = render(rejected);

    expect(mail.subject).toBe(`【已驳回 Rejected】${proposal.title}`);
    expect(mail.text).toContain('驳回理由 Reason: 预算说明不充分 Budget not justified');
    expect(mail.text.indexOf('已被驳回')).toBeLessThan(mail.text.indexOf('has been rejected'));
    expect(mail.html).toContain('预算说明不充分 Budget not justified');
    expect(mail.html).toContain('财务科');
  });

  it('gives a workflow refusal in Chinese, then English, in both parts', () => {
    const mail = render({
      ...rejected,
      by: 'system:workflow',
      reason:
        'PurchaseRefused: BUDGET: budget line 2026-MZ-MINOR-01 has ¥0.00 left; the proposal needs ¥123,456.78',
      reasonText: {
        zh: '预算指标 2026-MZ-MINOR-01 剩余 ¥0.00，本项目需要 ¥123,456.78。',
        en: 'budget line 2026-MZ-MINOR-01 has ¥0.00 left; the proposal needs ¥123,456.78',
      },
    });

    expect(mail.text).toContain(
      '驳回理由 Reason: 预算指标 2026-MZ-MINOR-01 剩余 ¥0.00，本项目需要 ¥123,456.78。 / budget line 2026-MZ-MINOR-01 has ¥0.00 left; the proposal needs ¥123,456.78',
    );
    expect(mail.html).toContain(
      '预算指标 2026-MZ-MINOR-01 剩余 ¥0.00，本项目需要 ¥123,456.78。<br><span lang="en" style="color:#4a4f57">budget line 2026-MZ-MINOR-01 has ¥0.00 left',
    );
    // The English line with the error code stays in the record for tools, not in the mail.
    expect(mail.text).not.toContain('PurchaseRefused');
  });

  it('carries no link at all', () => {
    const mail = render(rejected);

    expect(mail.html).not.toContain('<a ');
    expect(mail.html).not.toContain('href=');
    expect(mail.text).not.toMatch(/https?:\/\//);
  });

  it('escapes the reason and the title in the HTML part', () => {
    const mail = render(
      { ...rejected, reason: '<b onmouseover="x">no</b>' },
      { proposal: { ...proposal, title: '<script>alert(1)</script>' } },
    );

    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<b ');
    expect(mail.html).toContain('&lt;b onmouseover=&quot;x&quot;&gt;no&lt;/b&gt;');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
