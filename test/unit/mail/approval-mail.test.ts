import { describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import {
  approvalMailModel,
  MailModelError,
  renderApprovalMail,
} from '../../../shared/presentation/mail/approval-mail.js';
import { UnsafeLinkError } from '../../../shared/presentation/mail/layout.js';

const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const FAKE_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfAkeTaskToken0123456789abcdefZZZZ';
const FAKE_NONCE = 'nOnCe-4f8c2e7a9b1d3f5e';
const LINK =
  'https://approve.example.gov.cn/tasks/AbCdEfGhIjKlMnOpQrSt_-12?sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';

// The sample's facts, with a district written in two languages as some units do.
const proposal = sampleProposal({ district: '思明区 Siming' });

const task = {
  taskId: 'AbCdEfGhIjKlMnOpQrSt_-12',
  purchaseId: 'p-2026-0001',
  stepKey: 'APPROVAL:SECTION_CHIEF',
  purpose: 'APPROVAL',
  level: 'SECTION_CHIEF',
  attempt: 'FIRST',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  taskToken: FAKE_TOKEN,
  nonce: FAKE_NONCE,
  createdAt: '2026-03-01T09:00:00.000Z',
  expiresAt: '2026-03-04T09:00:00.000Z',
  status: 'PENDING',
  mailsSent: [],
} satisfies HumanTask;

function firstMail(overrides: Partial<Parameters<typeof approvalMailModel>[0]> = {}) {
  return renderApprovalMail(
    approvalMailModel({
      purchaseId: task.purchaseId,
      proposal,
      level: task.level,
      attempt: task.attempt,
      link: LINK,
      expiresAt: task.expiresAt,
      recipientName: task.assignee.name,
      ...overrides,
    }),
  );
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('renderApprovalMail (approval request)', () => {
  it('shows every fact being approved in both the HTML and the text part', () => {
    const mail = firstMail();

    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(proposal.title);
      expect(part).toContain('p-2026-0001');
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain(proposal.ngo.creditCode);
      expect(part).toContain('¥480,000.00');
      expect(part).toContain('2026-01-01');
      expect(part).toContain('2026-12-31');
      expect(part).toContain('养老服务 Elderly care');
      expect(part).toContain('思明区 Siming');
      expect(part).toContain('科长 Section chief');
      // 09:00 UTC is 17:00 in Beijing.
      expect(part).toContain('2026-03-04 17:00 (UTC+8)');
    }
  });

  it('puts the Chinese text first and the English below it, in HTML and text', () => {
    const mail = firstMail();

    for (const part of [mail.html, mail.text]) {
      const zh = part.indexOf('请以科长身份审批');
      const en = part.indexOf('Please approve or reject');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
    }
    expect(mail.html).toContain('<html lang="zh-CN">');
    expect(mail.subject).toBe(`【请审批 Approval request】${proposal.title}`);
  });

  it('carries exactly one link: once in the text and once as the only href in the HTML', () => {
    const mail = firstMail();

    expect(count(mail.text, LINK)).toBe(1);
    expect(count(mail.text, 'http')).toBe(1);
    expect(count(mail.html, `href="${LINK}"`)).toBe(1);
    expect(count(mail.html, LINK)).toBe(1);
    expect(count(mail.html, '<a ')).toBe(1);
    expect(count(mail.html, 'href=')).toBe(1);
  });

  it('never contains the task token or nonce, even when built from an input that holds the whole task', () => {
    // A careless caller spreads the task record into the input: the builder must drop what it does not show.
    const careless = { ...task, proposal, link: LINK, recipientName: task.assignee.name };
    const model = approvalMailModel(careless);

    const mail = renderApprovalMail(model);

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    for (const part of [mail.subject, mail.html, mail.text]) {
      expect(part).not.toContain(FAKE_TOKEN);
      expect(part).not.toContain(FAKE_NONCE);
    }
  });

  it('names the other approval levels in Chinese and English', () => {
    expect(firstMail({ level: 'FINANCE_SECTION' }).text).toContain(
      '审批级别 Approval level: 财务科 Finance section',
    );
    expect(firstMail({ level: 'BUREAU_DIRECTOR' }).html).toContain('局长 Bureau director');
  });

  it('escapes HTML in every interpolated free-text field of the HTML part', () => {
    const hostile: Proposal = {
      ...proposal,
      title: `Title ${SCRIPT}`,
      district: `District ${SCRIPT}`,
      ngo: { ...proposal.ngo, name: `NGO "><img src=x onerror=alert(1)> ${SCRIPT}` },
    };

    const mail = firstMail({ proposal: hostile, recipientName: `Name ${SCRIPT}` });

    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<img');
    expect(count(mail.html, ESCAPED_SCRIPT)).toBeGreaterThanOrEqual(5);
    expect(mail.html).toContain('NGO &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    // The text part is plain text: the same words, unescaped.
    expect(mail.text).toContain(`Title ${SCRIPT}`);
  });

  it('keeps the subject on one line when the title holds line breaks', () => {
    const mail = firstMail({ proposal: { ...proposal, title: 'Line one\r\nBcc: someone@example.com' } });

    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Line one Bcc: someone@example.com');
  });

  it('refuses a link that is not an http(s) URL', () => {
    expect(() => firstMail({ link: 'javascript:alert(1)' })).toThrow(UnsafeLinkError);
    expect(() => firstMail({ link: `${LINK}" onclick="x` })).toThrow(UnsafeLinkError);
  });
});

describe('renderApprovalMail (reminder)', () => {
  it('says the approval is still waiting and that the link is the same as before', () => {
    const mail = firstMail({ attempt: 'REMINDER' });

    expect(mail.subject).toContain('审批提醒 Reminder: approval pending');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('仍在等待您以科长身份审批');
      expect(part).toContain('下面的链接与上一封邮件中的相同');
      expect(part).toContain('still waiting for your decision');
      expect(part).toContain('The link below is the same as in the earlier e-mail');
    }
    expect(count(mail.text, LINK)).toBe(1);
  });
});

describe('renderApprovalMail (escalation to the deputy)', () => {
  const missed = { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn' };

  it('says who did not answer, by name and e-mail, and addresses the deputy', () => {
    const mail = firstMail({ attempt: 'ESCALATION', recipientName: '李副局长', notAnsweredBy: missed });

    expect(mail.subject).toContain('转交审批 Escalated approval');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('李副局长');
      expect(part).toContain('王科长');
      expect(part).toContain('section-chief@civil-affairs.example.gov.cn');
      expect(part).toContain('未在期限内');
      expect(part).toContain('did not answer in time');
    }
    expect(count(mail.html, `href="${LINK}"`)).toBe(1);
  });

  it('escapes the name of the approver who did not answer', () => {
    const mail = firstMail({
      attempt: 'ESCALATION',
      recipientName: '李副局长',
      notAnsweredBy: { name: SCRIPT, email: missed.email },
    });

    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain(ESCAPED_SCRIPT);
  });

  it('cannot be built without saying who did not answer', () => {
    expect(() =>
      approvalMailModel({
        purchaseId: task.purchaseId,
        proposal,
        level: 'SECTION_CHIEF',
        attempt: 'ESCALATION',
        link: LINK,
        expiresAt: task.expiresAt,
        recipientName: '李副局长',
      }),
    ).toThrow(MailModelError);
  });
});
