import { describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { renderTaskMail, taskMailModel } from '../../../shared/presentation/mail/task-mail.js';
import {
  confirmationPage,
  confirmationPageModel,
} from '../../../shared/presentation/pages/task/approval-page.js';
import {
  earlierDecisionModels,
  earlierDecisionsSection,
} from '../../../shared/presentation/pages/task/earlier-decisions.js';
import { proposal as approvalProposal, task as approvalTask } from '../pages/task/task-page-fixtures.js';

const LINK = 'https://approve.example.gov.cn/tasks/AbCdEfGhIjKlMnOpQrSt_-12?sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4';
const chief = { name: '张三', email: 'zhang.san@civil-affairs.example.gov.cn' };

const approvalMail = (onBehalfOf?: typeof chief) =>
  renderTaskMail(
    taskMailModel({
      purchaseId: 'PUR-2026-ABCDEFGHJKMNPQRS',
      proposal: largeElderlyCareProposal(),
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      link: LINK,
      expiresAt: '2026-03-04T09:00:00.000Z',
      recipientName: '王五',
      ...(onBehalfOf ? { onBehalfOf } : {}),
    }),
  );

describe('"X for Y" on the record', () => {
  it('tells a delegate in the task mail for whom they decide and how the decision is recorded, in both languages', () => {
    const mail = approvalMail(chief);

    expect(mail.text).toContain('张三（zhang.san@civil-affairs.example.gov.cn）外出期间委托您代为审批');
    expect(mail.text).toContain('“王五 代 张三审批”');
    expect(mail.text).toContain('"王五 for 张三"');
    expect(mail.html).toContain('王五 代 张三审批');
    expect(approvalMail().text).not.toContain('代 张三');
  });

  it("shows a delegate's earlier decision on a higher level's page as 王五 代 张三审批 · 王五 for 张三", () => {
    const [model] = earlierDecisionModels([
      {
        purpose: 'APPROVAL',
        level: 'SECTION_CHIEF',
        decision: {
          decision: 'APPROVE',
          by: 'wang.wu@civil-affairs.example.gov.cn',
          byName: '王五',
          comment: '同意',
          at: '2026-03-02T08:00:00.000Z',
          taskId: 't-1',
          onBehalfOf: { ...chief, role: 'SECTION_CHIEF' },
        },
      },
    ]);
    const page = String(
      earlierDecisionsSection({ zh: '此前的审批', en: 'Earlier approvals' }, model ? [model] : []),
    );

    expect(model?.onBehalfOf).toEqual(chief);
    expect(page).toContain('王五 代 张三审批 · 王五 for 张三 &lt;wang.wu@civil-affairs.example.gov.cn&gt;');
  });

  it("tells the delegate on the approval page that they decide for the approver, and names them so in the page's facts", () => {
    const task = {
      ...approvalTask,
      assignee: {
        name: '王五',
        email: 'wang.wu@civil-affairs.example.gov.cn',
        role: approvalTask.assignee.role,
        onBehalfOf: { ...chief, role: approvalTask.assignee.role },
      },
    };
    const { html } = confirmationPage(
      confirmationPageModel({ purchaseId: task.purchaseId, proposal: approvalProposal, task }),
    );

    expect(html).toContain('王五 代 张三审批 · 王五 for 张三 &lt;wang.wu@civil-affairs.example.gov.cn&gt;');
    expect(html).toContain('的身份代 <strong>张三</strong> 作出决定');
    expect(html).toContain('for <strong>张三</strong>, who is away');
  });
});
