import type { BilingualText } from '../../domain/bilingual.js';
import { chinaCalendarDate, DAY_MS } from '../../domain/china-time.js';
import { CRITERION_LABELS, formatTotal, GRADE_LABELS, GRADES, type Grade } from '../../domain/evaluation.js';
import type { EvaluationCriterion, RubricLine } from '../../domain/lifecycle-settings.js';
import { type Fen, formatYuan, splitByPercent, sumFen } from '../../domain/money.js';
import type { ApprovalLevel } from '../../domain/policy-settings.js';
import type {
  BudgetLine,
  ProcurementMethod,
  Proposal,
  StaffLine,
  Tranche,
  TrancheMilestone,
} from '../../domain/proposal.js';
import type {
  Assignee,
  Decision,
  HumanTask,
  RecordedDecision,
  TaskAttempt,
  TaskPurpose,
} from '../../domain/tasks.js';
import { html, type SafeHtml } from '../html.js';
import {
  APPROVAL_LEVEL_LABELS,
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
} from '../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from './layout.js';

/** Longest comment a decision may carry; the handler enforces it too. */
export const COMMENT_MAX_LENGTH = 1000;

/** Names of the confirmation form's fields, shared with the handler that parses the POST. */
export const DECISION_FORM_FIELDS = {
  nonce: 'nonce',
  comment: 'comment',
  decision: 'decision',
  reference: 'reference',
  /** EVALUATION: the declaration-of-independence checkbox; its value is DECLARE_VALUE. */
  declare: 'declare',
} as const;

/** The value the ticked declaration checkbox posts. */
export const DECLARE_VALUE = '1';

/** EVALUATION: the form field of a criterion's score, `score_<CRITERION>`. */
export const SCORE_FIELD_PREFIX = 'score_';

export function scoreField(criterion: EvaluationCriterion): string {
  return `${SCORE_FIELD_PREFIX}${criterion}`;
}

/** A bank transaction reference as finance types it: 4-64 letters, digits, '-', '_' or '/'. */
export const PAYMENT_REFERENCE_PATTERN = /^[A-Za-z0-9_/-]{4,64}$/;
/** The same rule for the input's `pattern` attribute (browsers compile it with the `v` flag). */
export const PAYMENT_REFERENCE_HTML_PATTERN = '[A-Za-z0-9_\\/\\-]{4,64}';

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

/** The assignee line; an escalated task says its assignee acts for the one who did not answer. */
function assigneeText(assignee: Assignee, attempt: TaskAttempt, acting = '代理'): string {
  const deputy = attempt === 'ESCALATION' ? `（${acting} acting as deputy）` : '';
  return `${assignee.name} <${assignee.email}>${deputy}`;
}

function assigneeFact(assignee: Assignee, attempt: TaskAttempt, label: BilingualText, acting?: string): Fact {
  return { label, value: assigneeText(assignee, attempt, acting) };
}

/** What every confirmation page copies from its task: who, until when, and the form's nonce. */
export interface PendingTaskFacts {
  attempt: TaskAttempt;
  assignee: Assignee;
  expiresAt: string;
  /** Per-task secret echoed back by the form; a POST without it changes nothing. */
  nonce: string;
}

function pendingTaskFacts(
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce'>,
): PendingTaskFacts {
  return {
    attempt: task.attempt,
    assignee: { name: task.assignee.name, email: task.assignee.email, role: task.assignee.role },
    expiresAt: task.expiresAt,
    nonce: task.nonce,
  };
}

interface FormButton {
  decision: Decision;
  label: BilingualText;
  tone: 'approve' | 'reject';
}

interface DecisionFormSpec {
  nonce: string;
  /** The optional (or, for some buttons, required) comment box. */
  comment?: { label: BilingualText; help: BilingualText };
  /** The bank transaction reference input of a payment confirmation. */
  reference?: boolean;
  buttons: readonly FormButton[];
}

const INPUT_STYLE =
  'display:block;width:100%;margin:8px 0 16px;padding:10px;font:inherit;border:1px solid #8c959f;border-radius:6px';

/** The one POST form of a confirmation page: nonce, the fields the purpose needs, its buttons. */
function decisionForm(spec: DecisionFormSpec): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  const comment =
    spec.comment &&
    html`<label for="comment">${spec.comment.label.zh}<span class="en" lang="en">${spec.comment.label.en}</span></label>
<p class="help" id="comment-help">${spec.comment.help.zh}<span class="en" lang="en">${spec.comment.help.en}</span></p>
<textarea id="comment" name="${f.comment}" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="comment-help"></textarea>
`;
  const reference =
    spec.reference &&
    html`<label for="reference">银行交易流水号<span class="en" lang="en">Bank transaction reference</span></label>
<p class="help" id="reference-help">必填，4–64 个字符：字母、数字、“-”“_”“/”。<span class="en" lang="en">Required: 4-64 characters, letters, digits, '-', '_' or '/'.</span></p>
<input type="text" id="reference" name="${f.reference}" required minlength="4" maxlength="64" pattern="${PAYMENT_REFERENCE_HTML_PATTERN}" autocomplete="off" spellcheck="false" aria-describedby="reference-help" style="${INPUT_STYLE}">
`;
  const buttons = spec.buttons.map(
    (b) =>
      html`<button type="submit" class="${b.tone}" name="${f.decision}" value="${b.decision}">${b.label.zh} <span lang="en">${b.label.en}</span></button>
`,
  );
  return html`<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${spec.nonce}">
${comment}${reference}<div class="actions">
${buttons}</div>
<p class="help">决定提交后即生效，不能撤回；此链接的第一个决定为准。<span class="en" lang="en">A submitted decision takes effect at once and cannot be withdrawn; the first decision on this link is the one that counts.</span></p>
</form>
`;
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
${decisionForm({
  nonce: model.nonce,
  comment: {
    label: { zh: '审批意见', en: 'Comment' },
    help: {
      zh: `驳回时必须填写理由；批准时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when rejecting (give the reason); optional when approving. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons: [
    { decision: 'APPROVE', label: { zh: '批准', en: 'Approve' }, tone: 'approve' },
    { decision: 'REJECT', label: { zh: '驳回', en: 'Reject' }, tone: 'reject' },
  ],
})}`;
  return renderPage(200, { zh: `审批：${p.title}`, en: `Approval: ${p.title}` }, body);
}

// ---------------------------------------------------------------------------------------------
// Countersignature page (GET): the section chief countersigns the contract the NGO signed.

export interface CountersignPageModel extends PendingTaskFacts {
  proposal: ProposalSummary;
  /** Which signed upload this is: 1, then +1 after every refusal (from the task's context). */
  round?: string;
  level?: ApprovalLevel;
  /** Short-lived presigned GET of the signed file the NGO uploaded; the page's only link. */
  documentUrl?: string;
}

export interface CountersignPageInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context' | 'level'>;
  documentUrl?: string;
}

/** Only a web address becomes a link; anything else (a bug upstream) is left out rather than rendered. */
function isWebLink(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^\s"'<>]+$/.test(url);
}

export function countersignPageModel({
  purchaseId,
  proposal,
  task,
  documentUrl,
}: CountersignPageInput): CountersignPageModel {
  const model: CountersignPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
  };
  const round = task.context?.round;
  if (round !== undefined) model.round = String(round);
  if (task.level !== undefined) model.level = task.level;
  if (isWebLink(documentUrl)) model.documentUrl = documentUrl;
  return model;
}

/** `第 2 轮 Round 2`, or `第 2 轮（共 3 轮） Round 2 of 3` when the last round is known. */
function roundFact(label: BilingualText, round: string, maxRounds?: string): Fact {
  const value =
    maxRounds === undefined
      ? `第 ${round} 轮 Round ${round}`
      : `第 ${round} 轮（共 ${maxRounds} 轮） Round ${round} of ${maxRounds}`;
  return { label, value };
}

/** What a review page calls the file under review: its link, and what it says when it has none. */
interface ReviewedDocumentWording {
  open: BilingualText;
  missing: BilingualText;
}

const SIGNED_CONTRACT_WORDING: ReviewedDocumentWording = {
  open: { zh: '打开承接机构上传的已签署合同', en: 'Open the signed contract the NGO uploaded' },
  missing: {
    zh: '暂时无法显示承接机构上传的已签署文件。请稍后刷新本页面，或联系经办人。',
    en: 'The signed file the NGO uploaded cannot be shown right now. Reload this page later, or contact the officer.',
  },
};

const MIDTERM_REPORT_WORDING: ReviewedDocumentWording = {
  open: { zh: '打开承接机构提交的中期报告', en: 'Open the mid-term report the NGO submitted' },
  missing: {
    zh: '暂时无法显示承接机构提交的中期报告。请稍后刷新本页面，或联系经办人。',
    en: 'The mid-term report the NGO submitted cannot be shown right now. Reload this page later, or contact the officer.',
  },
};

/** The page's only link: a short-lived presigned GET of the file under review, or a notice without one. */
function reviewedDocument(url: string | undefined, wording: ReviewedDocumentWording): SafeHtml {
  if (!isWebLink(url)) {
    return html`<div class="notice">
${bilingualParagraphs(wording.missing)}</div>
`;
  }
  return html`<p><a href="${url}" rel="noreferrer">${wording.open.zh}<span class="en" lang="en">${wording.open.en}</span></a></p>
${bilingualParagraphs({
  zh: '文件链接仅在短时间内有效；如已失效，请刷新本页面。',
  en: 'The file link works for a short time only; if it has stopped working, reload this page.',
})}`;
}

export function countersignPage(model: CountersignPageModel): HtmlPage {
  const p = model.proposal;
  const facts: Fact[] = [...proposalFacts(p)];
  if (model.round !== undefined) facts.push(roundFact({ zh: '签署轮次', en: 'Round' }, model.round));
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push(
    assigneeFact(model.assignee, model.attempt, { zh: '会签人', en: 'Assigned to' }, '代理会签'),
    expiryFact(model.expiresAt),
  );
  const title = { zh: `会签合同：${p.title}`, en: `Countersign the contract: ${p.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '承接机构已签署并上传本项目的服务合同。请核对已签署的文件，然后会签；如需修改，请退回并写明需要修改的内容，承接机构将修改后重新上传。提交之前不会记录任何决定。',
  en: 'The NGO has signed and uploaded the service contract of this purchase. Check the signed file, then countersign it; if something must change, refuse it and say what to fix, and the NGO uploads it again. Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '已签署合同', en: 'Signed contract' })}
${reviewedDocument(model.documentUrl, SIGNED_CONTRACT_WORDING)}${decisionForm({
  nonce: model.nonce,
  comment: {
    label: { zh: '会签意见', en: 'Comment' },
    help: {
      zh: `退回时必须写明需要修改的内容（将转告承接机构）；会签时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when refusing: say what the NGO must fix (it is passed on to them); optional when countersigning. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons: [
    { decision: 'COUNTERSIGN', label: { zh: '会签', en: 'Countersign' }, tone: 'approve' },
    { decision: 'REFUSE', label: { zh: '退回', en: 'Refuse' }, tone: 'reject' },
  ],
})}`;
  return renderPage(200, title, body);
}

// ---------------------------------------------------------------------------------------------
// Mid-term review page (GET): the section chief passes the NGO's mid-term report, asks for a
// rectification round, or terminates the purchase.

/** A positive whole number from a task's context, or undefined when it holds anything else. */
function roundNumber(value: string | number | undefined): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * Whether a mid-term review may still ask for rectification: only while its round
 * (`context.round`, 1 for the first report) is below the last one (`context.maxRounds`).
 * A context lacking either offers no rectification: the round limit is a policy rule, not a default.
 */
export function rectificationAllowed(context: HumanTask['context']): boolean {
  const round = roundNumber(context?.round);
  const maxRounds = roundNumber(context?.maxRounds);
  return round !== undefined && maxRounds !== undefined && round < maxRounds;
}

export interface MidtermReviewPageModel extends PendingTaskFacts {
  proposal: ProposalSummary;
  /** Which report this is: 1, then +1 after every rectification (from the task's context). */
  round?: string;
  /** The last round there may be (from the task's context). */
  maxRounds?: string;
  /** Whether the Rectify button is offered (rectificationAllowed). */
  rectifiable: boolean;
  level?: ApprovalLevel;
  /** Short-lived presigned GET of the report the NGO submitted; the page's only link. */
  documentUrl?: string;
}

export interface MidtermReviewPageInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context' | 'level'>;
  documentUrl?: string;
}

export function midtermReviewPageModel({
  purchaseId,
  proposal,
  task,
  documentUrl,
}: MidtermReviewPageInput): MidtermReviewPageModel {
  const model: MidtermReviewPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
    rectifiable: rectificationAllowed(task.context),
  };
  const { round, maxRounds } = task.context ?? {};
  if (round !== undefined) model.round = String(round);
  if (maxRounds !== undefined) model.maxRounds = String(maxRounds);
  if (task.level !== undefined) model.level = task.level;
  if (isWebLink(documentUrl)) model.documentUrl = documentUrl;
  return model;
}

/** What each decision of a page does, listed above its buttons so nobody learns it by clicking. */
function consequences(items: readonly BilingualText[]): SafeHtml {
  const rows = items.map(
    (i) => html`<li>${i.zh}<span class="en" lang="en">${i.en}</span></li>
`,
  );
  return html`<ul>
${rows}</ul>
`;
}

const TERMINATE_CONSEQUENCE: BilingualText = {
  zh: '终止：项目终止，剩余各期款项取消，未支付的预算额度释放。必须写明终止理由。',
  en: 'Terminate: the purchase ends, the remaining tranches are cancelled and the unpaid budget is released. The reason is required.',
};

const TERMINATE_BUTTON: FormButton = {
  decision: 'TERMINATE',
  label: { zh: '终止', en: 'Terminate' },
  tone: 'reject',
};

export function midtermReviewPage(model: MidtermReviewPageModel): HtmlPage {
  const p = model.proposal;
  const facts: Fact[] = [...proposalFacts(p)];
  if (model.round !== undefined)
    facts.push(roundFact({ zh: '报告轮次', en: 'Report round' }, model.round, model.maxRounds));
  else if (model.maxRounds !== undefined)
    facts.push({ label: { zh: '最多轮次', en: 'Rounds at most' }, value: model.maxRounds });
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push(
    assigneeFact(model.assignee, model.attempt, { zh: '评审人', en: 'Assigned to' }, '代理评审'),
    expiryFact(model.expiresAt),
  );
  const outcomes: BilingualText[] = [
    {
      zh: '通过：中期评审通过，第二期款项随即到期，将通知财务支付。',
      en: 'Pass: the mid-term review passes; the second tranche becomes due and finance is told to pay it.',
    },
  ];
  if (model.rectifiable)
    outcomes.push({
      zh: '整改：承接机构须按您的意见整改后重新提交中期报告。必须写明需要整改的内容（将转告承接机构）。',
      en: 'Rectify: the NGO must fix what you name and submit the mid-term report again. Say what to fix (it is passed on to them).',
    });
  outcomes.push(TERMINATE_CONSEQUENCE);
  const lastRound =
    !model.rectifiable &&
    html`<div class="notice">
${bilingualParagraphs({
  zh: '已是最后一轮，不能再要求整改：请选择通过或终止。',
  en: 'This is the last round: rectification can no longer be asked for. Pass the report or terminate the purchase.',
})}</div>
`;
  const buttons: FormButton[] = [{ decision: 'PASS', label: { zh: '通过', en: 'Pass' }, tone: 'approve' }];
  if (model.rectifiable)
    buttons.push({ decision: 'RECTIFY', label: { zh: '整改', en: 'Rectify' }, tone: 'reject' });
  buttons.push(TERMINATE_BUTTON);
  const title = { zh: `中期评审：${p.title}`, en: `Mid-term review: ${p.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '承接机构已提交本项目的中期报告。请审阅报告，然后在页面底部作出决定。提交之前不会记录任何决定。',
  en: 'The NGO has submitted the mid-term report of this purchase. Read the report, then decide at the bottom of the page. Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '中期报告', en: 'Mid-term report' })}
${reviewedDocument(model.documentUrl, MIDTERM_REPORT_WORDING)}${bilingualHeading('h2', { zh: '评审决定', en: 'Decision' })}
${consequences(outcomes)}${lastRound}${decisionForm({
  nonce: model.nonce,
  comment: {
    label: { zh: '评审意见', en: 'Comment' },
    help: {
      zh: `要求整改时必须写明需要整改的内容，终止时必须写明理由；通过时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when asking for rectification (what to fix) or terminating (the reason); optional when passing. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons,
})}`;
  return renderPage(200, title, body);
}

// ---------------------------------------------------------------------------------------------
// Late report page (GET): the mid-term report did not arrive by its due date plus the grace
// period; the officer gives the NGO another grace period or terminates the purchase.

export interface LateReportPageModel extends PendingTaskFacts {
  proposal: ProposalSummary;
  /** China date the report was due (from the task's context). */
  dueDate?: string;
  /** Whole days from the due date to today in China; left out when the due date is not a date. */
  daysLate?: number;
  round?: string;
  level?: ApprovalLevel;
}

export interface LateReportPageInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context' | 'level'>;
  /** The instant the page is shown: days late are counted to it, not to when the task was opened. */
  now: string;
}

/** Days from a `YYYY-MM-DD` due date to the China date of `now`; undefined for anything else or a future date. */
function daysAfter(dueDate: string, now: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return undefined;
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  const today = Date.parse(`${chinaCalendarDate(now)}T00:00:00Z`);
  if (Number.isNaN(due)) return undefined;
  const days = Math.round((today - due) / DAY_MS);
  return days >= 0 ? days : undefined;
}

export function lateReportPageModel({
  purchaseId,
  proposal,
  task,
  now,
}: LateReportPageInput): LateReportPageModel {
  const model: LateReportPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
  };
  const { dueDate, round } = task.context ?? {};
  if (dueDate !== undefined) {
    model.dueDate = String(dueDate);
    const days = daysAfter(model.dueDate, now);
    if (days !== undefined) model.daysLate = days;
  }
  if (round !== undefined) model.round = String(round);
  if (task.level !== undefined) model.level = task.level;
  return model;
}

export function lateReportPage(model: LateReportPageModel): HtmlPage {
  const p = model.proposal;
  const facts: Fact[] = [...proposalFacts(p)];
  if (model.dueDate !== undefined)
    facts.push({ label: { zh: '报告截止日期', en: 'Report due' }, value: model.dueDate });
  if (model.daysLate !== undefined)
    facts.push({
      label: { zh: '逾期天数', en: 'Days late' },
      value: `${model.daysLate} 天 ${model.daysLate} ${model.daysLate === 1 ? 'day' : 'days'}`,
    });
  if (model.round !== undefined) facts.push(roundFact({ zh: '报告轮次', en: 'Report round' }, model.round));
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push(
    assigneeFact(model.assignee, model.attempt, { zh: '处理人', en: 'Assigned to' }, '代理处理'),
    expiryFact(model.expiresAt),
  );
  const title = { zh: `中期报告逾期：${p.title}`, en: `Mid-term report overdue: ${p.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '承接机构未在截止日期及宽限期内提交本项目的中期报告。请决定延期或终止项目。提交之前不会记录任何决定。',
  en: 'The NGO did not submit the mid-term report of this purchase by its due date or within the grace period. Decide whether to extend or to terminate the purchase. Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '处理决定', en: 'Decision' })}
${consequences([
  {
    zh: '延期：再给承接机构一个宽限期提交中期报告。意见可不填；填写的内容将转告承接机构。',
    en: 'Extend: the NGO gets another grace period to submit the mid-term report. The comment is optional; what you write is passed on to them.',
  },
  TERMINATE_CONSEQUENCE,
])}${decisionForm({
  nonce: model.nonce,
  comment: {
    label: { zh: '处理意见', en: 'Comment' },
    help: {
      zh: `终止时必须写明理由；延期时可不填。最多 ${COMMENT_MAX_LENGTH} 字。`,
      en: `Required when terminating (the reason); optional when extending. At most ${COMMENT_MAX_LENGTH} characters.`,
    },
  },
  buttons: [{ decision: 'EXTEND', label: { zh: '延期', en: 'Extend' }, tone: 'approve' }, TERMINATE_BUTTON],
})}`;
  return renderPage(200, title, body);
}

// ---------------------------------------------------------------------------------------------
// Payment confirmation page (GET): finance confirms a tranche was paid, with the bank reference.

export interface PaymentConfirmationPageModel extends PendingTaskFacts {
  purchaseId: string;
  title: string;
  payee: { name: string; creditCode: string };
  /** From the task's context; each is left out when the context lacks it. */
  tranche?: string;
  milestone?: string;
  amountFen?: Fen;
  dueDate?: string;
}

export interface PaymentConfirmationPageInput {
  purchaseId: string;
  proposal: Pick<Proposal, 'title' | 'ngo'>;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context'>;
}

function milestoneText(value: string | number): string {
  const code = String(value);
  const label = Object.hasOwn(TRANCHE_MILESTONE_LABELS, code)
    ? TRANCHE_MILESTONE_LABELS[code as TrancheMilestone]
    : undefined;
  return label ? bilingual(label) : code;
}

export function paymentConfirmationPageModel({
  purchaseId,
  proposal,
  task,
}: PaymentConfirmationPageInput): PaymentConfirmationPageModel {
  const model: PaymentConfirmationPageModel = {
    purchaseId,
    title: proposal.title,
    payee: { name: proposal.ngo.name, creditCode: proposal.ngo.creditCode },
    ...pendingTaskFacts(task),
  };
  const { tranche, milestone, amountFen, dueDate } = task.context ?? {};
  if (tranche !== undefined) model.tranche = String(tranche);
  if (milestone !== undefined) model.milestone = milestoneText(milestone);
  const fen = Number(amountFen);
  if (amountFen !== undefined && Number.isSafeInteger(fen) && fen >= 0) model.amountFen = fen;
  if (dueDate !== undefined) model.dueDate = String(dueDate);
  return model;
}

export function paymentConfirmationPage(model: PaymentConfirmationPageModel): HtmlPage {
  const facts: Fact[] = [
    { label: { zh: '项目名称', en: 'Title' }, value: model.title },
    { label: { zh: '项目编号', en: 'Purchase reference' }, value: model.purchaseId },
    { label: { zh: '收款单位', en: 'Payee' }, value: model.payee.name },
    { label: { zh: '统一社会信用代码', en: 'Unified social credit code' }, value: model.payee.creditCode },
  ];
  if (model.tranche !== undefined)
    facts.push({
      label: { zh: '付款批次', en: 'Tranche' },
      value: `第 ${model.tranche} 笔 Tranche ${model.tranche}`,
    });
  if (model.milestone !== undefined)
    facts.push({ label: { zh: '支付节点', en: 'Paid when' }, value: model.milestone });
  if (model.amountFen !== undefined)
    facts.push({ label: { zh: '付款金额', en: 'Amount' }, value: formatYuan(model.amountFen) });
  if (model.dueDate !== undefined)
    facts.push({ label: { zh: '付款期限', en: 'Due by' }, value: model.dueDate });
  facts.push(
    assigneeFact(model.assignee, model.attempt, { zh: '确认人', en: 'Assigned to' }),
    expiryFact(model.expiresAt),
  );
  const title = { zh: `确认付款：${model.title}`, en: `Confirm payment: ${model.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '款项实际支付后，请填写银行交易流水号并确认已付款。提交之前不会记录任何内容。',
  en: 'Once the money has actually been paid, enter the bank transaction reference and confirm the payment. Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '付款信息', en: 'Payment' })}
${factsTable(facts)}
${decisionForm({
  nonce: model.nonce,
  reference: true,
  buttons: [
    { decision: 'CONFIRM', label: { zh: '确认已付款', en: 'Confirm payment made' }, tone: 'approve' },
  ],
})}`;
  return renderPage(200, title, body);
}

// ---------------------------------------------------------------------------------------------
// Evaluation page (GET): the third-party agency first declares it is independent of the NGO and
// the bureau; only then does the same link show the reports and the rubric to score.

/** A report the evaluator reads: a short-lived presigned GET. */
export interface EvaluationDocument {
  kind: 'FINAL_REPORT' | 'MIDTERM_REPORT';
  url: string;
}

export interface EvaluationPageModel extends PendingTaskFacts {
  proposal: ProposalSummary;
  purchasingUnit: string;
  /** DECLARE until the agency has declared independence; SCORE after. */
  phase: 'DECLARE' | 'SCORE';
  declaredAt?: string;
  /** Only in the SCORE phase: the file is never shown before the declaration. */
  documents: EvaluationDocument[];
  rubric: RubricLine[];
}

export interface EvaluationPageInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'declaredAt'>;
  rubric: readonly RubricLine[];
  /** The reports under evaluation; dropped while the task is undeclared. */
  documents?: readonly { kind: string; url: string }[];
}

const EVALUATED_DOCUMENT_ORDER = ['FINAL_REPORT', 'MIDTERM_REPORT'] as const;

export function evaluationPageModel({
  purchaseId,
  proposal,
  task,
  rubric,
  documents = [],
}: EvaluationPageInput): EvaluationPageModel {
  const declared = task.declaredAt !== undefined;
  const model: EvaluationPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    purchasingUnit: proposal.purchasingUnit,
    ...pendingTaskFacts(task),
    phase: declared ? 'SCORE' : 'DECLARE',
    documents: [],
    rubric: rubric.map(({ criterion, weight }) => ({ criterion, weight })),
  };
  if (task.declaredAt !== undefined) model.declaredAt = task.declaredAt;
  if (declared) {
    for (const kind of EVALUATED_DOCUMENT_ORDER) {
      const url = documents.find((d) => d.kind === kind)?.url;
      if (isWebLink(url)) model.documents.push({ kind, url });
    }
  }
  return model;
}

const EVALUATION_DOCUMENT_WORDING: Readonly<Record<EvaluationDocument['kind'], BilingualText>> = {
  FINAL_REPORT: { zh: '打开承接机构提交的结项报告', en: 'Open the final report the NGO submitted' },
  MIDTERM_REPORT: { zh: '打开承接机构提交的中期报告', en: 'Open the mid-term report the NGO submitted' },
};

/** The declaration of independence, naming the NGO and the bureau it is made towards. */
export function independenceDeclaration(model: {
  proposal: Pick<ProposalSummary, 'ngoName' | 'ngoCreditCode'>;
  purchasingUnit: string;
}): BilingualText {
  const { ngoName, ngoCreditCode } = model.proposal;
  return {
    zh: `本机构郑重声明：本机构及参与本次评估的人员与承接机构${ngoName}（统一社会信用代码 ${ngoCreditCode}）及采购单位${model.purchasingUnit}之间不存在任何财务、亲属、雇佣或咨询关系；评估过程中如出现任何利益冲突，将立即报告采购单位并停止评估。`,
    en: `We declare that neither our agency nor anyone taking part in this evaluation has any financial, family, employment or advisory relationship with the NGO ${ngoName} (unified social credit code ${ngoCreditCode}) or with the purchasing bureau ${model.purchasingUnit}, and that we will report any conflict of interest that arises during the evaluation to the bureau at once and stop evaluating.`,
  };
}

function declarationForm(model: EvaluationPageModel): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  const text = independenceDeclaration(model);
  return html`<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${model.nonce}">
<div class="notice">
${bilingualParagraphs(text)}</div>
<p><label><input type="checkbox" name="${f.declare}" value="${DECLARE_VALUE}" required> 本机构确认以上声明属实。<span class="en" lang="en">We confirm the declaration above is true.</span></label></p>
<div class="actions">
<button type="submit" class="approve">声明无利益冲突 <span lang="en">Declare independence</span></button>
</div>
<p class="help">声明提交后即记录在案，不能撤回；如存在利益冲突，请勿声明，并联系采购单位。<span class="en" lang="en">A declaration is recorded at once and cannot be withdrawn. If there is a conflict of interest, do not declare: contact the bureau instead.</span></p>
</form>
`;
}

function scoreInputs(rubric: readonly RubricLine[]): SafeHtml {
  return html`${rubric.map(({ criterion, weight }) => {
    const label = CRITERION_LABELS[criterion];
    const id = scoreField(criterion);
    return html`<label for="${id}">${label.zh}（权重 ${weight}%）<span class="en" lang="en">${label.en} (weight ${weight}%)</span></label>
<input type="number" id="${id}" name="${id}" min="0" max="100" step="0.1" required inputmode="decimal" autocomplete="off" style="${INPUT_STYLE}">
`;
  })}`;
}

function scoringForm(model: EvaluationPageModel): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  return html`<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${model.nonce}">
${scoreInputs(model.rubric)}<label for="comment">评估意见<span class="en" lang="en">Comment</span></label>
<p class="help" id="comment-help">可不填。最多 ${COMMENT_MAX_LENGTH} 字。<span class="en" lang="en">Optional. At most ${COMMENT_MAX_LENGTH} characters.</span></p>
<textarea id="comment" name="${f.comment}" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="comment-help"></textarea>
<div class="actions">
<button type="submit" class="approve" name="${f.decision}" value="SUBMIT">提交评分 <span lang="en">Submit scores</span></button>
</div>
<p class="help">评分提交后即生效，不能撤回；总分和等级由系统按权重计算。<span class="en" lang="en">Submitted scores take effect at once and cannot be withdrawn; the system computes the weighted total and the grade.</span></p>
</form>
`;
}

function evaluationDocuments(documents: readonly EvaluationDocument[]): SafeHtml {
  if (documents.length === 0) {
    return html`<div class="notice">
${bilingualParagraphs({
  zh: '暂时无法显示承接机构提交的报告。请稍后刷新本页面，或联系采购单位。',
  en: 'The reports the NGO submitted cannot be shown right now. Reload this page later, or contact the bureau.',
})}</div>
`;
  }
  const links = documents.map((d) => {
    const wording = EVALUATION_DOCUMENT_WORDING[d.kind];
    return html`<p><a href="${d.url}" rel="noreferrer">${wording.zh}<span class="en" lang="en">${wording.en}</span></a></p>
`;
  });
  return html`${links}${bilingualParagraphs({
    zh: '文件链接仅在短时间内有效；如已失效，请刷新本页面。',
    en: 'The file links work for a short time only; if they have stopped working, reload this page.',
  })}`;
}

export function evaluationPage(model: EvaluationPageModel): HtmlPage {
  const p = model.proposal;
  const facts: Fact[] = [
    ...proposalFacts(p),
    { label: { zh: '采购单位', en: 'Purchasing unit' }, value: model.purchasingUnit },
    assigneeFact(model.assignee, model.attempt, { zh: '评估机构', en: 'Evaluation agency' }),
  ];
  if (model.declaredAt !== undefined)
    facts.push({
      label: { zh: '独立性声明时间', en: 'Independence declared' },
      value: formatChinaTime(model.declaredAt),
    });
  facts.push(expiryFact(model.expiresAt));
  const title = { zh: `第三方评估：${p.title}`, en: `Third-party evaluation: ${p.title}` };
  const body =
    model.phase === 'DECLARE'
      ? html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '贵机构受邀对以下政府购买服务项目进行第三方评估。查阅项目报告之前，请先声明与承接机构及采购单位之间不存在利益冲突。声明之后，本页面将显示项目报告和评分表。',
  en: 'Your agency is invited to evaluate the purchase of services below. Before the project reports are shown, declare that you have no conflict of interest with the NGO or the bureau. After the declaration this page shows the reports and the scoring rubric.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '独立性声明', en: 'Declaration of independence' })}
${declarationForm(model)}`
      : html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '请审阅承接机构的报告，然后按评分表为每一项打分（0–100 分，可保留一位小数）。提交之前不会记录任何评分。',
  en: 'Read the NGO’s reports, then score each criterion of the rubric (0-100, at most one decimal). Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '项目报告', en: 'Reports' })}
${evaluationDocuments(model.documents)}${bilingualHeading('h2', { zh: '评分', en: 'Scores' })}
${scoringForm(model)}`;
  return renderPage(200, title, body);
}

// ---------------------------------------------------------------------------------------------
// Decided page: right after a successful POST, and on any later visit to a decided link.

export interface DecidedPageModel {
  /** RECORDED right after this visitor's POST; ALREADY_DECIDED when the link was decided before. */
  variant: 'RECORDED' | 'ALREADY_DECIDED';
  title: string;
  purpose: TaskPurpose;
  level?: ApprovalLevel;
  decision: Pick<RecordedDecision, 'decision' | 'by' | 'byName' | 'comment' | 'at'> & {
    /** The bank transaction reference of a CONFIRM. */
    reference?: string;
    /** The scores, weighted total and grade of an evaluation's SUBMIT. */
    evaluation?: SubmittedEvaluation;
  };
}

export interface SubmittedEvaluation {
  /** Each criterion's score as submitted, in the decision's order. */
  scores: { criterion: EvaluationCriterion; score: number }[];
  /** The weighted total, `89.9`. */
  total: string;
  grade: Grade;
}

/** The evaluation a SUBMIT recorded in its data ({ scores, totalTenths, grade }); undefined when it holds none. */
function submittedEvaluation(data: Record<string, unknown> | undefined): SubmittedEvaluation | undefined {
  const { scores, totalTenths, grade } = data ?? {};
  if (typeof totalTenths !== 'number' || !Number.isSafeInteger(totalTenths)) return undefined;
  if (typeof grade !== 'string' || !(GRADES as readonly string[]).includes(grade)) return undefined;
  const scored: SubmittedEvaluation['scores'] = [];
  if (typeof scores === 'object' && scores !== null) {
    for (const [criterion, score] of Object.entries(scores)) {
      if (Object.hasOwn(CRITERION_LABELS, criterion) && typeof score === 'number')
        scored.push({ criterion: criterion as EvaluationCriterion, score });
    }
  }
  return { scores: scored, total: formatTotal(totalTenths), grade: grade as Grade };
}

export interface DecidedPageInput {
  variant: DecidedPageModel['variant'];
  title: string;
  /** @default 'APPROVAL' */
  purpose?: TaskPurpose;
  level?: ApprovalLevel;
  decision: RecordedDecision;
}

export function decidedPageModel({
  variant,
  title,
  purpose = 'APPROVAL',
  level,
  decision,
}: DecidedPageInput): DecidedPageModel {
  const { decision: outcome, by, byName, comment, at } = decision;
  const model: DecidedPageModel = {
    variant,
    title,
    purpose,
    decision: { decision: outcome, by, byName, comment, at },
  };
  if (level !== undefined) model.level = level;
  const reference = decision.data?.reference;
  if (outcome === 'CONFIRM' && typeof reference === 'string') model.decision.reference = reference;
  const evaluation = outcome === 'SUBMIT' ? submittedEvaluation(decision.data) : undefined;
  if (evaluation) model.decision.evaluation = evaluation;
  return model;
}

const DECISION_LABELS: Readonly<Record<Decision, BilingualText>> = {
  APPROVE: { zh: '批准', en: 'Approved' },
  REJECT: { zh: '驳回', en: 'Rejected' },
  COUNTERSIGN: { zh: '会签', en: 'Countersigned' },
  REFUSE: { zh: '退回', en: 'Refused' },
  CONFIRM: { zh: '已确认付款', en: 'Payment confirmed' },
  PASS: { zh: '通过', en: 'Passed' },
  RECTIFY: { zh: '限期整改', en: 'Rectification required' },
  TERMINATE: { zh: '终止', en: 'Terminated' },
  EXTEND: { zh: '延期', en: 'Extended' },
  SUBMIT: { zh: '已提交', en: 'Submitted' },
};

/** What the decided page calls the task, and what it says happens next. */
const DECIDED_WORDING: Readonly<
  Record<TaskPurpose, { task: BilingualText; comment: BilingualText; thanks: BilingualText }>
> = {
  APPROVAL: {
    task: { zh: '审批', en: 'approval' },
    comment: { zh: '审批意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的审批。流程将自动继续，您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own; there is nothing more for you to do.',
    },
  },
  COUNTERSIGN: {
    task: { zh: '合同会签', en: 'countersignature' },
    comment: { zh: '会签意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的处理。流程将自动继续（退回时将通知承接机构修改后重新上传），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after a refusal the NGO is asked to fix and upload again); there is nothing more for you to do.',
    },
  },
  PAYMENT_CONFIRMATION: {
    task: { zh: '付款确认', en: 'payment confirmation' },
    comment: { zh: '备注', en: 'Comment' },
    thanks: {
      zh: '感谢您的确认。付款已记入项目档案，您无需再做任何操作。',
      en: 'Thank you. The payment is now on the purchase record; there is nothing more for you to do.',
    },
  },
  MIDTERM_REVIEW: {
    task: { zh: '中期评审', en: 'mid-term review' },
    comment: { zh: '评审意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的评审。流程将自动继续（要求整改时将通知承接机构整改后重新提交），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after a rectification the NGO is asked to fix the report and submit it again); there is nothing more for you to do.',
    },
  },
  LATE_REPORT: {
    task: { zh: '逾期报告处理', en: 'late report decision' },
    comment: { zh: '处理意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的处理。流程将自动继续（延期时将通知承接机构在新的期限前提交），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after an extension the NGO is told its new deadline); there is nothing more for you to do.',
    },
  },
  EVALUATION: {
    task: { zh: '评估', en: 'evaluation' },
    comment: { zh: '评估意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的评估。流程将自动继续，您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own; there is nothing more for you to do.',
    },
  },
};

export function decidedPage(model: DecidedPageModel): HtmlPage {
  const d = model.decision;
  const decided = DECISION_LABELS[d.decision];
  const wording = DECIDED_WORDING[model.purpose];
  const heading: BilingualText =
    model.variant === 'RECORDED'
      ? { zh: '您的决定已记录', en: 'Your decision has been recorded' }
      : {
          zh: `此${wording.task.zh}已由 ${d.byName} 作出决定`,
          en: `This ${wording.task.en} was already decided by ${d.byName}`,
        };
  const lead: BilingualText =
    model.variant === 'RECORDED'
      ? wording.thanks
      : {
          zh: '此链接的决定已经作出，不能再更改。以下是已记录的决定。',
          en: 'This link has already been used to decide and cannot be used again. Below is the recorded decision.',
        };
  const facts: Fact[] = [{ label: { zh: '项目名称', en: 'Title' }, value: model.title }];
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push({ label: { zh: '决定', en: 'Decision' }, value: bilingual(decided) });
  if (d.reference !== undefined)
    facts.push({ label: { zh: '银行交易流水号', en: 'Bank transaction reference' }, value: d.reference });
  if (d.evaluation !== undefined) {
    for (const { criterion, score } of d.evaluation.scores)
      facts.push({ label: CRITERION_LABELS[criterion], value: String(score) });
    facts.push(
      { label: { zh: '加权总分', en: 'Weighted total' }, value: d.evaluation.total },
      { label: { zh: '评估等级', en: 'Grade' }, value: bilingual(GRADE_LABELS[d.evaluation.grade]) },
    );
  }
  facts.push(
    { label: { zh: '决定人', en: 'Decided by' }, value: `${d.byName} <${d.by}>` },
    { label: { zh: '决定时间', en: 'Decided at' }, value: formatChinaTime(d.at) },
    { label: wording.comment, value: d.comment || '（无）(none)' },
  );
  const body = html`${bilingualHeading('h1', heading)}
<div class="status">
${bilingualParagraphs(lead)}</div>
${factsTable(facts)}`;
  // A link used once is gone: a replay, a second click or a scanner sees the decision, with 410.
  return renderPage(model.variant === 'RECORDED' ? 200 : 410, heading, body);
}
