import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../shared/domain/sample-proposals.js';
import {
  MailModelError,
  renderTaskMail,
  type TaskMailInput,
  taskMailModel,
} from '../../../shared/mail/task-mail.js';
import type { HumanTask } from '../../../shared/persistence/ports.js';

const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const FAKE_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfAkeTaskToken0123456789abcdefZZZZ';
const FAKE_NONCE = 'nOnCe-4f8c2e7a9b1d3f5e';
const LINK = 'https://approve.example.gov.cn/tasks/AbCdEfGhIjKlMnOpQrSt_-12?sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4';
const proposal = largeElderlyCareProposal();

const countersignTask = {
  taskId: 'AbCdEfGhIjKlMnOpQrSt_-12',
  purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS',
  stepKey: 'COUNTERSIGN:1',
  purpose: 'COUNTERSIGN',
  level: 'SECTION_CHIEF',
  attempt: 'FIRST',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  taskToken: FAKE_TOKEN,
  nonce: FAKE_NONCE,
  context: { round: 1 },
  createdAt: '2026-03-01T09:00:00.000Z',
  expiresAt: '2026-03-04T09:00:00.000Z',
  status: 'PENDING',
  mailsSent: [],
} satisfies HumanTask;

function mail(overrides: Partial<TaskMailInput> = {}) {
  return renderTaskMail(
    taskMailModel({
      purpose: 'COUNTERSIGN',
      purchaseId: countersignTask.purchaseId,
      proposal,
      level: 'SECTION_CHIEF',
      round: 1,
      attempt: 'FIRST',
      link: LINK,
      expiresAt: countersignTask.expiresAt,
      recipientName: '王科长',
      ...overrides,
    }),
  );
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('renderTaskMail (countersignature request)', () => {
  it('asks the section chief, Chinese first, to check the signed contract and countersign or refuse it', () => {
    const m = mail();

    expect(m.subject).toBe(`【请会签合同 Countersign the contract】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      const zh = part.indexOf('承接机构已签署并上传以下项目的服务合同');
      const en = part.indexOf('The NGO has signed and uploaded the service contract');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
      expect(part).toContain(proposal.title);
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain('第 1 轮 Round 1');
      expect(part).toContain('科长 Section chief');
      expect(part).toContain('2026-03-04 17:00 (UTC+8)');
      expect(part).toContain('会签或退回须在页面上确认后才生效');
    }
  });

  it('carries exactly one link, the task link', () => {
    const m = mail();

    expect(count(m.text, 'http')).toBe(1);
    expect(count(m.text, LINK)).toBe(1);
    expect(count(m.html, '<a ')).toBe(1);
    expect(count(m.html, `href="${LINK}"`)).toBe(1);
    expect(m.text).toContain('打开会签页面 Open the countersignature page');
  });

  it('a reminder says the countersignature is still pending and the link is the same', () => {
    const m = mail({ attempt: 'REMINDER' });

    expect(m.subject).toContain('会签提醒 Reminder: countersignature pending');
    for (const part of [m.html, m.text]) {
      expect(part).toContain('仍在等待您会签');
      expect(part).toContain('The link below is the same as in the earlier e-mail');
    }
  });

  it('an escalation names who did not countersign in time and addresses the deputy', () => {
    const m = mail({
      attempt: 'ESCALATION',
      recipientName: '李副局长',
      notAnsweredBy: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn' },
    });

    expect(m.subject).toContain('转交会签 Escalated countersignature');
    for (const part of [m.html, m.text]) {
      expect(part).toContain('李副局长');
      expect(part).toContain('王科长（section-chief@civil-affairs.example.gov.cn）未在期限内会签');
      expect(part).toContain('did not countersign the contract of the purchase below in time');
    }
    expect(() =>
      taskMailModel({ ...countersignTask, proposal, link: LINK, recipientName: 'x', attempt: 'ESCALATION' }),
    ).toThrow(MailModelError);
  });

  it('never contains the task token or nonce, even when built from an input holding the whole task', () => {
    const model = taskMailModel({ ...countersignTask, proposal, link: LINK, recipientName: '王科长' });
    const m = renderTaskMail(model);

    expect(model.purpose).toBe('COUNTERSIGN');
    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    for (const part of [m.subject, m.html, m.text]) {
      expect(part).not.toContain(FAKE_TOKEN);
      expect(part).not.toContain(FAKE_NONCE);
    }
  });

  it('escapes the title, the recipient and the name of who did not answer', () => {
    const m = mail({
      proposal: { ...proposal, title: `T ${SCRIPT}` },
      recipientName: `R ${SCRIPT}`,
      attempt: 'ESCALATION',
      notAnsweredBy: { name: `W ${SCRIPT}`, email: 'w@example.gov.cn' },
    });

    expect(m.html).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'R', 'W']) expect(m.html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });

  it('an approval mail cannot be built without its level', () => {
    expect(() =>
      taskMailModel({
        purchaseId: 'p',
        proposal,
        attempt: 'FIRST',
        link: LINK,
        expiresAt: countersignTask.expiresAt,
        recipientName: 'x',
      }),
    ).toThrow(MailModelError);
  });
});
