import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import type { NgoNotice, UploadRequestNotes } from '../../../shared/domain/ngo-notices.js';
import { UnsafeLinkError } from '../../../shared/presentation/mail/layout.js';
import {
  renderNoticeMail,
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

const AT = '2026-05-01T02:00:00.000Z';

/** The notes of a round the bureau began by sending an upload back. */
function returnedWith(
  comment: string,
  decision: 'REFUSE' | 'RECTIFY' = 'REFUSE',
  upload: 'SIGNED_CONTRACT' | 'MIDTERM_REPORT' = 'SIGNED_CONTRACT',
): UploadRequestNotes {
  return { returned: { id: 'r', at: AT, kind: 'RETURNED', upload, decision, round: 1, comment } };
}

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
      const mail = request({ attempt, notes: returnedWith('请加盖公章') });
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
    const mail = request({ notes: returnedWith('第五条服务数量与立项不符，请更正后重新签署') });

    expect(mail.subject).toContain('已签署合同被退回 Signed contract returned');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('请按退回意见修改已签署合同');
      expect(part).toContain('Please change the signed contract as the comment says');
      expect(part).toContain('退回意见');
      expect(part).toContain('第五条服务数量与立项不符，请更正后重新签署');
    }
    // A blank comment has no line of its own (a refusal always carries a reason; this is defence).
    expect(request({ notes: returnedWith('  ') }).text).not.toContain('What to fix');
  });

  it("after a rectification request passes the reviewer's comment on with the request for the mid-term report", () => {
    const mail = request({
      kind: 'MIDTERM_REPORT',
      notes: returnedWith('服务对象名单缺少签字，请补齐后重新提交', 'RECTIFY', 'MIDTERM_REPORT'),
    });

    expect(mail.subject).toContain('中期报告需整改后重新提交 Mid-term report: rectify and submit again');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('What to fix');
      expect(part).toContain('服务对象名单缺少签字，请补齐后重新提交');
    }
  });

  it('after an extension says the deadline moved and why, and still carries what to fix', () => {
    const notes: UploadRequestNotes = {
      ...returnedWith('补充活动照片', 'RECTIFY', 'MIDTERM_REPORT'),
      extended: {
        id: 'e',
        at: AT,
        kind: 'DEADLINE_EXTENDED',
        upload: 'MIDTERM_REPORT',
        round: 1,
        comment: '机构负责人病假，延期两周',
      },
    };
    const mail = request({ kind: 'MIDTERM_REPORT', dueDate: '2026-06-15', notes });

    expect(mail.subject).toContain('中期报告截止日期已延长 More time for the mid-term report');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('民政局延长了中期报告的提交期限');
      expect(part).toContain('机构负责人病假，延期两周');
      expect(part).toContain('补充活动照片');
      expect(part).toContain('2026-06-15');
    }
  });

  it("a reminder after a return keeps the reminder's subject and still says what to fix", () => {
    const mail = request({ attempt: 'REMINDER', notes: returnedWith('请加盖公章') });

    expect(mail.subject).toContain('Reminder: signed contract still missing');
    expect(mail.text).toContain('请加盖公章');
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
      notes: returnedWith(`C ${SCRIPT}`),
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

describe('renderNoticeMail', () => {
  const notice = (n: NgoNotice) => renderNoticeMail({ purchaseId: base.purchaseId, proposal, notice: n });

  it('tells the NGO a tranche was notified with its amount and due date, and carries no link', () => {
    const mail = notice({
      id: 'tranche-due:1',
      at: AT,
      kind: 'TRANCHE_DUE',
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 12_345_600,
      dueDate: '2026-05-31',
    });

    expect(mail.subject).toContain('第 1 期款');
    expect(mail.subject).toContain('finance told to pay');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('¥123,456.00');
      expect(part).not.toContain('¥¥');
      expect(part).toContain('2026-05-31');
      expect(part).toContain(proposal.ngo.name);
    }
    expect(mail.text).not.toContain('http');
    expect(mail.html).not.toContain('href=');
  });

  it('a part paid says which tranche, what was paid now and what is still due, the day, the reference and the account masked', () => {
    const mail = notice({
      id: 'tranche-part-paid:2:1',
      at: '2026-05-01T17:00:00.000Z',
      kind: 'TRANCHE_PART_PAID',
      tranche: 2,
      milestone: 'MIDTERM_PASSED',
      amountFen: 4_320_000,
      paidNowFen: 3_000_000,
      leftFen: 1_320_000,
      reference: 'BOC-2026/05_0042',
      paidTo: { bankName: '中国建设银行厦门思明支行（示例）', accountNumber: '****4215' },
    });

    expect(mail.subject).toContain('第 2 期款');
    expect(mail.subject).toContain('part paid');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('¥43,200.00');
      expect(part).toContain('本次支付');
      expect(part).toContain('Paid now');
      expect(part).toContain('¥30,000.00');
      expect(part).toContain('尚待支付');
      expect(part).toContain('Still due');
      expect(part).toContain('¥13,200.00');
      expect(part).toContain('余款 ¥13,200.00 仍待支付');
      // The China calendar day: 01:00 on 2 May in Beijing.
      expect(part).toContain('2026-05-02');
      expect(part).toContain('BOC-2026/05_0042');
      expect(part).toContain('中国建设银行厦门思明支行（示例） ****4215');
    }
    expect(mail.html).not.toContain('href=');
  });

  it('a tranche paid at once says it is paid, with its amount and reference, and no "still due"', () => {
    const mail = notice({
      id: 'tranche-paid:1',
      at: AT,
      kind: 'TRANCHE_PAID',
      tranche: 1,
      milestone: 'CONTRACT_SIGNED',
      amountFen: 12_345_600,
      reference: 'TX-0001',
    });

    expect(mail.subject).toContain('第 1 期款（合同签订后）已支付');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('¥123,456.00');
      expect(part).toContain('TX-0001');
      expect(part).toContain('2026-05-01');
      expect(part).not.toContain('Still due');
      expect(part).not.toContain('Paid now');
    }
  });

  it('a failed grade says the final tranche is withheld and until when the NGO is barred', () => {
    const mail = notice({
      id: 'graded',
      at: AT,
      kind: 'GRADED',
      grade: 'FAIL',
      totalTenths: 552,
      finalTranche: 'WITHHOLD',
      barredUntil: '2027-12-31',
    });

    expect(mail.subject).toContain('第三方评估结果：不合格 Third-party evaluation: Fail');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('55.2');
      expect(part).toContain('尾款不予支付');
      expect(part).toContain('may not take new purchases until 2027-12-31');
    }
  });

  it('a reduced final tranche says the share and the amount paid against the plan', () => {
    const mail = notice({
      id: 'graded',
      at: AT,
      kind: 'GRADED',
      grade: 'PASS',
      totalTenths: 725,
      finalTranche: 'REDUCE',
      award: { sharePercent: 80, amountFen: 11_520_000, plannedFen: 14_400_000 },
    });

    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('尾款减额支付');
      expect(part).toContain('80%');
      expect(part).toContain('¥115,200.00');
      expect(part).toContain('planned ¥144,000.00');
    }
  });

  it("a termination decided by a reviewer gives the reviewer's reason, escaped", () => {
    const mail = notice({
      id: 'terminated',
      at: AT,
      kind: 'TERMINATED',
      cause: 'REVIEW_DECISION',
      comment: `未按整改要求提供服务 ${SCRIPT}`,
    });

    expect(mail.subject).toContain('项目已终止 The purchase is terminated');
    expect(mail.html).toContain(`未按整改要求提供服务 ${ESCAPED_SCRIPT}`);
    expect(mail.html).not.toMatch(/<script\b/i);
  });
});
