import type { ApprovalLevel } from '../config/settings.js';
import type { Proposal } from '../domain/proposal.js';
import {
  APPROVAL_LEVEL_LABELS,
  type BilingualText,
  expiryFact,
  formatChinaTime,
  levelFact,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../pages/labels.js';
import type { TaskAttempt } from '../persistence/ports.js';
import { type MailContent, renderMail } from './layout.js';

export interface MailPerson {
  name: string;
  email: string;
}

interface ApprovalMailBase {
  /** Name of the person the link belongs to. */
  recipientName: string;
  level: ApprovalLevel;
  proposal: ProposalSummary;
  /** The signed task link (signTaskLink); the only link in the mail. */
  link: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
}

/**
 * What an approval e-mail shows. Deliberately small: it has no room for a task token or
 * nonce, so a renderer cannot leak one.
 */
export type ApprovalMailModel = ApprovalMailBase &
  ({ attempt: 'FIRST' | 'REMINDER' } | { attempt: 'ESCALATION'; notAnsweredBy: MailPerson });

export interface ApprovalMailInput {
  purchaseId: string;
  proposal: Proposal;
  level: ApprovalLevel;
  attempt: TaskAttempt;
  link: string;
  expiresAt: string;
  recipientName: string;
  /** Required for ESCALATION: the approver who let the task time out. */
  notAnsweredBy?: MailPerson;
}

export class MailModelError extends Error {
  override name = 'MailModelError';
}

/** Picks the mail's facts field by field; anything else in the input (a whole task record) is dropped. */
export function approvalMailModel(input: ApprovalMailInput): ApprovalMailModel {
  const base: ApprovalMailBase = {
    recipientName: input.recipientName,
    level: input.level,
    proposal: summarizeProposal(input.purchaseId, input.proposal),
    link: input.link,
    expiresAt: input.expiresAt,
  };
  if (input.attempt !== 'ESCALATION') return { ...base, attempt: input.attempt };
  if (!input.notAnsweredBy) throw new MailModelError('an escalation e-mail must say who did not answer');
  const { name, email } = input.notAnsweredBy;
  return { ...base, attempt: 'ESCALATION', notAnsweredBy: { name, email } };
}

const SUBJECT_TAGS: Readonly<Record<TaskAttempt, BilingualText>> = {
  FIRST: { zh: '请审批', en: 'Approval request' },
  REMINDER: { zh: '审批提醒', en: 'Reminder: approval pending' },
  ESCALATION: { zh: '转交审批', en: 'Escalated approval' },
};

function introFor(model: ApprovalMailModel): BilingualText[] {
  const level = APPROVAL_LEVEL_LABELS[model.level];
  const greeting = { zh: `${model.recipientName}，您好：`, en: `Dear ${model.recipientName},` };
  switch (model.attempt) {
    case 'FIRST':
      return [
        greeting,
        {
          zh: `请以${level.zh}身份审批以下政府购买服务项目。`,
          en: `Please approve or reject the purchase of services below, as ${level.en.toLowerCase()}.`,
        },
      ];
    case 'REMINDER':
      return [
        greeting,
        {
          zh: `以下项目仍在等待您以${level.zh}身份审批。下面的链接与上一封邮件中的相同。`,
          en: `The purchase below is still waiting for your decision as ${level.en.toLowerCase()}. The link below is the same as in the earlier e-mail.`,
        },
      ];
    case 'ESCALATION': {
      const who = model.notAnsweredBy;
      return [
        greeting,
        {
          zh: `${who.name}（${who.email}）未在期限内对以下项目作出${level.zh}审批，现转交您代为审批。之前发给${who.name}的链接已失效。`,
          en: `${who.name} (${who.email}) did not answer in time on the ${level.en.toLowerCase()} approval of the purchase below; it is now yours to decide as deputy. The link sent to ${who.name} no longer works.`,
        },
      ];
    }
  }
}

/** Renders the approval request, the reminder or the escalation to the deputy. */
export function renderApprovalMail(model: ApprovalMailModel): MailContent {
  const expires = formatChinaTime(model.expiresAt);
  return renderMail({
    subjectTag: SUBJECT_TAGS[model.attempt],
    subjectTitle: model.proposal.title,
    intro: introFor(model),
    facts: [...proposalFacts(model.proposal), levelFact(model.level), expiryFact(model.expiresAt)],
    action: { label: { zh: '打开审批页面', en: 'Open the approval page' }, href: model.link },
    notes: [
      {
        zh: `打开链接只会显示确认页面，批准或驳回须在页面上确认后才生效。链接有效期至 ${expires}，仅供您本人使用，请勿转发。`,
        en: `Opening the link only shows a confirmation page; nothing is decided until you confirm there. The link works until ${expires} and is for you alone; please do not forward it.`,
      },
    ],
  });
}
