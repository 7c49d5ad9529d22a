/**
 * The approval page (GET): an approver's confirmation page, with the facts of the purchase and a
 * form whose POST is the only way to approve or reject it.
 */

import type { BilingualText } from '../../../domain/bilingual.js';
import { COMMENT_MAX_LENGTH } from '../../../domain/decision-rules.js';
import { formatYuan } from '../../../domain/money.js';
import { type AppliedBenchmark, benchmarkNote } from '../../../domain/policy/salary-benchmark-rule.js';
import type { ApprovalLevel } from '../../../domain/policy-settings.js';
import type {
  BudgetLine,
  ProcurementMethod,
  Proposal,
  StaffLine,
  Tranche,
} from '../../../domain/proposal.js';
import type { EarlierDecision } from '../../../domain/review-history.js';
import type { Assignee, HumanTask, TaskAttempt } from '../../../domain/tasks.js';
import { html } from '../../html.js';
import {
  APPROVAL_LEVEL_LABELS,
  bilingual,
  expiryFact,
  type Fact,
  levelFact,
  PROCUREMENT_METHOD_LABELS,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from '../layout.js';
import { decidingAs, decisionForm } from './decision-form.js';
import { DECISION_FORM_FIELDS } from './decision-form-fields.js';
import {
  type EarlierDecisionModel,
  earlierDecisionModels,
  earlierDecisionsSection,
} from './earlier-decisions.js';
import { budgetTable, staffTable, trancheTable } from './proposal-tables.js';
import { assigneeFact, assigneeOf } from './task-facts.js';

export interface ConfirmationPageModel {
  proposal: ProposalSummary & {
    purchasingUnit: string;
    procurementMethod: ProcurementMethod;
    budgetLines: BudgetLine[];
    staffPlan: StaffLine[];
    trancheSchedule: Tranche[];
    justification?: string;
  };
  level: ApprovalLevel;
  /** The salary benchmark the workflow held the staff plan to: its year, and why when another year stands in. */
  salaryBenchmark?: BilingualText;
  /** The earlier levels' decisions, in chain order (none for the first level). */
  earlierLevels: EarlierDecisionModel[];
  attempt: TaskAttempt;
  assignee: Assignee;
  expiresAt: string;
  /** Per-task secret echoed back by the form; a POST without it changes nothing. */
  nonce: string;
}

export interface ConfirmationPageInput {
  purchaseId: string;
  proposal: Proposal;
  /** An approval task: its level is the one the page asks the visitor to decide as. */
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce'> & { level: ApprovalLevel };
  /** As recorded when the approval was planned; absent without staff or on purchases planned before it was. */
  salaryBenchmark?: AppliedBenchmark;
  /** The decisions of the levels before the task's (earlierApprovals). */
  earlierLevels?: readonly EarlierDecision[];
}

/** Copies what the page shows, field by field: a whole HumanTask may be passed, its token is left behind. */
export function confirmationPageModel({
  purchaseId,
  proposal,
  task,
  salaryBenchmark,
  earlierLevels = [],
}: ConfirmationPageInput): ConfirmationPageModel {
  const model: ConfirmationPageModel = {
    proposal: {
      ...summarizeProposal(purchaseId, proposal),
      purchasingUnit: proposal.purchasingUnit,
      procurementMethod: proposal.procurementMethod,
      budgetLines: proposal.budgetLines.map(({ item, amountFen }) => ({ item, amountFen })),
      staffPlan: proposal.staffPlan.map(({ role, headcount, monthlySalaryFen, monthlySocialWelfareFen }) => ({
        role,
        headcount,
        monthlySalaryFen,
        monthlySocialWelfareFen,
      })),
      trancheSchedule: proposal.trancheSchedule.map(({ milestone, percent }) => ({ milestone, percent })),
    },
    level: task.level,
    earlierLevels: earlierDecisionModels(earlierLevels),
    attempt: task.attempt,
    assignee: assigneeOf(task.assignee),
    expiresAt: task.expiresAt,
    nonce: task.nonce,
  };
  if (proposal.justification !== undefined) model.proposal.justification = proposal.justification;
  if (salaryBenchmark) model.salaryBenchmark = benchmarkNote(salaryBenchmark);
  return model;
}

export function confirmationPage(model: ConfirmationPageModel): HtmlPage {
  const p = model.proposal;
  const level = APPROVAL_LEVEL_LABELS[model.level];
  const facts: Fact[] = [
    ...proposalFacts(p),
    { label: { zh: '采购单位', en: 'Purchasing unit' }, value: p.purchasingUnit },
    {
      label: { zh: '采购方式', en: 'Procurement method' },
      value: bilingual(PROCUREMENT_METHOD_LABELS[p.procurementMethod]),
    },
    levelFact(model.level),
    assigneeFact(model.assignee, model.attempt, { zh: '审批人', en: 'Assigned to' }, '代理审批'),
    expiryFact(model.expiresAt),
  ];
  if (model.salaryBenchmark)
    facts.push({
      label: { zh: '适用工资基准', en: 'Salary benchmark applied' },
      value: model.salaryBenchmark,
    });
  if (p.justification !== undefined) {
    facts.push({
      label: { zh: '超过12个月的理由', en: 'Justification for a term over 12 months' },
      value: p.justification,
    });
  }
  const earlier = earlierDecisionsSection(
    { zh: '前序审批意见与退回修改', en: 'Earlier decisions and revisions' },
    model.earlierLevels,
  );
  const body = html`${bilingualHeading('h1', { zh: `审批：${p.title}`, en: `Approval: ${p.title}` })}
${bilingualParagraphs({
  zh: `请以${level.zh}身份审阅以下政府购买服务项目，并在页面底部批准、退回修改或驳回。退回修改后，经办人修改并重新提交，再由您这一级重新审批。提交之前不会记录任何决定。`,
  en: `Please review this purchase of services as ${level.en.toLowerCase()}, then approve it, return it for revision or reject it at the bottom of the page. A proposal returned for revision is corrected by its officer and comes back to your level. Nothing is recorded until you submit.`,
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '预算明细', en: 'Budget lines' })}
${budgetTable(p.budgetLines)}
${bilingualHeading('h2', { zh: '人员计划', en: 'Staff plan' })}
${staffTable(p.staffPlan)}
${bilingualHeading('h2', { zh: '分期支付', en: 'Tranche schedule' })}
${trancheTable(p.totalFen, p.trancheSchedule)}
${earlier}${decisionForm({
  nonce: model.nonce,
  decidingAs: model.assignee,
  comment: {
    label: { zh: '审批意见', en: 'Comment' },
    help: {
      zh: `驳回时必须填写理由，退回修改时必须写明需要修改的内容（将转告经办人）；批准时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when rejecting (give the reason) or returning for revision (say what the officer must correct; it is passed on to them); optional when approving. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons: [
    { decision: 'APPROVE', label: { zh: '批准', en: 'Approve' }, tone: 'approve' },
    { decision: 'RETURN', label: { zh: '退回修改', en: 'Return for revision' }, tone: 'reject' },
    { decision: 'REJECT', label: { zh: '驳回', en: 'Reject' }, tone: 'reject' },
  ],
})}`;
  return renderPage(200, { zh: `审批：${p.title}`, en: `Approval: ${p.title}` }, body);
}

/** What the approver typed on the first step, carried to the second. */
export interface TypedApproval {
  comment: string;
  actingEmail?: string;
}

/**
 * The second step of an approval (POST of Approve without confirmation): nothing is recorded yet.
 * It names what is approved, at which level and for whom, and records the approval only when the
 * box is ticked and the form sent again, so a mail scanner that posts a form once approves nothing.
 */
export function approvalConfirmationStep(model: ConfirmationPageModel, typed: TypedApproval): HtmlPage {
  const f = DECISION_FORM_FIELDS;
  const p = model.proposal;
  const level = APPROVAL_LEVEL_LABELS[model.level];
  const title = { zh: `确认批准：${p.title}`, en: `Confirm your approval: ${p.title}` };
  const body = html`${bilingualHeading('h1', title)}
<div class="notice">
${bilingualParagraphs(
  {
    zh: `您即将以${level.zh}身份批准“${p.title}”（${formatYuan(p.totalFen)}，承接机构：${p.ngoName}）。批准尚未记录。`,
    en: `You are about to approve “${p.title}” (${formatYuan(p.totalFen)}, NGO: ${p.ngoName}) as ${level.en.toLowerCase()}. The approval is not recorded yet.`,
  },
  {
    zh: '请勾选下面的确认框并点击“确认批准”。如需驳回，请返回上一页。',
    en: 'Tick the box below and press Confirm approval. To reject instead, go back to the previous page.',
  },
)}</div>
<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${model.nonce}">
<input type="hidden" name="${f.decision}" value="APPROVE">
<input type="hidden" name="${f.comment}" value="${typed.comment}">
${decidingAs(model.assignee, typed.actingEmail)}<p><label><input type="checkbox" name="${f.confirmed}" value="1" required> 我确认批准该项目。<span class="en" lang="en">I confirm that I approve this purchase.</span></label></p>
<div class="actions">
<button type="submit" class="approve">确认批准 <span lang="en">Confirm approval</span></button>
</div>
</form>
`;
  return renderPage(200, title, body);
}
