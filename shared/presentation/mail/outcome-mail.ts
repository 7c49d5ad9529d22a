import type { BilingualText } from '../../domain/bilingual.js';
import type { ApprovalLevel } from '../../domain/policy-settings.js';
import type { Proposal } from '../../domain/proposal.js';
import type { Outcome } from '../../domain/purchase.js';
import {
  type Fact,
  formatChinaTime,
  levelFact,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

/** What the purchasing officer is told when the approval chain ends. */
export interface OutcomeMailModel {
  recipientName: string;
  proposal: ProposalSummary;
  result: Outcome['result'];
  /** In both languages; an outcome recorded before reasons were kept in both has its English only. */
  reason: BilingualText | string;
  /** Who made the deciding decision (name or e-mail, as recorded). */
  decidedBy: string;
  decidedAt: string;
  /** The level whose decision ended the chain, when known. */
  level?: ApprovalLevel;
}

export interface OutcomeMailInput {
  purchaseId: string;
  proposal: Proposal;
  outcome: Outcome;
  recipientName: string;
  level?: ApprovalLevel;
}

export function outcomeMailModel(input: OutcomeMailInput): OutcomeMailModel {
  const model: OutcomeMailModel = {
    recipientName: input.recipientName,
    proposal: summarizeProposal(input.purchaseId, input.proposal),
    result: input.outcome.result,
    reason: input.outcome.reasonText ?? input.outcome.reason,
    decidedBy: input.outcome.by,
    decidedAt: input.outcome.at,
  };
  if (input.level) model.level = input.level;
  return model;
}

const WORDING: Readonly<
  Record<OutcomeMailModel['result'], { tag: BilingualText; said: BilingualText; reason: BilingualText }>
> = {
  APPROVED: {
    tag: { zh: '已批准', en: 'Approved' },
    said: {
      zh: '您登记的以下政府购买服务项目已通过审批，将进入合同签订阶段。',
      en: 'The purchase of services you registered, below, has been approved and moves on to contracting.',
    },
    reason: { zh: '审批意见', en: 'Comment' },
  },
  REJECTED: {
    tag: { zh: '已驳回', en: 'Rejected' },
    said: {
      zh: '您登记的以下政府购买服务项目未通过审批，已被驳回。',
      en: 'The purchase of services you registered, below, has been rejected.',
    },
    reason: { zh: '驳回理由', en: 'Reason' },
  },
  WITHDRAWN: {
    tag: { zh: '已撤回', en: 'Withdrawn' },
    said: {
      zh: '您登记的以下政府购买服务项目已撤回：审批终止，预留的预算已释放。',
      en: 'The purchase of services you registered, below, has been withdrawn: approval has ended and its budget reservation was released.',
    },
    reason: { zh: '撤回理由', en: 'Reason' },
  },
};

/** Renders the approved / rejected notification for the purchasing officer. It carries no link. */
export function renderOutcomeMail(model: OutcomeMailModel): MailContent {
  const wording = WORDING[model.result];
  const facts: Fact[] = [...proposalFacts(model.proposal)];
  if (model.level) facts.push(levelFact(model.level));
  facts.push(
    { label: { zh: '决定人', en: 'Decided by' }, value: model.decidedBy },
    { label: { zh: '决定时间', en: 'Decided at' }, value: formatChinaTime(model.decidedAt) },
    { label: wording.reason, value: model.reason || '—' },
  );
  return renderMail({
    subjectTag: wording.tag,
    subjectTitle: model.proposal.title,
    intro: [{ zh: `${model.recipientName}，您好：`, en: `Dear ${model.recipientName},` }, wording.said],
    facts,
    notes: [
      {
        zh: '此邮件由系统自动发送，审批记录已写入项目的审计日志。',
        en: 'This message was sent automatically; the decision is recorded in the purchase audit trail.',
      },
    ],
  });
}
