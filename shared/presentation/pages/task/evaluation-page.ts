/**
 * The evaluation page (GET): the third-party agency first declares it is independent of the NGO
 * and the bureau, or declines the assignment, or declares a conflict of interest (then another
 * agency is asked); only after the declaration does the same link show the reports and the rubric
 * to score, with a way to report a conflict that arises meanwhile.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import { COMMENT_MAX_LENGTH } from '../../../domain/decision-rules.js';
import { CRITERION_LABELS } from '../../../domain/evaluation.js';
import { uploadableTypeOf } from '../../../domain/file-types.js';
import type { RubricLine } from '../../../domain/lifecycle-settings.js';
import type { Proposal } from '../../../domain/proposal.js';
import type { EvaluationDraft, HumanTask } from '../../../domain/tasks.js';
import type { UploadKind } from '../../../domain/uploads.js';
import { html, type SafeHtml } from '../../html.js';
import {
  expiryFact,
  type Fact,
  formatChinaTime,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from '../layout.js';
import { formatBytes, uploadPageCsp, uploadScript } from '../upload-script.js';
import { decidingAs, decisionForm, INPUT_STYLE } from './decision-form.js';
import { DECISION_FORM_FIELDS, DECLARE_VALUE, DRAFT_VALUE, scoreField } from './decision-form-fields.js';
import {
  type ReviewRecordInput,
  type ReviewRecordModel,
  reviewRecordModel,
  reviewRecordSections,
} from './review-record.js';
import {
  type PageDocument,
  pageDocument,
  reviewedDocumentList,
  reviewedUploadFields,
} from './reviewed-document.js';
import { assigneeFact, type PendingTaskFacts, pendingTaskFacts } from './task-facts.js';

/** A report the evaluator reads, with its short-lived presigned GET. */
export interface EvaluationDocument extends PageDocument {
  kind: 'FINAL_REPORT' | 'MIDTERM_REPORT';
}

export interface EvaluationPageModel extends PendingTaskFacts, ReviewRecordModel {
  proposal: ProposalSummary;
  purchasingUnit: string;
  /** DECLARE until the agency has declared independence; SCORE after. */
  phase: 'DECLARE' | 'SCORE';
  declaredAt?: string;
  /**
   * Only in the SCORE phase, like the files on record and the earlier decisions: the file is
   * never shown before the declaration.
   */
  documents: EvaluationDocument[];
  /** The agency's own written report, the newest it uploaded since declaring: the scores are recorded with it. */
  report?: PageDocument;
  /** The scores and comment saved as a draft, shown in the form again. */
  draft?: EvaluationDraft;
  /** The report's upload form, where the page can offer one: its limit, the bucket and the script's nonce. */
  reportUpload?: ReportUpload;
  rubric: RubricLine[];
}

/** What the report's upload form needs: the largest file, the bucket's origin, and this response's script nonce. */
export interface ReportUpload {
  maxBytes: number;
  storageOrigin: string;
  scriptNonce: string;
}

export interface EvaluationPageInput extends ReviewRecordInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'declaredAt' | 'draft'>;
  rubric: readonly RubricLine[];
  /** The files under evaluation (the NGO's reports, the agency's own); dropped while the task is undeclared. */
  documents?: readonly PageDocument[];
  reportUpload?: ReportUpload;
}

const EVALUATED_DOCUMENT_ORDER = ['FINAL_REPORT', 'MIDTERM_REPORT'] as const;

export function evaluationPageModel({
  purchaseId,
  proposal,
  task,
  rubric,
  documents = [],
  reportUpload,
  ...record
}: EvaluationPageInput): EvaluationPageModel {
  const declared = task.declaredAt !== undefined;
  const model: EvaluationPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    purchasingUnit: proposal.purchasingUnit,
    ...pendingTaskFacts(task),
    ...reviewRecordModel(declared ? record : {}),
    phase: declared ? 'SCORE' : 'DECLARE',
    documents: [],
    rubric: rubric.map(({ criterion, weight }) => ({ criterion, weight })),
  };
  if (task.declaredAt !== undefined) model.declaredAt = task.declaredAt;
  if (declared) {
    for (const kind of EVALUATED_DOCUMENT_ORDER) {
      const document = documents.find((d) => d.kind === kind);
      if (document) model.documents.push({ ...pageDocument(document), kind });
    }
    const report = documents.find((d) => d.kind === 'EVALUATION_REPORT');
    if (report) model.report = pageDocument(report);
    const { draft } = task;
    if (draft) model.draft = { scores: { ...draft.scores }, comment: draft.comment, savedAt: draft.savedAt };
    if (reportUpload) model.reportUpload = { ...reportUpload };
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
<p class="help">声明提交后即记录在案，不能撤回；如存在利益冲突，请勿声明，请在下方“声明存在利益冲突”。<span class="en" lang="en">A declaration is recorded at once and cannot be withdrawn. If there is a conflict of interest, do not declare: declare the conflict below instead.</span></p>
</form>
`;
}

const STEP_ASIDE_COMMENT = {
  label: { zh: '理由或利益冲突的情况', en: 'The reason, or what the conflict is' },
  help: {
    zh: `必填：谢绝时写明理由，声明利益冲突时写明冲突的具体情况。内容记入项目档案。最多 ${COMMENT_MAX_LENGTH} 字。`,
    en: `Required: the reason when declining, what the conflict is when declaring one. It goes on the purchase record. At most ${COMMENT_MAX_LENGTH} characters.`,
  },
};

/**
 * Before the declaration: an agency that cannot take the evaluation declines it, and one with a
 * conflict of interest declares it; either way it never sees the file and another agency is asked.
 */
function stepAsideForm(model: EvaluationPageModel): SafeHtml {
  return html`${bilingualParagraphs({
    zh: '如贵机构不能承接本次评估，请写明理由后点击“谢绝评估”；如与承接机构或采购单位存在利益冲突，请写明情况后点击“声明存在利益冲突”。决定记入项目档案，采购单位将立即邀请另一家独立机构，贵机构不会看到项目材料。',
    en: 'If your agency cannot take this evaluation, give the reason and press Decline; if it has a conflict of interest with the NGO or the bureau, say what it is and press Declare a conflict. Either goes on the purchase record, the bureau invites another independent agency at once, and your agency is not shown the file.',
  })}${decisionForm({
    nonce: model.nonce,
    decidingAs: model.assignee,
    comment: STEP_ASIDE_COMMENT,
    buttons: [
      { decision: 'DECLINE', label: { zh: '谢绝评估', en: 'Decline' }, tone: 'reject' },
      { decision: 'CONFLICT', label: { zh: '声明存在利益冲突', en: 'Declare a conflict' }, tone: 'reject' },
    ],
  })}`;
}

/** After the declaration: a conflict that arises during the evaluation is reported, and the evaluation stops. */
function conflictForm(model: EvaluationPageModel): SafeHtml {
  return html`${bilingualParagraphs({
    zh: '如评估过程中出现利益冲突，请写明情况后点击“声明存在利益冲突”：贵机构的评估随即终止，采购单位将邀请另一家独立机构。',
    en: 'If a conflict of interest arises during the evaluation, say what it is and press Declare a conflict: your evaluation stops and the bureau invites another independent agency.',
  })}${decisionForm({
    nonce: model.nonce,
    decidingAs: model.assignee,
    comment: {
      label: { zh: '利益冲突的情况', en: 'What the conflict is' },
      help: {
        zh: `必填，记入项目档案。最多 ${COMMENT_MAX_LENGTH} 字。`,
        en: `Required; it goes on the purchase record. At most ${COMMENT_MAX_LENGTH} characters.`,
      },
    },
    buttons: [
      { decision: 'CONFLICT', label: { zh: '声明存在利益冲突', en: 'Declare a conflict' }, tone: 'reject' },
    ],
  })}`;
}

function scoreInputs(rubric: readonly RubricLine[], draft: EvaluationDraft | undefined): SafeHtml {
  return html`${rubric.map(({ criterion, weight }) => {
    const label = CRITERION_LABELS[criterion];
    const id = scoreField(criterion);
    const saved = draft?.scores[criterion];
    return html`<label for="${id}">${label.zh}（权重 ${weight}%）<span class="en" lang="en">${label.en} (weight ${weight}%)</span></label>
<input type="number" id="${id}" name="${id}" min="0" max="100" step="0.1" required inputmode="decimal" autocomplete="off"${saved === undefined ? '' : html` value="${saved}"`} style="${INPUT_STYLE}">
`;
  })}`;
}

/** When the draft in the form was saved; nothing is recorded as scores until they are submitted. */
function draftNotice(draft: EvaluationDraft | undefined): SafeHtml {
  if (!draft) return html``;
  return html`<div class="status">
${bilingualParagraphs({
  zh: `已载入 ${formatChinaTime(draft.savedAt)} 保存的草稿。草稿不是评分：提交评分之前不会记录任何评分。`,
  en: `The draft saved ${formatChinaTime(draft.savedAt)} is filled in below. A draft is not a score: nothing is scored until you submit.`,
})}</div>
`;
}

const DRAFT_BUTTON_STYLE = 'background:#fff;color:#0b5cad;border-color:#0b5cad';

function scoringForm(model: EvaluationPageModel): SafeHtml {
  const f = DECISION_FORM_FIELDS;
  return html`<form method="POST" action="">
<input type="hidden" name="${f.nonce}" value="${model.nonce}">
${reviewedUploadFields(model.report ? [...model.documents, model.report] : model.documents)}${decidingAs(model.assignee)}${scoreInputs(model.rubric, model.draft)}<label for="score-comment">评估意见<span class="en" lang="en">Comment</span></label>
<p class="help" id="score-comment-help">可不填。最多 ${COMMENT_MAX_LENGTH} 字。<span class="en" lang="en">Optional. At most ${COMMENT_MAX_LENGTH} characters.</span></p>
<textarea id="score-comment" name="${f.comment}" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="score-comment-help">${model.draft?.comment ?? ''}</textarea>
<div class="actions">
<button type="submit" class="approve" name="${f.decision}" value="SUBMIT">提交评分 <span lang="en">Submit scores</span></button>
<button type="submit" name="${f.draft}" value="${DRAFT_VALUE}" formnovalidate style="${DRAFT_BUTTON_STYLE}">保存草稿 <span lang="en">Save draft</span></button>
</div>
<p class="help">“保存草稿”只保存已填写的内容，可随时回到此链接继续。<span class="en" lang="en">Save draft keeps what is filled in; come back to this link to go on.</span></p>
<p class="help">评分提交后即生效，不能撤回；总分和等级由系统按权重计算。<span class="en" lang="en">Submitted scores take effect at once and cannot be withdrawn; the system computes the weighted total and the grade.</span></p>
</form>
`;
}

function evaluationDocuments(documents: readonly EvaluationDocument[]): SafeHtml {
  const open = (kind: UploadKind) => EVALUATION_DOCUMENT_WORDING[kind as EvaluationDocument['kind']];
  const list = documents.length === 0 ? html`` : reviewedDocumentList(documents, open);
  if (documents.length > 0 && documents.every((d) => d.url !== undefined)) return list;
  return html`<div class="notice">
${bilingualParagraphs({
  zh: '暂时无法显示承接机构提交的报告。请稍后刷新本页面，或联系采购单位。',
  en: 'The reports the NGO submitted cannot be shown right now. Reload this page later, or contact the bureau.',
})}</div>
${list}`;
}

/** The report is kept only as a PDF (PDF_ONLY_KINDS): the form offers nothing else. */
const PDF_UPLOAD_TYPES = [uploadableTypeOf('application/pdf')].filter((t) => t !== undefined);
const REPORT_FORM_ID = 'report-form';
const REPORT_STATUS_ID = 'report-status';

/**
 * The agency's written report: the one the scores will be recorded with (name, SHA-256, link), and
 * the form that uploads a PDF through a presigned POST (a newer upload takes its place).
 */
function reportSection(model: EvaluationPageModel): SafeHtml {
  const { report, reportUpload: upload } = model;
  const current = report
    ? reviewedDocumentList([report], () => ({
        zh: '打开已上传的评估报告',
        en: 'Open the report you uploaded',
      }))
    : html`${bilingualParagraphs({
        zh: '尚未上传评估报告。请上传书面评估报告（PDF），评分将与报告一并记录。',
        en: 'No report is attached yet. Upload the written evaluation report (a PDF): the scores are recorded with it.',
      })}`;
  if (!upload) return current;
  const label = report
    ? { zh: '上传新版本', en: 'Upload a newer version' }
    : { zh: '上传评估报告', en: 'Upload the report' };
  return html`${current}<form id="${REPORT_FORM_ID}" novalidate>
<input type="hidden" name="${DECISION_FORM_FIELDS.nonce}" value="${model.nonce}">
<label for="report-file">${label.zh}（PDF，最大 ${formatBytes(upload.maxBytes)}）<span class="en" lang="en">${label.en} (PDF, at most ${formatBytes(upload.maxBytes)})</span></label>
<input id="report-file" name="file" type="file" required accept=".pdf,application/pdf" style="${INPUT_STYLE}">
<div class="actions"><button type="submit" class="approve">上传报告 <span lang="en">Upload report</span></button></div>
<div id="${REPORT_STATUS_ID}" role="status" aria-live="polite"></div>
</form>
${uploadScript({
  formId: REPORT_FORM_ID,
  statusId: REPORT_STATUS_ID,
  grantPath: '/report',
  fileTypes: PDF_UPLOAD_TYPES,
  maxBytes: upload.maxBytes,
  nonce: upload.scriptNonce,
})}`;
}

/** The evaluation page; with the report's upload form it carries its own policy for the form's script. */
export function evaluationPage(model: EvaluationPageModel): HtmlPage & { contentSecurityPolicy?: string } {
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
${declarationForm(model)}${bilingualHeading('h2', { zh: '谢绝或声明利益冲突', en: 'Decline, or declare a conflict' })}
${stepAsideForm(model)}`
      : html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '请审阅承接机构的报告，上传贵机构的书面评估报告（PDF），然后按评分表为每一项打分（0–100 分，可保留一位小数）。可随时保存草稿；提交之前不会记录任何评分。',
  en: 'Read the NGO’s reports, upload your agency’s written evaluation report (a PDF), then score each criterion of the rubric (0-100, at most one decimal). You may save a draft at any time; nothing is scored until you submit.',
})}
${bilingualHeading('h2', { zh: '项目概况', en: 'Summary' })}
${factsTable(facts)}
${bilingualHeading('h2', { zh: '项目报告', en: 'Reports' })}
${evaluationDocuments(model.documents)}${reviewRecordSections(model)}${bilingualHeading('h2', { zh: '评估报告', en: 'Your written report' })}
${reportSection(model)}${bilingualHeading('h2', { zh: '评分', en: 'Scores' })}
${draftNotice(model.draft)}${scoringForm(model)}${bilingualHeading('h2', { zh: '出现利益冲突', en: 'If a conflict arises' })}
${conflictForm(model)}`;
  const page = renderPage(200, title, body);
  const upload = model.phase === 'SCORE' ? model.reportUpload : undefined;
  if (!upload) return page;
  return { ...page, contentSecurityPolicy: uploadPageCsp(upload.scriptNonce, upload.storageOrigin) };
}
