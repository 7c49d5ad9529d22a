import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import {
  MailModelError,
  renderTaskMail,
  type TaskMailInput,
  taskMailModel,
} from '../../../shared/presentation/mail/task-mail.js';

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

function reviewMail(overrides: Partial<TaskMailInput> = {}) {
  return mail({ purpose: 'MIDTERM_REVIEW', round: 2, ...overrides });
}

function lateMail(overrides: Partial<TaskMailInput> = {}) {
  return mail({ purpose: 'LATE_REPORT', round: 1, dueDate: '2026-09-30', ...overrides });
}

describe('renderTaskMail (mid-term review request)', () => {
  it('asks the section chief, Chinese first, to review the report and pass, rectify or terminate', () => {
    const m = reviewMail();

    expect(m.subject).toBe(`【请审阅中期报告 Review the mid-term report】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      const zh = part.indexOf('承接机构已提交以下项目的中期报告');
      const en = part.indexOf('The NGO has submitted the mid-term report of the purchase below');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
      expect(part).toContain('the second tranche becomes due');
      expect(part).toContain(proposal.title);
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain('第 2 轮 Round 2');
      expect(part).toContain('科长 Section chief');
      expect(part).toContain('2026-03-04 17:00 (UTC+8)');
      expect(part).toContain('通过、整改或终止须在页面上确认后才生效');
    }
    expect(count(m.text, 'http')).toBe(1);
    expect(count(m.html, `href="${LINK}"`)).toBe(1);
    expect(m.text).toContain('打开中期评审页面 Open the mid-term review page');
  });

  it('a reminder says the review is still pending and the link is the same', () => {
    const m = reviewMail({ attempt: 'REMINDER' });

    expect(m.subject).toBe(`【中期评审提醒 Reminder: mid-term review pending】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      expect(part).toContain('以下项目的中期报告仍在等待您审阅。下面的链接与上一封邮件中的相同。');
      expect(part).toContain(
        'The mid-term report of the purchase below is still waiting for your review. The link below is the same as in the earlier e-mail.',
      );
    }
  });

  it('an escalation names who did not review in time and hands the review to the deputy', () => {
    const m = reviewMail({
      attempt: 'ESCALATION',
      recipientName: '李副局长',
      notAnsweredBy: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn' },
    });

    expect(m.subject).toContain('转交中期评审 Escalated mid-term review');
    for (const part of [m.html, m.text]) {
      expect(part).toContain('李副局长');
      expect(part).toContain(
        '王科长（section-chief@civil-affairs.example.gov.cn）未在期限内审阅以下项目的中期报告',
      );
      expect(part).toContain('did not review the mid-term report of the purchase below in time');
      expect(part).toContain('The link sent to 王科长 no longer works');
    }
  });

  it('never contains the task token or nonce, even when built from an input holding the whole task', () => {
    const reviewTask = {
      ...countersignTask,
      purpose: 'MIDTERM_REVIEW',
      stepKey: 'MIDTERM_REVIEW:1',
    } as const;
    const model = taskMailModel({ ...reviewTask, proposal, link: LINK, recipientName: '王科长' });
    const m = renderTaskMail(model);

    expect(model.purpose).toBe('MIDTERM_REVIEW');
    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    for (const part of [m.subject, m.html, m.text]) {
      expect(part).not.toContain(FAKE_TOKEN);
      expect(part).not.toContain(FAKE_NONCE);
    }
  });
});

describe('renderTaskMail (late mid-term report)', () => {
  it('says the report is overdue since its due date, Chinese first, and asks to extend or terminate', () => {
    const m = lateMail();

    expect(m.subject).toBe(`【中期报告逾期 Mid-term report overdue】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      const zh = part.indexOf('承接机构未在截止日期（2026-09-30）及宽限期内提交以下项目的中期报告');
      const en = part.indexOf('by its due date (2026-09-30) or within the grace period');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
      expect(part).toContain('extend (another grace period) or to terminate the purchase');
      expect(part).toContain('第 1 轮 Round 1');
      expect(part).toContain('延期或终止须在页面上确认后才生效');
    }
    expect(m.text).toContain('报告截止日期 Report due: 2026-09-30');
    expect(count(m.html, `href="${LINK}"`)).toBe(1);
    expect(m.text).toContain('打开逾期报告处理页面 Open the overdue report page');
  });

  it('a reminder and an escalation use the same sentences as the other purposes, about the overdue report', () => {
    const reminder = lateMail({ attempt: 'REMINDER' });
    expect(reminder.subject).toContain('逾期报告处理提醒 Reminder: overdue report decision pending');
    expect(reminder.text).toContain(
      '以下项目逾期的中期报告仍在等待您决定如何处理。下面的链接与上一封邮件中的相同。',
    );

    const escalation = lateMail({
      attempt: 'ESCALATION',
      recipientName: '李副局长',
      notAnsweredBy: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn' },
    });
    expect(escalation.subject).toContain('转交逾期报告处理 Escalated overdue report');
    expect(escalation.text).toContain(
      'section-chief@civil-affairs.example.gov.cn) did not decide in time on the overdue mid-term report of the purchase below; it is now yours to decide as deputy.',
    );
  });

  it('without a due date still says the report is overdue, naming no date', () => {
    const m = renderTaskMail(
      taskMailModel({
        purpose: 'LATE_REPORT',
        purchaseId: countersignTask.purchaseId,
        proposal,
        level: 'SECTION_CHIEF',
        round: 1,
        attempt: 'FIRST',
        link: LINK,
        expiresAt: countersignTask.expiresAt,
        recipientName: '王科长',
      }),
    );

    expect(m.text).toContain('承接机构未在截止日期及宽限期内提交以下项目的中期报告');
    expect(m.text).toContain('by its due date or within the grace period');
    expect(m.text).not.toContain('Report due');
  });

  it('escapes the due date and the title', () => {
    const m = lateMail({ dueDate: `D ${SCRIPT}`, proposal: { ...proposal, title: `T ${SCRIPT}` } });

    expect(m.html).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'D']) expect(m.html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});

describe('renderTaskMail (third-party evaluation invitation)', () => {
  const AGENCY = '嘉禾社会研究中心';
  const evaluationMail = (overrides: Partial<TaskMailInput> = {}) =>
    mail({
      purpose: 'EVALUATION',
      level: undefined,
      round: undefined,
      recipientName: AGENCY,
      ...overrides,
    });

  it('invites the agency, Chinese first, to declare its independence of the NGO and the bureau and then score', () => {
    const m = evaluationMail();

    expect(m.subject).toBe(`【第三方评估邀请 Third-party evaluation】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      const zh = part.indexOf('贵机构受邀对以下政府购买服务项目进行第三方评估');
      const en = part.indexOf('Your agency is invited to evaluate the purchase of services below');
      expect(zh).toBeGreaterThanOrEqual(0);
      expect(en).toBeGreaterThan(zh);
      expect(part).toContain(AGENCY);
      expect(part).toContain(
        `no financial, family, employment or advisory relationship with the NGO ${proposal.ngo.name}`,
      );
      expect(part).toContain('the project reports are shown only after that');
      expect(part).toContain('独立性声明和评分须在页面上确认后才生效');
      expect(part).not.toContain('审批级别');
    }
  });

  it('carries exactly one link, the task link', () => {
    const m = evaluationMail();

    expect(count(m.text, 'http')).toBe(1);
    expect(count(m.html, '<a ')).toBe(1);
    expect(count(m.html, `href="${LINK}"`)).toBe(1);
    expect(m.text).toContain('打开第三方评估页面 Open the evaluation page');
  });

  it('tells an agency that cannot take it or has a conflict to say so on the page, in both languages', () => {
    const m = evaluationMail();

    expect(m.text).toContain('请在页面上点击“谢绝评估”或“声明存在利益冲突”并写明理由');
    expect(m.text).toContain('press Decline or Declare a conflict on the page and say why');
  });

  it('a reminder says the declaration and the scores are still awaited and the link is the same', () => {
    const m = evaluationMail({ attempt: 'REMINDER' });

    expect(m.subject).toBe(`【第三方评估提醒 Reminder: third-party evaluation pending】${proposal.title}`);
    for (const part of [m.html, m.text]) {
      expect(part).toContain('仍在等待贵机构声明独立性并完成评分');
      expect(part).toContain('The link below is the same as in the earlier e-mail');
    }
  });

  it('an escalation says the agency that did not finish in time is replaced, and its link no longer works', () => {
    const m = evaluationMail({
      attempt: 'ESCALATION',
      notAnsweredBy: { name: '其他评估机构', email: 'other-agency@example.org' },
    });

    expect(m.subject).toContain('转交第三方评估 Reassigned third-party evaluation');
    for (const part of [m.html, m.text]) {
      expect(part).toContain('其他评估机构（other-agency@example.org）未在期限内完成以下项目的第三方评估');
      expect(part).toContain('it is now assigned to your agency');
    }
  });

  it('escapes the NGO name it names in the invitation', () => {
    const m = evaluationMail({ proposal: { ...proposal, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } } });

    expect(m.html).not.toMatch(/<script\b/i);
    expect(m.html).toContain(`N ${ESCAPED_SCRIPT}`);
  });
});
