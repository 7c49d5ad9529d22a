/**
 * The mid-term review page (GET): the section chief passes the NGO's mid-term report, asks for a
 * rectification round, or terminates the purchase.
 */
import type { BilingualText } from '../../../domain/bilingual.js';
import { COMMENT_MAX_LENGTH, rectificationAllowed } from '../../../domain/decision-rules.js';
import type { ApprovalLevel } from '../../../domain/policy-settings.js';
import type { Proposal } from '../../../domain/proposal.js';
import type { HumanTask } from '../../../domain/tasks.js';
import { html } from '../../html.js';
import {
  expiryFact,
  type Fact,
  levelFact,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from '../layout.js';
import { consequences, decisionForm, type FormButton } from './decision-form.js';
import {
  type ReviewRecordInput,
  type ReviewRecordModel,
  reviewRecordModel,
  reviewRecordSections,
} from './review-record.js';
import {
  type PageDocument,
  pageDocument,
  type ReviewedDocumentWording,
  reviewedDocument,
} from './reviewed-document.js';
import { assigneeFact, type PendingTaskFacts, pendingTaskFacts, roundFact } from './task-facts.js';
import { TERMINATE_BUTTON, TERMINATE_CONSEQUENCE } from './termination-choice.js';

export interface MidtermReviewPageModel extends PendingTaskFacts, ReviewRecordModel {
  proposal: ProposalSummary;
  /** Which report this is: 1, then +1 after every rectification (from the task's context). */
  round?: string;
  /** The last round there may be (from the task's context). */
  maxRounds?: string;
  /** Whether the Rectify button is offered (rectificationAllowed). */
  rectifiable: boolean;
  level?: ApprovalLevel;
  /** The report the NGO submitted, with its short-lived presigned GET (the page's only link). */
  document?: PageDocument;
}

export interface MidtermReviewPageInput extends ReviewRecordInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context' | 'level'>;
  document?: PageDocument;
}

export function midtermReviewPageModel({
  purchaseId,
  proposal,
  task,
  document,
  ...record
}: MidtermReviewPageInput): MidtermReviewPageModel {
  const model: MidtermReviewPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
    ...reviewRecordModel(record),
    rectifiable: rectificationAllowed(task.context),
  };
  const { round, maxRounds } = task.context ?? {};
  if (round !== undefined) model.round = String(round);
  if (maxRounds !== undefined) model.maxRounds = String(maxRounds);
  if (task.level !== undefined) model.level = task.level;
  if (document) model.document = pageDocument(document);
  return model;
}

const MIDTERM_REPORT_WORDING: ReviewedDocumentWording = {
  open: { zh: '打开承接机构提交的中期报告', en: 'Open the mid-term report the NGO submitted' },
  missing: {
    zh: '暂时无法显示承接机构提交的中期报告。请稍后刷新本页面，或联系经办人。',
    en: 'The mid-term report the NGO submitted cannot be shown right now. Reload this page later, or contact the officer.',
  },
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
${reviewedDocument(model.document, MIDTERM_REPORT_WORDING)}${reviewRecordSections(model)}${bilingualHeading('h2', { zh: '评审决定', en: 'Decision' })}
${consequences(outcomes)}${lastRound}${decisionForm({
  nonce: model.nonce,
  decidingAs: model.assignee,
  reviewed: model.document ? [model.document] : [],
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
