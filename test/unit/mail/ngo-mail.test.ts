import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { UnsafeLinkError } from '../../../shared/presentation/mail/layout.js';
import {
  renderUploadOverdueMail,
  renderUploadRequestMail,
} from '../../../shared/presentation/mail/ngo-mail.js';

const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const LINK =
  'https://purchases.example.gov.cn/ngo/PUR-2026-ABCDEFGHJKMNPQRS?exp=1780000000&sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6';

const proposal = sampleProposal();

const base = {
  purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS',
  proposal,
  kind: 'SIGNED_CONTRACT' as const,
  dueDate: '2026-04-15',
  link: LINK,
};

const request = (overrides: Partial<Parameters<typeof renderUploadRequestMail>[0]> = {}) =>
  renderUploadRequestMail({ ...base, attempt: 'FIRST', ...overrides });

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('renderUploadRequestMail', () => {
  it('asks the NGO, Chinese first, to upload the kind through its page by the due date', () => {
    const mail = request();

    expect(mail.subject).toBe(`【请上传已签署合同 Please upload: signed contract】${proposal.title}`);
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain('PUR-2026-ABCDEFGHJKMNPQRS');
      expect(part).toContain('已签署合同 Signed contract');
      expect(part).toContain('2026-04-15');
      const zh = part.indexOf('请通过下面的机构页面链接上传本项目的已签署合同');
      const en = part.indexOf('Please upload the signed contract of this purchase by 2026-04-15');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
    }
  });

  it('carries exactly one link, the NGO page link, in each part', () => {
    for (const attempt of ['FIRST', 'REMINDER', 'ESCALATION'] as const) {
      const mail = request({ attempt, refusedComment: '请加盖公章' });
      expect(count(mail.text, 'http')).toBe(1);
      expect(count(mail.text, LINK)).toBe(1);
      expect(count(mail.html, '<a ')).toBe(1);
      expect(count(mail.html, 'href=')).toBe(1);
      expect(count(mail.html, `href="${LINK.replaceAll('&', '&amp;')}"`)).toBe(1);
    }
  });

  it('a reminder says the upload is still missing', () => {
    const mail = request({ attempt: 'REMINDER' });

    expect(mail.subject).toContain('提醒：尚未收到已签署合同 Reminder: signed contract still missing');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('我们仍未收到本项目的已签署合同');
      expect(part).toContain('is still missing');
    }
  });

  it('an escalation says the bureau officer is now informed', () => {
    const mail = request({ attempt: 'ESCALATION' });

    expect(mail.subject).toContain('逾期未交：已签署合同 Overdue: signed contract');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('民政局经办人已收到通知');
      expect(part).toContain('the bureau officer responsible for it has now been informed');
    }
  });

  it('after a refused countersignature says the upload was returned and what to fix', () => {
    const mail = request({ refusedComment: '第五条服务数量与立项不符，请更正后重新签署' });

    expect(mail.subject).toContain(
      '已签署合同已退回，请重新上传 Signed contract returned: please upload again',
    );
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('民政局退回了贵机构上传的已签署合同');
      expect(part).toContain('The bureau returned the signed contract you uploaded');
      expect(part).toContain('退回意见');
      expect(part).toContain('第五条服务数量与立项不符，请更正后重新签署');
    }
    // A blank comment is no refusal to explain.
    expect(request({ refusedComment: '  ' }).text).not.toContain('退回意见');
  });

  it('names the kind being asked for and leaves the due date out when there is none', () => {
    const mail = request({ kind: 'MIDTERM_REPORT', dueDate: undefined });

    expect(mail.subject).toContain('请上传中期报告 Please upload: mid-term report');
    expect(mail.text).toContain('中期报告 Mid-term report');
    expect(mail.text).not.toContain('截止日期');
    expect(mail.text).toContain(
      "Please upload the mid-term report of this purchase through your organisation's page",
    );
  });

  it('escapes the title, the NGO name and the refusal comment in the HTML part', () => {
    const mail = request({
      proposal: { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
      refusedComment: `C ${SCRIPT}`,
    });

    expect(mail.html).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'C']) expect(mail.html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('refuses a link that is not an http(s) URL', () => {
    expect(() => request({ link: 'javascript:alert(1)' })).toThrow(UnsafeLinkError);
  });
});

describe('renderUploadOverdueMail', () => {
  const overdue = (overrides: Partial<Parameters<typeof renderUploadOverdueMail>[0]> = {}) =>
    renderUploadOverdueMail({
      purchaseId: base.purchaseId,
      proposal,
      kind: 'SIGNED_CONTRACT',
      dueDate: '2026-04-15',
      ngoName: proposal.ngo.name,
      ...overrides,
    });

  it('tells the purchasing officer which NGO has not uploaded what, by which date, with no link', () => {
    const mail = overdue();

    expect(mail.subject).toBe(`【逾期未交：已签署合同 Overdue: signed contract】${proposal.title}`);
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(
        `${proposal.ngo.name}尚未上传您登记的以下项目的已签署合同（截止日期 2026-04-15）`,
      );
      expect(part).toContain('has not uploaded the signed contract of the purchase you registered');
      expect(part).toContain('PUR-2026-ABCDEFGHJKMNPQRS');
    }
    expect(mail.html).not.toMatch(/<a\b|href=/i);
    expect(mail.text).not.toContain('http');
  });

  it('escapes the NGO name', () => {
    const mail = overdue({ ngoName: `N ${SCRIPT}` });
    expect(mail.html).not.toMatch(/<script\b/i);
    expect(mail.html).toContain(`N ${ESCAPED_SCRIPT}`);
  });
});
