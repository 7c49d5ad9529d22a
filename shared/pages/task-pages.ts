import type { ApprovalLevel } from '../config/settings.js';
import { formatYuan, splitByPercent, sumFen } from '../domain/money.js';
import type { BudgetLine, ProcurementMethod, Proposal, StaffLine, Tranche } from '../domain/proposal.js';
import type { Assignee, Decision, HumanTask, RecordedDecision, TaskAttempt } from '../persistence/ports.js';
import { html, type SafeHtml } from './html.js';
import {
  APPROVAL_LEVEL_LABELS,
  type BilingualText,
  bilingual,
  expiryFact,
  type Fact,
  formatChinaTime,
  levelFact,
  PROCUREMENT_METHOD_LABELS,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
  TRANCHE_MILESTONE_LABELS,
} from './labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from './layout.js';

/** Longest comment a decision may carry; the handler enforces it too. */
export const COMMENT_MAX_LENGTH = 1000;

/** Names of the confirmation form's fields, shared with the handler that parses the POST. */
export const DECISION_FORM_FIELDS = { nonce: 'nonce', comment: 'comment', decision: 'decision' } as const;

// ---------------------------------------------------------------------------------------------
// Confirmation page (GET): the facts, and a form whose POST is the only way to decide.

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
}

/** Copies what the page shows, field by field: a whole HumanTask may be passed, its token is left behind. */
export function confirmationPageModel({
  purchaseId,
  proposal,
  task,
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
    attempt: task.attempt,
    assignee: { name: task.assignee.name, email: task.assignee.email, role: task.assignee.role },
    expiresAt: task.expiresAt,
    nonce: task.nonce,
  };
  if (proposal.justification !== undefined) model.proposal.justification = proposal.justification;
  return model;
}

function headCell(text: BilingualText, numeric = false): SafeHtml {
  return html`<th scope="col"${numeric ? html` class="num"` : ''}>${text.zh}<span class="en" lang="en">${text.en}</span></th>`;
}

function budgetTable(lines: readonly BudgetLine[]): SafeHtml {
  const rows = lines.map(
    (l) => html`<tr><td>${l.item}</td><td class="num">${formatYuan(l.amountFen)}</td></tr>
`,
  );
  const total = sumFen(lines.map((l) => l.amountFen));
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '支出项目', en: 'Item' })}${headCell({ zh: '金额', en: 'Amount' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
<tfoot><tr><th scope="row">合计 <span lang="en">Total</span></th><td class="num">${formatYuan(total)}</td></tr></tfoot>
</table></div>
`;
}

function staffTable(staff: readonly StaffLine[]): SafeHtml {
  if (staff.length === 0) {
    return html`${bilingualParagraphs({ zh: '本项目未列人员计划。', en: 'No staff plan is listed for this purchase.' })}`;
  }
  const rows = staff.map(
    (
      s,
    ) => html`<tr><td>${s.role}</td><td class="num">${s.headcount}</td><td class="num">${formatYuan(s.monthlySalaryFen)}</td><td class="num">${formatYuan(s.monthlySocialWelfareFen)}</td></tr>
`,
  );
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '岗位', en: 'Role' })}${headCell({ zh: '人数', en: 'Headcount' }, true)}${headCell({ zh: '每人月工资', en: 'Monthly salary each' }, true)}${headCell({ zh: '每人月社保福利', en: 'Monthly social welfare each' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function trancheTable(totalFen: number, tranches: readonly Tranche[]): SafeHtml {
  const amounts = splitByPercent(
    totalFen,
    tranches.map((t) => t.percent),
  );
  const rows = tranches.map((t, i) => {
    const label = TRANCHE_MILESTONE_LABELS[t.milestone];
    return html`<tr><td>${i + 1}</td><td>${label.zh}<span class="en" lang="en">${label.en}</span></td><td class="num">${t.percent}%</td><td class="num">${formatYuan(amounts[i] ?? 0)}</td></tr>
`;
  });
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '期次', en: 'No.' })}${headCell({ zh: '支付节点', en: 'Paid when' })}${headCell({ zh: '比例', en: 'Share' }, true)}${headCell({ zh: '金额', en: 'Amount' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

function assigneeText(assignee: Assignee, attempt: TaskAttempt): string {
  const acting = attempt === 'ESCALATION' ? '（代理审批 acting as deputy）' : '';
  return `${assignee.name} <${assignee.email}>${acting}`;
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
    { label: { zh: '审批人', en: 'Assigned to' }, value: assigneeText(model.assignee, model.attempt) },
    expiryFact(model.expiresAt),
  ];
  if (p.justification !== undefined) {
    facts.push({
      label: { zh: '超过12个月的理由', en: 'Justification for a term over 12 months' },
      value: p.justification,
    });
  }
  const body = html`${bilingualHeading('h1', { zh: `审批：${p.title}`, en: `Approval: ${p.title}` })}
${bilingualParagraphs({
  zh: `请以${level.zh}身份审阅以下政府购买服务项目，并在页面底部批准或驳回。提交之前不会记录任何决定。`,
  en: `Please review this purchase of services as ${level.en.toLowerCase()}, then approve or reject it at the bottom of the page. Nothing is recorded until you submit.`,
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '预算明细', en: 'Budget lines' })}
${budgetTable(p.budgetLines)}
${bilingualHeading('h2', { zh: '人员计划', en: 'Staff plan' })}
${staffTable(p.staffPlan)}
${bilingualHeading('h2', { zh: '分期支付', en: 'Tranche schedule' })}
${trancheTable(p.totalFen, p.trancheSchedule)}
<form method="POST" action="">
<input type="hidden" name="${DECISION_FORM_FIELDS.nonce}" value="${model.nonce}">
<label for="comment">审批意见<span class="en" lang="en">Comment</span></label>
<p class="help" id="comment-help">驳回时必须填写理由；批准时可不填。最多 ${COMMENT_MAX_LENGTH} 字。<span class="en" lang="en">Required when rejecting (give the reason); optional when approving. At most ${COMMENT_MAX_LENGTH} characters.</span></p>
<textarea id="comment" name="${DECISION_FORM_FIELDS.comment}" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="comment-help"></textarea>
<div class="actions">
<button type="submit" class="approve" name="${DECISION_FORM_FIELDS.decision}" value="${'APPROVE' satisfies Decision}">批准 <span lang="en">Approve</span></button>
<button type="submit" class="reject" name="${DECISION_FORM_FIELDS.decision}" value="${'REJECT' satisfies Decision}">驳回 <span lang="en">Reject</span></button>
</div>
<p class="help">决定提交后即生效，不能撤回；此链接的第一个决定为准。<span class="en" lang="en">A submitted decision takes effect at once and cannot be withdrawn; the first decision on this link is the one that counts.</span></p>
</form>
`;
  return renderPage(200, { zh: `审批：${p.title}`, en: `Approval: ${p.title}` }, body);
}

// ---------------------------------------------------------------------------------------------
// Decided page: right after a successful POST, and on any later visit to a decided link.

export interface DecidedPageModel {
  /** RECORDED right after this visitor's POST; ALREADY_DECIDED when the link was decided before. */
  variant: 'RECORDED' | 'ALREADY_DECIDED';
  title: string;
  level: ApprovalLevel;
  decision: Pick<RecordedDecision, 'decision' | 'by' | 'byName' | 'comment' | 'at'>;
}

export interface DecidedPageInput {
  variant: DecidedPageModel['variant'];
  title: string;
  level: ApprovalLevel;
  decision: RecordedDecision;
}

export function decidedPageModel({ variant, title, level, decision }: DecidedPageInput): DecidedPageModel {
  const { decision: outcome, by, byName, comment, at } = decision;
  return { variant, title, level, decision: { decision: outcome, by, byName, comment, at } };
}

const DECISION_LABELS: Readonly<Record<Decision, BilingualText>> = {
  APPROVE: { zh: '批准', en: 'Approved' },
  REJECT: { zh: '驳回', en: 'Rejected' },
  COUNTERSIGN: { zh: '会签', en: 'Countersigned' },
  REFUSE: { zh: '拒绝', en: 'Refused' },
  CONFIRM: { zh: '已确认', en: 'Confirmed' },
  PASS: { zh: '通过', en: 'Passed' },
  RECTIFY: { zh: '限期整改', en: 'Rectification required' },
  TERMINATE: { zh: '终止', en: 'Terminated' },
  EXTEND: { zh: '延期', en: 'Extended' },
  SUBMIT: { zh: '已提交', en: 'Submitted' },
};

export function decidedPage(model: DecidedPageModel): HtmlPage {
  const d = model.decision;
  const decided = DECISION_LABELS[d.decision];
  const heading: BilingualText =
    model.variant === 'RECORDED'
      ? { zh: '您的决定已记录', en: 'Your decision has been recorded' }
      : { zh: `此审批已由 ${d.byName} 作出决定`, en: `This approval was already decided by ${d.byName}` };
  const lead: BilingualText =
    model.variant === 'RECORDED'
      ? {
          zh: '感谢您的审批。流程将自动继续，您无需再做任何操作。',
          en: 'Thank you. The workflow continues on its own; there is nothing more for you to do.',
        }
      : {
          zh: '此链接的决定已经作出，不能再更改。以下是已记录的决定。',
          en: 'This link has already been used to decide and cannot be used again. Below is the recorded decision.',
        };
  const facts: Fact[] = [
    { label: { zh: '项目名称', en: 'Title' }, value: model.title },
    levelFact(model.level),
    { label: { zh: '决定', en: 'Decision' }, value: bilingual(decided) },
    { label: { zh: '决定人', en: 'Decided by' }, value: `${d.byName} <${d.by}>` },
    { label: { zh: '决定时间', en: 'Decided at' }, value: formatChinaTime(d.at) },
    { label: { zh: '审批意见', en: 'Comment' }, value: d.comment || '（无）(none)' },
  ];
  const body = html`${bilingualHeading('h1', heading)}
<div class="status">
${bilingualParagraphs(lead)}</div>
${factsTable(facts)}`;
  return renderPage(200, heading, body);
}
