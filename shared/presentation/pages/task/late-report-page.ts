/**
 * The late report page (GET): the mid-term report did not arrive by its due date plus the grace
 * period; the officer gives the NGO another grace period or terminates the purchase.
 */
import { chinaCalendarDate, DAY_MS } from '../../../domain/china-time.js';
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
import { consequences, decisionForm } from './decision-form.js';
import {
  type ReviewRecordInput,
  type ReviewRecordModel,
  reviewRecordModel,
  reviewRecordSections,
} from './review-record.js';
import { assigneeFact, type PendingTaskFacts, pendingTaskFacts, roundFact } from './task-facts.js';
import { TERMINATE_BUTTON, TERMINATE_CONSEQUENCE } from './termination-choice.js';

export interface LateReportPageModel extends PendingTaskFacts, ReviewRecordModel {
  proposal: ProposalSummary;
  /** China date the report was due (from the task's context). */
  dueDate?: string;
  /** Whole days from the due date to today in China; left out when the due date is not a date. */
  daysLate?: number;
  round?: string;
  level?: ApprovalLevel;
}

export interface LateReportPageInput extends ReviewRecordInput {
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
  ...record
}: LateReportPageInput): LateReportPageModel {
  const model: LateReportPageModel = {
    proposal: summarizeProposal(purchaseId, proposal),
    ...pendingTaskFacts(task),
    ...reviewRecordModel(record),
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
${reviewRecordSections(model)}${bilingualHeading('h2', { zh: '处理决定', en: 'Decision' })}
${consequences([
  {
    zh: '延期：再给承接机构一个宽限期提交中期报告。意见可不填；填写的内容将转告承接机构。',
    en: 'Extend: the NGO gets another grace period to submit the mid-term report. The comment is optional; what you write is passed on to them.',
  },
  TERMINATE_CONSEQUENCE,
])}${decisionForm({
  nonce: model.nonce,
  decidingAs: model.assignee,
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
