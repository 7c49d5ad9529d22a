/** The countersignature page (GET): the section chief countersigns the contract the NGO signed, or refuses it. */

import { COMMENT_MAX_LENGTH } from '../../../domain/decision-rules.js';
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
import { decisionForm } from './decision-form.js';
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

export interface CountersignPageModel extends PendingTaskFacts, ReviewRecordModel {
  proposal: ProposalSummary;
  /** Which signed upload this is: 1, then +1 after every refusal (from the task's context). */
  round?: string;
  level?: ApprovalLevel;
  /** The signed file the NGO uploaded, with its short-lived presigned GET (the page's only link). */
  document?: PageDocument;
}

export interface CountersignPageInput extends ReviewRecordInput {
  purchaseId: string;
  proposal: Proposal;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context' | 'level'>;
  document?: PageDocument;
}

export function countersignPageModel({
  purchaseId,
  proposal,
  task,
  document,
  ...record
}: CountersignPageInput): CountersignPageModel {
  const model: CountersignPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
    ...reviewRecordModel(record),
  };
  const round = task.context?.round;
  if (round !== undefined) model.round = String(round);
  if (task.level !== undefined) model.level = task.level;
  if (document) model.document = pageDocument(document);
  return model;
}

const SIGNED_CONTRACT_WORDING: ReviewedDocumentWording = {
  open: { zh: '打开承接机构上传的已签署合同', en: 'Open the signed contract the NGO uploaded' },
  missing: {
    zh: '暂时无法显示承接机构上传的已签署文件。请稍后刷新本页面，或联系经办人。',
    en: 'The signed file the NGO uploaded cannot be shown right now. Reload this page later, or contact the officer.',
  },
};

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
${reviewedDocument(model.document, SIGNED_CONTRACT_WORDING)}${reviewRecordSections(model)}${decisionForm({
  nonce: model.nonce,
  decidingAs: model.assignee,
  reviewed: model.document ? [model.document] : [],
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
