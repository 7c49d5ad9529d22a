import { describe, expect, it } from 'vitest';
import {
  COMMENT_MAX_LENGTH,
  PAYMENT_REFERENCE_PATTERN,
  rectificationAllowed,
} from '../../../shared/domain/decision-rules.js';
import type { ApprovalLevel } from '../../../shared/domain/policy-settings.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { HumanTask, RecordedDecision } from '../../../shared/domain/tasks.js';
import {
  type ConfirmationPageModel,
  confirmationPage,
  confirmationPageModel,
} from '../../../shared/presentation/pages/task/approval-page.js';
import {
  countersignPage,
  countersignPageModel,
} from '../../../shared/presentation/pages/task/countersign-page.js';
import { decidedPage, decidedPageModel } from '../../../shared/presentation/pages/task/decided-page.js';
import {
  evaluationPage,
  evaluationPageModel,
  independenceDeclaration,
} from '../../../shared/presentation/pages/task/evaluation-page.js';
import {
  lateReportPage,
  lateReportPageModel,
} from '../../../shared/presentation/pages/task/late-report-page.js';
import {
  midtermReviewPage,
  midtermReviewPageModel,
} from '../../../shared/presentation/pages/task/midterm-review-page.js';
import {
  paymentConfirmationPage,
  paymentConfirmationPageModel,
} from '../../../shared/presentation/pages/task/payment-confirmation-page.js';

const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const FAKE_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfAkeTaskToken0123456789abcdefZZZZ';
const TASK_ID = 'AbCdEfGhIjKlMnOpQrSt_-12';

const proposal: Proposal = {
  title: '集美区农村留守老人关爱服务项目',
  serviceArea: 'RURAL_REVITALISATION',
  serviceItem: 'RURAL-ELDER',
  district: '集美区',
  purchasingUnit: '厦门市民政局基层政权处',
  ngo: { name: '集美区乡村社工服务社', creditCode: '52350211MJ0000002A', contactEmail: 'ngo@example.org' },
  term: { start: '2026-06-01', end: '2027-05-31' },
  procurementMethod: 'COMPETITIVE_NEGOTIATION',
  totalFen: 10_000_001,
  budgetLines: [
    { item: '人员经费 Staff', amountFen: 8_000_000 },
    { item: '活动经费 Activities', amountFen: 2_000_001 },
  ],
  staffPlan: [
    {
      role: '社工 Social worker',
      headcount: 2,
      monthlySalaryFen: 1_000_000,
      monthlySocialWelfareFen: 250_000,
    },
  ],
  trancheSchedule: [
    { milestone: 'CONTRACT_SIGNED', percent: 30 },
    { milestone: 'MIDTERM_PASSED', percent: 30 },
    { milestone: 'EVALUATION_PASSED', percent: 40 },
  ],
  deliverables: [{ kind: 'FINAL_REPORT', dueDate: '2027-05-15', description: 'final report' }],
  budgetLineRef: '2026-MZ-RURAL-01',
};

/** The tasks this page serves: approvals, which carry their level. */
type ApprovalTask = HumanTask & { level: ApprovalLevel };

const task: ApprovalTask = {
  taskId: TASK_ID,
  purchaseId: 'p-2026-0007',
  stepKey: 'APPROVAL:BUREAU_DIRECTOR',
  purpose: 'APPROVAL',
  level: 'BUREAU_DIRECTOR',
  attempt: 'FIRST',
  assignee: { name: '张局长', email: 'director@civil-affairs.example.gov.cn', role: 'BUREAU_DIRECTOR' },
  taskToken: FAKE_TOKEN,
  nonce: 'n0nce_Value-123',
  createdAt: '2026-03-01T09:00:00.000Z',
  expiresAt: '2026-03-04T09:00:00.000Z',
  status: 'PENDING',
  mailsSent: ['FIRST'],
};

function page(p: Proposal = proposal, t: ApprovalTask = task): string {
  return confirmationPage(confirmationPageModel({ purchaseId: t.purchaseId, proposal: p, task: t })).html;
}

function count(haystack: string, pattern: RegExp): number {
  return [...haystack.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;
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

  it('has one POST form to the same URL with the nonce, a comment box and the two decision buttons', () => {
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
    // Nothing else submits or carries data.
    expect(count(html, /<button\b/)).toBe(2);
    expect(count(html, /<input\b/)).toBe(1);
    expect(count(html, /<textarea\b/)).toBe(1);
  });

  it('tells the approver that a comment is required when rejecting', () => {
    const html = page();

    expect(html).toContain('驳回时必须填写理由');
    expect(html).toContain('Required when rejecting');
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

  it('never contains the task token or the task id, even when built from the whole task record', () => {
    const model: ConfirmationPageModel = confirmationPageModel({
      purchaseId: task.purchaseId,
      proposal,
      task,
    });
    const html = confirmationPage(model).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
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

const decision: RecordedDecision = {
  decision: 'REJECT',
  by: 'director@civil-affairs.example.gov.cn',
  byName: '张局长',
  comment: '预算依据不足\nBudget basis is insufficient',
  at: '2026-03-02T01:15:00.000Z',
  taskId: TASK_ID,
};

function decided(
  variant: 'RECORDED' | 'ALREADY_DECIDED',
  d: RecordedDecision = decision,
  title = proposal.title,
) {
  return decidedPage(decidedPageModel({ variant, title, level: 'BUREAU_DIRECTOR', decision: d }));
}

describe('decidedPage', () => {
  it('confirms right after the POST that the decision was recorded, with what, who, when and the comment', () => {
    const rendered = decided('RECORDED');

    expect(rendered.statusCode).toBe(200);
    expect(rendered.html).toContain('您的决定已记录');
    expect(rendered.html).toContain('Your decision has been recorded');
    expect(rendered.html).toContain('驳回 Rejected');
    expect(rendered.html).toContain('张局长 &lt;director@civil-affairs.example.gov.cn&gt;');
    expect(rendered.html).toContain('2026-03-02 09:15 (UTC+8)');
    expect(rendered.html).toContain('预算依据不足\nBudget basis is insufficient');
    expect(rendered.html).toContain('集美区农村留守老人关爱服务项目');
  });

  it('tells a later visitor who already decided, and offers nothing to submit', () => {
    const html = decided('ALREADY_DECIDED', { ...decision, decision: 'APPROVE', comment: '' }).html;

    expect(html).toContain('此审批已由 张局长 作出决定');
    expect(html).toContain('This approval was already decided by 张局长');
    expect(html).toContain('批准 Approved');
    expect(html).toContain('（无）(none)');
    expect(html).not.toMatch(/<form\b|<button\b|<a\b/i);
  });

  it('does not echo the task id of the recorded decision', () => {
    expect(decided('ALREADY_DECIDED').html).not.toContain(TASK_ID);
  });

  it('escapes the comment, the decider name and the title', () => {
    const html = decided(
      'ALREADY_DECIDED',
      { ...decision, comment: `C ${SCRIPT}`, byName: `N ${SCRIPT}` },
      `T ${SCRIPT}`,
    ).html;

    expect(html).not.toMatch(/<script\b/i);
    for (const prefix of ['C', 'N', 'T']) expect(html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});

const SIGNED_URL =
  'https://documents.s3.cn-north-1.amazonaws.com.cn/uploads/p-2026-0007/SIGNED_CONTRACT/u1/signed.pdf?X-Amz-Signature=abc&X-Amz-Expires=900';

const countersignTask: HumanTask = {
  ...task,
  stepKey: 'COUNTERSIGN:2',
  purpose: 'COUNTERSIGN',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { round: 2 },
};

function countersign(
  t: HumanTask = countersignTask,
  p: Proposal = proposal,
  documentUrl: string | undefined = SIGNED_URL,
) {
  return countersignPage(
    countersignPageModel({ purchaseId: t.purchaseId, proposal: p, task: t, documentUrl }),
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
        documentUrl: url,
      });
      const html = countersignPage(model).html;
      expect(html).not.toMatch(/<a\b/i);
      expect(html).not.toContain('javascript:');
      expect(html).toContain('cannot be shown right now');
    }
  });

  it('has one POST form with the nonce, a comment box and the Countersign / Refuse buttons', () => {
    const html = countersign().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="COUNTERSIGN">会签 <span lang="en">Countersign<\/span><\/button>/,
    );
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="REFUSE">退回 <span lang="en">Refuse<\/span><\/button>/,
    );
    expect(count(html, /<button\b/)).toBe(2);
    expect(count(html, /<input\b/)).toBe(1);
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

  it('never contains the task token or the task id, even when built from the whole task record', () => {
    const model = countersignPageModel({
      purchaseId: countersignTask.purchaseId,
      proposal,
      task: countersignTask,
      documentUrl: SIGNED_URL,
    });
    const html = countersignPage(model).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
    expect(count(html, /n0nce_Value-123/)).toBe(1);
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

const paymentTask: HumanTask = {
  ...task,
  stepKey: 'PAYMENT:1',
  purpose: 'PAYMENT_CONFIRMATION',
  level: 'FINANCE_SECTION',
  assignee: { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' },
  context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 3_000_000, dueDate: '2026-04-30' },
};

function payment(t: HumanTask = paymentTask, p: Proposal = proposal) {
  return paymentConfirmationPage(
    paymentConfirmationPageModel({ purchaseId: t.purchaseId, proposal: p, task: t }),
  );
}

describe('paymentConfirmationPage', () => {
  it('shows the tranche, milestone, amount in yuan, due date and the payee with its credit code', () => {
    const rendered = payment();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('确认付款：')).toBeLessThan(h1.indexOf('Confirm payment:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '第 1 笔 Tranche 1',
      '合同签订后 On contract signature',
      '¥30,000.00',
      '2026-04-30',
      '收款单位',
      '集美区乡村社工服务社',
      '52350211MJ0000002A',
      '陈会计 &lt;finance@civil-affairs.example.gov.cn&gt;',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it('has one POST form with the nonce, a required reference input and only the Confirm button', () => {
    const html = payment().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    const reference = html.match(/<input type="text"[^>]*>/)?.[0] ?? '';
    expect(reference).toContain('name="reference"');
    expect(reference).toContain(' required ');
    expect(reference).toContain('minlength="4"');
    expect(reference).toContain('maxlength="64"');
    expect(html).toContain('<label for="reference">银行交易流水号');
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="CONFIRM">确认已付款 <span lang="en">Confirm payment made<\/span><\/button>/,
    );
    expect(count(html, /<button\b/)).toBe(1);
    expect(count(html, /<input\b/)).toBe(2);
    expect(html).not.toMatch(/<a\b|<script\b|value="REJECT"|value="REFUSE"/i);
  });

  it("the input's pattern (compiled as browsers do, with the v flag) accepts and refuses what the server does", () => {
    const pattern = payment().html.match(/pattern="([^"]*)"/)?.[1] ?? '';
    const browser = new RegExp(`^(?:${pattern})$`, 'v');

    for (const ok of ['ABCD', 'TX-2026/04_0001', 'a'.repeat(64)]) {
      expect(browser.test(ok)).toBe(true);
      expect(PAYMENT_REFERENCE_PATTERN.test(ok)).toBe(true);
    }
    for (const bad of ['abc', 'a'.repeat(65), 'TX 2026', '流水号1234', 'TX;DROP', '<b>1234']) {
      expect(browser.test(bad)).toBe(false);
      expect(PAYMENT_REFERENCE_PATTERN.test(bad)).toBe(false);
    }
  });

  it('leaves out the facts its context lacks, and shows an unknown milestone code as it is', () => {
    const html = payment({ ...paymentTask, context: { tranche: 2, milestone: 'SOMETHING_NEW' } }).html;

    expect(html).toContain('第 2 笔 Tranche 2');
    expect(html).toContain('SOMETHING_NEW');
    expect(html).not.toContain('付款金额');
    expect(html).not.toContain('付款期限');
  });

  it('never contains the task token or the task id; the nonce only in its hidden field', () => {
    const model = paymentConfirmationPageModel({
      purchaseId: paymentTask.purchaseId,
      proposal,
      task: paymentTask,
    });
    const html = paymentConfirmationPage(model).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
    expect(count(html, /n0nce_Value-123/)).toBe(1);
  });

  it('escapes the title, the payee and the context values', () => {
    const html = payment(
      {
        ...paymentTask,
        context: { tranche: `X ${SCRIPT}`, dueDate: `D ${SCRIPT}`, milestone: `M ${SCRIPT}` },
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(html).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'X', 'D', 'M']) expect(html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});

describe('decidedPage of every purpose', () => {
  it('names a countersignature and a refusal with its comment', () => {
    const html = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: proposal.title,
        purpose: 'COUNTERSIGN',
        decision: { ...decision, decision: 'REFUSE', comment: '第五条金额有误', byName: '王科长' },
      }),
    ).html;

    expect(html).toContain('此合同会签已由 王科长 作出决定');
    expect(html).toContain('This countersignature was already decided by 王科长');
    expect(html).toContain('退回 Refused');
    expect(html).toContain('第五条金额有误');
    expect(
      decidedPage(
        decidedPageModel({
          variant: 'RECORDED',
          title: 'x',
          purpose: 'COUNTERSIGN',
          decision: { ...decision, decision: 'COUNTERSIGN' },
        }),
      ).html,
    ).toContain('会签 Countersigned');
  });

  it('shows the bank transaction reference of a payment confirmation, escaped', () => {
    const confirm: RecordedDecision = {
      ...decision,
      decision: 'CONFIRM',
      comment: '',
      data: { reference: 'TX-2026/0001' },
    };
    const html = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'PAYMENT_CONFIRMATION',
        decision: confirm,
      }),
    ).html;

    expect(html).toContain('已确认付款 Payment confirmed');
    expect(html).toContain('Bank transaction reference');
    expect(html).toContain('TX-2026/0001');
    expect(html).toContain('2026-03-02 09:15 (UTC+8)');
    expect(html).not.toMatch(/<form\b|<button\b|<a\b/i);

    const hostile = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: 't',
        purpose: 'PAYMENT_CONFIRMATION',
        decision: { ...confirm, data: { reference: SCRIPT } },
      }),
    ).html;
    expect(hostile).not.toMatch(/<script\b/i);
    expect(hostile).toContain(ESCAPED_SCRIPT);
    expect(hostile).toContain('This payment confirmation was already decided by');
  });

  it('shows no reference row for decisions other than CONFIRM', () => {
    const html = decided('RECORDED', { ...decision, data: { reference: 'TX-9999' } }).html;
    expect(html).not.toContain('TX-9999');
    expect(html).not.toContain('Bank transaction reference');
  });
});

const REPORT_URL =
  'https://documents.s3.cn-north-1.amazonaws.com.cn/uploads/p-2026-0007/MIDTERM_REPORT/u7/report.pdf?X-Amz-Signature=abc&X-Amz-Expires=600';

const reviewTask: HumanTask = {
  ...task,
  stepKey: 'MIDTERM_REVIEW:2',
  purpose: 'MIDTERM_REVIEW',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { round: 2, maxRounds: 3 },
};

function review(
  t: HumanTask = reviewTask,
  p: Proposal = proposal,
  documentUrl: string | undefined = REPORT_URL,
) {
  return midtermReviewPage(
    midtermReviewPageModel({ purchaseId: t.purchaseId, proposal: p, task: t, documentUrl }),
  );
}

function buttonValues(html: string): string[] {
  return [...html.matchAll(/<button type="submit"[^>]*name="decision" value="([A-Z_]+)">/g)].map(
    (m) => m[1] ?? '',
  );
}

describe('rectificationAllowed', () => {
  it('allows rectification only while the round is below the last round', () => {
    expect(rectificationAllowed({ round: 1, maxRounds: 3 })).toBe(true);
    expect(rectificationAllowed({ round: 2, maxRounds: 3 })).toBe(true);
    expect(rectificationAllowed({ round: '2', maxRounds: '3' })).toBe(true);
    expect(rectificationAllowed({ round: 3, maxRounds: 3 })).toBe(false);
    expect(rectificationAllowed({ round: 4, maxRounds: 3 })).toBe(false);
  });

  it('refuses when the context lacks the round or the last round, or holds something that is not a round', () => {
    const contexts: HumanTask['context'][] = [
      undefined,
      {},
      { round: 1 },
      { maxRounds: 3 },
      { round: 0, maxRounds: 3 },
      { round: 1.5, maxRounds: 3 },
      { round: 'one', maxRounds: 3 },
      { round: 1, maxRounds: '3 rounds' },
    ];
    for (const context of contexts) {
      expect(rectificationAllowed(context)).toBe(false);
    }
  });
});

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
        documentUrl: url,
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

  it('never contains the task token or the task id, even when built from the whole task record', () => {
    const model = midtermReviewPageModel({
      purchaseId: reviewTask.purchaseId,
      proposal,
      task: reviewTask,
      documentUrl: REPORT_URL,
    });
    const html = midtermReviewPage(model).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
    expect(count(html, /n0nce_Value-123/)).toBe(1);
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

const lateTask: HumanTask = {
  ...task,
  stepKey: 'LATE_REPORT:1',
  purpose: 'LATE_REPORT',
  level: 'SECTION_CHIEF',
  assignee: { name: '王科长', email: 'section-chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
  context: { dueDate: '2026-02-01', round: 1 },
};

// 2026-03-02 01:00 in China: 29 days after 2026-02-01 (February 2026 has 28 days).
const LATE_NOW = '2026-03-01T17:00:00.000Z';

function late(t: HumanTask = lateTask, p: Proposal = proposal, now = LATE_NOW) {
  return lateReportPage(lateReportPageModel({ purchaseId: t.purchaseId, proposal: p, task: t, now }));
}

describe('lateReportPage', () => {
  it('shows the due date, the days late counted to today in China, the round, the assignee and the expiry', () => {
    const rendered = late();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('中期报告逾期：')).toBeGreaterThanOrEqual(0);
    expect(h1.indexOf('中期报告逾期：')).toBeLessThan(h1.indexOf('Mid-term report overdue:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '集美区乡村社工服务社',
      '2026-02-01',
      '29 天 29 days',
      '第 1 轮 Round 1',
      '王科长 &lt;section-chief@civil-affairs.example.gov.cn&gt;',
      '2026-03-04 17:00 (UTC+8)',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it('counts days late by the China calendar, so a later visit shows more', () => {
    // 2026-03-01 15:59Z is still 1 March in China; 16:00Z is already 2 March.
    expect(
      lateReportPageModel({ purchaseId: 'p', proposal, task: lateTask, now: '2026-03-01T15:59:00.000Z' })
        .daysLate,
    ).toBe(28);
    expect(
      lateReportPageModel({ purchaseId: 'p', proposal, task: lateTask, now: '2026-03-01T16:00:00.000Z' })
        .daysLate,
    ).toBe(29);
    expect(late(lateTask, proposal, '2026-02-01T16:00:00.000Z').html).toContain('1 天 1 day<');
  });

  it('leaves out days late when the due date is not a date or lies ahead, and both when the context lacks it', () => {
    const notADate = late({ ...lateTask, context: { dueDate: 'soon', round: 1 } }).html;
    expect(notADate).toContain('soon');
    expect(notADate).not.toContain('Days late');
    expect(late({ ...lateTask, context: { dueDate: '2026-04-01' } }).html).not.toContain('Days late');
    const bare = late({ ...lateTask, context: {} }).html;
    expect(bare).not.toContain('Report due');
    expect(bare).not.toContain('Days late');
    expect(bare).not.toContain('Report round');
  });

  it('offers Extend and Terminate in one POST form with the nonce and a comment box, and says what each does', () => {
    const html = late().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    expect(html).toMatch(/<textarea id="comment" name="comment" maxlength="1000"[^>]*><\/textarea>/);
    expect(buttonValues(html)).toEqual(['EXTEND', 'TERMINATE']);
    expect(html).toContain('延期 <span lang="en">Extend</span>');
    expect(html).toContain('the NGO gets another grace period');
    expect(html).toContain('the remaining tranches are cancelled and the unpaid budget is released');
    expect(html).toContain('Required when terminating (the reason); optional when extending');
    expect(html).not.toMatch(/<a\b|<script\b|<link\b|\bsrc=|\bon[a-z]+=/i);
  });

  it('never contains the task token or the task id, even when built from the whole task record', () => {
    const model = lateReportPageModel({
      purchaseId: lateTask.purchaseId,
      proposal,
      task: lateTask,
      now: LATE_NOW,
    });
    const html = lateReportPage(model).html;

    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(FAKE_TOKEN);
    expect(html).not.toContain(TASK_ID);
    expect(count(html, /n0nce_Value-123/)).toBe(1);
  });

  it('escapes every free-text field, the due date and the round', () => {
    const hostile = late(
      {
        ...lateTask,
        assignee: { ...lateTask.assignee, name: `A ${SCRIPT}` },
        context: { dueDate: `D ${SCRIPT}`, round: `R ${SCRIPT}` },
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(hostile).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'A', 'D', 'R']) expect(hostile).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});

describe('decidedPage of the mid-term review', () => {
  it('names a rectification with what to fix, and an extension of a late report', () => {
    const rectified = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'MIDTERM_REVIEW',
        decision: { ...decision, decision: 'RECTIFY', comment: '补充服务台账' },
      }),
    ).html;
    expect(rectified).toContain('限期整改 Rectification required');
    expect(rectified).toContain('补充服务台账');

    const extended = decidedPage(
      decidedPageModel({
        variant: 'ALREADY_DECIDED',
        title: proposal.title,
        purpose: 'LATE_REPORT',
        decision: { ...decision, decision: 'EXTEND', comment: '', byName: '王科长' },
      }),
    ).html;
    expect(extended).toContain('延期 Extended');
    expect(extended).toContain('This late report decision was already decided by 王科长');
  });
});

describe('evaluationPage', () => {
  const RUBRIC = [
    { criterion: 'PROFESSIONAL_SERVICE', weight: 40 },
    { criterion: 'OUTCOMES', weight: 40 },
    { criterion: 'MANAGEMENT', weight: 20 },
  ] as const;
  const FINAL_URL = 'https://documents.example/final.pdf?X-Amz-Signature=f';
  const MIDTERM_URL = 'https://documents.example/midterm.pdf?X-Amz-Signature=m';
  const evaluationTask = {
    taskId: TASK_ID,
    purchaseId: 'PUR-2026-VLTNABCDEFGHJKMN',
    stepKey: 'EVALUATION:1',
    purpose: 'EVALUATION',
    attempt: 'FIRST',
    assignee: { name: '嘉禾社会研究中心', email: 'evaluation@jiahe-research.example.org', role: 'EVALUATOR' },
    taskToken: FAKE_TOKEN,
    nonce: 'nonce-of-the-evaluation',
    context: { agencyId: 'jiahe-research' },
    createdAt: '2026-03-01T09:00:00.000Z',
    expiresAt: '2026-03-04T09:00:00.000Z',
    status: 'PENDING',
    mailsSent: [],
  } satisfies HumanTask;
  const render = (task: HumanTask, p: Proposal = proposal) =>
    evaluationPage(
      evaluationPageModel({
        purchaseId: task.purchaseId,
        proposal: p,
        task,
        rubric: RUBRIC,
        documents: [
          { kind: 'MIDTERM_REPORT', url: MIDTERM_URL },
          { kind: 'FINAL_REPORT', url: FINAL_URL },
        ],
      }),
    );
  const declared = { ...evaluationTask, declaredAt: '2026-03-02T01:00:00.000Z' };

  it('before the declaration shows the summary and the declaration form, and no file link even when given one', () => {
    const page = render(evaluationTask);

    expect(page.statusCode).toBe(200);
    expect(page.html).toContain(proposal.title);
    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).not.toContain('documents.example');
    expect(page.html).toContain('name="nonce" value="nonce-of-the-evaluation"');
    expect(page.html).toMatch(/<input type="checkbox" name="declare" value="1" required>/);
    expect(page.html).toContain('声明无利益冲突 <span lang="en">Declare independence</span>');
    expect(page.html).not.toContain('name="decision"');
    expect(page.html).not.toContain('score_');
    expect(page.html).not.toContain(FAKE_TOKEN);
  });

  it('the declaration names the NGO with its credit code and the bureau, in both languages, and promises to report a conflict', () => {
    const text = independenceDeclaration({
      proposal: { ngoName: proposal.ngo.name, ngoCreditCode: proposal.ngo.creditCode },
      purchasingUnit: proposal.purchasingUnit,
    });
    for (const part of [text.zh, text.en]) {
      expect(part).toContain(proposal.ngo.name);
      expect(part).toContain(proposal.ngo.creditCode);
      expect(part).toContain(proposal.purchasingUnit);
    }
    expect(text.zh).toContain('财务、亲属、雇佣或咨询关系');
    expect(text.en).toContain('financial, family, employment or advisory relationship');
    expect(text.en).toContain('report any conflict of interest');
    expect(render(evaluationTask).html).toContain('financial, family, employment or advisory relationship');
  });

  it('after the declaration links the final report then the mid-term report, and offers one required input per criterion', () => {
    const page = render(declared);

    expect(page.html).not.toContain('name="declare"');
    const finalAt = page.html.indexOf(`href="${FINAL_URL}"`);
    const midtermAt = page.html.indexOf(`href="${MIDTERM_URL}"`);
    expect(finalAt).toBeGreaterThan(0);
    expect(midtermAt).toBeGreaterThan(finalAt);
    for (const { criterion, weight } of RUBRIC) {
      expect(page.html).toMatch(
        new RegExp(
          `<input type="number" id="score_${criterion}" name="score_${criterion}" min="0" max="100" step="0.1" required`,
        ),
      );
      expect(page.html).toContain(`weight ${weight}%`);
    }
    expect(page.html).toContain('专业服务（权重 40%）');
    expect(page.html).toContain('name="comment"');
    expect(page.html).toContain(
      'name="decision" value="SUBMIT">提交评分 <span lang="en">Submit scores</span>',
    );
    expect(page.html).not.toMatch(/<script\b/i);
  });

  it('after the declaration without any report says so instead of linking', () => {
    const page = evaluationPage(
      evaluationPageModel({ purchaseId: declared.purchaseId, proposal, task: declared, rubric: RUBRIC }),
    );

    expect(page.html).not.toMatch(/<a\b/);
    expect(page.html).toContain('cannot be shown right now');
  });

  it('the model keeps no token and drops a document that is not a web link', () => {
    const model = evaluationPageModel({
      purchaseId: declared.purchaseId,
      proposal,
      task: declared,
      rubric: RUBRIC,
      documents: [
        { kind: 'FINAL_REPORT', url: 'javascript:alert(1)' },
        { kind: 'SIGNED_CONTRACT', url: 'https://documents.example/contract.pdf' },
        { kind: 'MIDTERM_REPORT', url: MIDTERM_URL },
      ],
    });

    expect(model.phase).toBe('SCORE');
    expect(model.documents).toEqual([{ kind: 'MIDTERM_REPORT', url: MIDTERM_URL }]);
    expect(JSON.stringify(model)).not.toContain(FAKE_TOKEN);
  });

  it('escapes the NGO name and the title', () => {
    const page = render(evaluationTask, {
      ...proposal,
      title: `T ${SCRIPT}`,
      ngo: { ...proposal.ngo, name: `N ${SCRIPT}` },
    });

    expect(page.html).not.toMatch(/<script\b/i);
    expect(page.html).toContain(`T ${ESCAPED_SCRIPT}`);
    expect(page.html).toContain(`N ${ESCAPED_SCRIPT}`);
  });
});

describe('decidedPage of an evaluation', () => {
  const submitted: RecordedDecision = {
    decision: 'SUBMIT',
    by: 'evaluation@jiahe-research.example.org',
    byName: '嘉禾社会研究中心',
    comment: '服务记录完整',
    at: '2026-03-03T02:00:00.000Z',
    taskId: TASK_ID,
    data: {
      scores: { PROFESSIONAL_SERVICE: 85.5, OUTCOMES: 90, MANAGEMENT: 70 },
      totalTenths: 842,
      grade: 'GOOD',
    },
  };

  it('shows each score, the weighted total to one decimal and the grade', () => {
    const page = decidedPage(
      decidedPageModel({
        variant: 'RECORDED',
        title: proposal.title,
        purpose: 'EVALUATION',
        decision: submitted,
      }),
    );

    expect(page.html).toContain('已提交 Submitted');
    expect(page.html).toContain('85.5');
    expect(page.html).toContain('84.2');
    expect(page.html).toContain('良好 Good');
    expect(page.html).toContain('服务记录完整');
  });

  it('shows no total or grade when the decision data holds none', () => {
    const model = decidedPageModel({
      variant: 'ALREADY_DECIDED',
      title: proposal.title,
      purpose: 'EVALUATION',
      decision: { ...submitted, data: { totalTenths: 'lots', grade: 'SUPERB' } },
    });

    expect(model.decision.evaluation).toBeUndefined();
    expect(decidedPage(model).html).not.toContain('Weighted total');
  });
});
