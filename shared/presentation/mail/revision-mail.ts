import type { BilingualText } from '../../domain/bilingual.js';
import type { ApprovalLevel } from '../../domain/policy-settings.js';
import type { Proposal } from '../../domain/proposal.js';
import type { RecordedDecision, TaskAttempt } from '../../domain/tasks.js';
import { type Fact, formatChinaTime, levelFact, proposalFacts, summarizeProposal } from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

/** What the officer who registered a purchase is told when an approver returned it for revision. */
export interface RevisionMailInput {
  purchaseId: string;
  proposal: Proposal;
  level: ApprovalLevel;
  /** The approver's RETURN: who, when, and what is to be corrected. */
  returned: Pick<RecordedDecision, 'by' | 'byName' | 'at' | 'comment'>;
  round: number;
  attempt: TaskAttempt;
  recipientName: string;
  /** When the revision is due: after it the purchase is rejected. */
  dueBy: string;
}

const SAID: Readonly<Record<TaskAttempt, BilingualText>> = {
  FIRST: {
    zh: '您登记的以下政府购买服务项目被审批人退回修改。请按审批意见修改立项申请后重新提交，同一审批层级将再次审批。',
    en: 'An approver returned the purchase of services you registered, below, for revision. Correct the proposal as the comment asks and resubmit it; the same approval level is then asked again.',
  },
  REMINDER: {
    zh: '提醒：您登记的以下项目被退回修改后尚未重新提交。',
    en: 'Reminder: the purchase you registered, below, was returned for revision and has not been resubmitted yet.',
  },
  ESCALATION: {
    zh: '最后提醒：您登记的以下项目被退回修改后仍未重新提交，逾期未提交的项目将不予批准。',
    en: 'Last reminder: the purchase you registered, below, was returned for revision and is still not resubmitted; if it is not resubmitted in time it will not be approved.',
  },
};

/**
 * The revision request: what was returned, by whom, the comment, and that the proposal is corrected
 * in the staff console. It carries no link and no secret: the officer signs in.
 */
export function renderRevisionMail(input: RevisionMailInput): MailContent {
  const facts: Fact[] = [
    ...proposalFacts(summarizeProposal(input.purchaseId, input.proposal)),
    levelFact(input.level),
    { label: { zh: '退回人', en: 'Returned by' }, value: `${input.returned.byName} <${input.returned.by}>` },
    { label: { zh: '退回时间', en: 'Returned at' }, value: formatChinaTime(input.returned.at) },
    { label: { zh: '修改意见', en: 'What to correct' }, value: input.returned.comment || '—' },
    { label: { zh: '修改轮次', en: 'Revision round' }, value: String(input.round) },
    { label: { zh: '请于此前重新提交', en: 'Resubmit by' }, value: formatChinaTime(input.dueBy) },
  ];
  return renderMail({
    subjectTag: { zh: '退回修改', en: 'Returned for revision' },
    subjectTitle: input.proposal.title,
    intro: [
      { zh: `${input.recipientName}，您好：`, en: `Dear ${input.recipientName},` },
      SAID[input.attempt],
      {
        zh: `请登录工作台，打开项目 ${input.purchaseId}，点击“修改并重新提交”。`,
        en: `Sign in to the staff console, open purchase ${input.purchaseId} and press "Revise and resubmit".`,
      },
    ],
    facts,
    notes: [
      {
        zh: '此邮件由系统自动发送，不含任何链接；退回与修改均记入项目的审计日志。',
        en: 'This message was sent automatically and carries no link; the return and the revision are recorded in the purchase audit trail.',
      },
    ],
  });
}
