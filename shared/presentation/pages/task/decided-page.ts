/**
 * The decided page: shown right after a successful POST, and on any later visit to a decided
 * link, for every purpose of task.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import {
  CRITERION_LABELS,
  formatTotal,
  GRADE_LABELS,
  GRADES,
  type Grade,
} from '../../../domain/evaluation.js';
import type { EvaluationCriterion } from '../../../domain/lifecycle-settings.js';
import { formatYuan } from '../../../domain/money.js';
import type { ApprovalLevel } from '../../../domain/policy-settings.js';
import type { Decision, RecordedDecision, TaskPurpose } from '../../../domain/tasks.js';
import { html } from '../../html.js';
import { bilingual, type Fact, formatChinaTime, levelFact, TASK_PURPOSE_LABELS } from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from '../layout.js';

export interface DecidedPageModel {
  /** RECORDED right after this visitor's POST; ALREADY_DECIDED when the link was decided before. */
  variant: 'RECORDED' | 'ALREADY_DECIDED';
  title: string;
  purpose: TaskPurpose;
  level?: ApprovalLevel;
  decision: Pick<RecordedDecision, 'decision' | 'by' | 'byName' | 'comment' | 'at'> & {
    /** The bank transaction reference of a CONFIRM. */
    reference?: string;
    /** A CONFIRM of a part: the amount paid, in fen (absent when all that was due was paid). */
    amountFen?: number;
    /** Who acted, where the link went to a shared mailbox. */
    actedBy?: string;
    /** The scores, weighted total and grade of an evaluation's SUBMIT. */
    evaluation?: SubmittedEvaluation;
  };
  /** After a part of a tranche: what is left, and the link that confirms it when it is paid. */
  rest?: { leftFen: number; link?: string };
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
  rest?: DecidedPageModel['rest'];
}

export function decidedPageModel({
  variant,
  title,
  purpose = 'APPROVAL',
  level,
  decision,
  rest,
}: DecidedPageInput): DecidedPageModel {
  const { decision: outcome, by, byName, comment, at } = decision;
  const model: DecidedPageModel = {
    variant,
    title,
    purpose,
    decision: { decision: outcome, by, byName, comment, at },
  };
  if (level !== undefined) model.level = level;
  const actedBy = decision.data?.actedBy;
  if (typeof actedBy === 'string') model.decision.actedBy = actedBy;
  const reference = decision.data?.reference;
  if (outcome === 'CONFIRM' && typeof reference === 'string') model.decision.reference = reference;
  const amountFen = decision.data?.amountFen;
  if (outcome === 'CONFIRM' && typeof amountFen === 'number') model.decision.amountFen = amountFen;
  if (rest) model.rest = rest;
  const evaluation = outcome === 'SUBMIT' ? submittedEvaluation(decision.data) : undefined;
  if (evaluation) model.decision.evaluation = evaluation;
  return model;
}

/** What a recorded decision reads as, in the past tense (the decided page, the earlier decisions of a review). */
export const DECISION_LABELS: Readonly<Record<Decision, BilingualText>> = {
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
  DECLINE: { zh: '谢绝评估', en: 'Declined' },
  CONFLICT: { zh: '声明存在利益冲突', en: 'Conflict of interest declared' },
  RETURN: { zh: '退回修改', en: 'Returned for revision' },
  REVISE: { zh: '已修改并重新提交', en: 'Revised and resubmitted' },
};

/** What the decided page calls the task, and what it says happens next. */
const DECIDED_WORDING: Readonly<
  Record<TaskPurpose, { task: BilingualText; comment: BilingualText; thanks: BilingualText }>
> = {
  APPROVAL: {
    task: TASK_PURPOSE_LABELS.APPROVAL,
    comment: { zh: '审批意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的审批。流程将自动继续，您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own; there is nothing more for you to do.',
    },
  },
  COUNTERSIGN: {
    task: TASK_PURPOSE_LABELS.COUNTERSIGN,
    comment: { zh: '会签意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的处理。流程将自动继续（退回时将通知承接机构修改后重新上传），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after a refusal the NGO is asked to fix and upload again); there is nothing more for you to do.',
    },
  },
  PAYMENT_CONFIRMATION: {
    task: TASK_PURPOSE_LABELS.PAYMENT_CONFIRMATION,
    comment: { zh: '备注', en: 'Comment' },
    thanks: {
      zh: '感谢您的确认。付款已记入项目档案，您无需再做任何操作。',
      en: 'Thank you. The payment is now on the purchase record; there is nothing more for you to do.',
    },
  },
  MIDTERM_REVIEW: {
    task: TASK_PURPOSE_LABELS.MIDTERM_REVIEW,
    comment: { zh: '评审意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的评审。流程将自动继续（要求整改时将通知承接机构整改后重新提交），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after a rectification the NGO is asked to fix the report and submit it again); there is nothing more for you to do.',
    },
  },
  LATE_REPORT: {
    task: TASK_PURPOSE_LABELS.LATE_REPORT,
    comment: { zh: '处理意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的处理。流程将自动继续（延期时将通知承接机构在新的期限前提交），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (after an extension the NGO is told its new deadline); there is nothing more for you to do.',
    },
  },
  EVALUATION: {
    task: TASK_PURPOSE_LABELS.EVALUATION,
    comment: { zh: '评估意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的评估。流程将自动继续，您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own; there is nothing more for you to do.',
    },
  },
  AMENDMENT_APPROVAL: {
    task: TASK_PURPOSE_LABELS.AMENDMENT_APPROVAL,
    comment: { zh: '审批意见', en: 'Comment' },
    thanks: {
      zh: '感谢您的审批。流程将自动继续（全部层级批准后变更生效，驳回时合同保持不变），您无需再做任何操作。',
      en: 'Thank you. The workflow continues on its own (the amendment takes effect once every level approved; a rejection leaves the contract as it is); there is nothing more for you to do.',
    },
  },
  // Decided in the console, never from a link; here so a revision reads the same wherever it is listed.
  REVISION: {
    task: TASK_PURPOSE_LABELS.REVISION,
    comment: { zh: '修改说明', en: 'Revision note' },
    thanks: {
      zh: '修改后的立项申请已重新提交，同一审批层级将再次审批。',
      en: 'The corrected proposal was resubmitted; the same approval level is asked again.',
    },
  },
};

/** After a part: the rest stays due, confirmed from its own link once it is paid. */
function restOfTranche(rest: NonNullable<DecidedPageModel['rest']>) {
  const left = formatYuan(rest.leftFen);
  return html`${bilingualHeading('h2', { zh: '余额仍为待付', en: 'The rest is still due' })}
${bilingualParagraphs({
  zh: `本期款项尚有 ${left} 待付。付清后请用以下链接确认；该链接也列在工作台的“待付款项”页面。`,
  en: `${left} of this tranche is still due. When it is paid, confirm it from the link below; it is also on the Tranches due page of the staff console.`,
})}${rest.link ? html`<p><a href="${rest.link}">确认余额付款 <span lang="en">Confirm the rest</span></a></p>` : ''}`;
}

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
  if (d.amountFen !== undefined)
    facts.push({ label: { zh: '本次实付金额', en: 'Amount paid' }, value: formatYuan(d.amountFen) });
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
    {
      label: { zh: '决定人', en: 'Decided by' },
      value:
        d.actedBy === undefined ? `${d.byName} <${d.by}>` : `${d.actedBy}（代表 for ${d.byName} <${d.by}>）`,
    },
    { label: { zh: '决定时间', en: 'Decided at' }, value: formatChinaTime(d.at) },
    { label: wording.comment, value: d.comment || '（无）(none)' },
  );
  const body = html`${bilingualHeading('h1', heading)}
<div class="status">
${bilingualParagraphs(lead)}</div>
${factsTable(facts)}${model.rest ? restOfTranche(model.rest) : ''}`;
  // A link used once is gone: a replay, a second click or a scanner sees the decision, with 410.
  return renderPage(model.variant === 'RECORDED' ? 200 : 410, heading, body);
}
