import type { ApprovalLevel } from '../config/settings.js';
import type { Proposal } from '../domain/proposal.js';
import {
  APPROVAL_LEVEL_LABELS,
  type BilingualText,
  expiryFact,
  type Fact,
  formatChinaTime,
  levelFact,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../pages/labels.js';
import type { TaskAttempt } from '../persistence/ports.js';
import { type MailContent, renderMail } from './layout.js';

/**
 * The e-mail that hands a bureau officer a task link: the request, the reminder, and the
 * escalation to the deputy. One renderer serves every purpose a link mail exists for; the
 * wording per purpose is data.
 */

export interface MailPerson {
  name: string;
  email: string;
}

/** Purposes whose task is requested by this e-mail (a payment confirmation goes out over SNS). */
export type TaskMailPurpose = 'APPROVAL' | 'COUNTERSIGN';

interface TaskMailBase {
  purpose: TaskMailPurpose;
  /** Name of the person the link belongs to. */
  recipientName: string;
  /** Required for APPROVAL (the level deciding); shown for other purposes when given. */
  level?: ApprovalLevel;
  /** COUNTERSIGN: which signed upload this is (1, then +1 after every refusal). */
  round?: number;
  proposal: ProposalSummary;
  /** The signed task link (signTaskLink); the only link in the mail. */
  link: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
}

/**
 * What a task e-mail shows. Deliberately small: it has no room for a task token or nonce,
 * so a renderer cannot leak one.
 */
export type TaskMailModel = TaskMailBase &
  ({ attempt: 'FIRST' | 'REMINDER' } | { attempt: 'ESCALATION'; notAnsweredBy: MailPerson });

export interface TaskMailInput {
  /** @default 'APPROVAL' */
  purpose?: TaskMailPurpose;
  purchaseId: string;
  proposal: Proposal;
  level?: ApprovalLevel;
  round?: number;
  attempt: TaskAttempt;
  link: string;
  expiresAt: string;
  recipientName: string;
  /** Required for ESCALATION: the person who let the task time out. */
  notAnsweredBy?: MailPerson;
}

export class MailModelError extends Error {
  override name = 'MailModelError';
}

/** Picks the mail's facts field by field; anything else in the input (a whole task record) is dropped. */
export function taskMailModel(input: TaskMailInput): TaskMailModel {
  const purpose = input.purpose ?? 'APPROVAL';
  if (purpose === 'APPROVAL' && input.level === undefined)
    throw new MailModelError('an approval e-mail must name the level deciding');
  const base: TaskMailBase = {
    purpose,
    recipientName: input.recipientName,
    proposal: summarizeProposal(input.purchaseId, input.proposal),
    link: input.link,
    expiresAt: input.expiresAt,
  };
  if (input.level !== undefined) base.level = input.level;
  if (input.round !== undefined) base.round = input.round;
  if (input.attempt !== 'ESCALATION') return { ...base, attempt: input.attempt };
  if (!input.notAnsweredBy) throw new MailModelError('an escalation e-mail must say who did not answer');
  const { name, email } = input.notAnsweredBy;
  return { ...base, attempt: 'ESCALATION', notAnsweredBy: { name, email } };
}

interface PurposeWording {
  subjectTags: Readonly<Record<TaskAttempt, BilingualText>>;
  /** The request of each attempt; `who` is the person who did not answer (ESCALATION only). */
  ask(model: TaskMailModel, who: MailPerson): Readonly<Record<TaskAttempt, BilingualText>>;
  action: BilingualText;
  /** What the confirmation page offers, for the note under the link. */
  decidesZh: string;
}

function asLevel(model: TaskMailModel): BilingualText {
  const level = model.level ? APPROVAL_LEVEL_LABELS[model.level] : { zh: '审批人', en: 'Approver' };
  return { zh: level.zh, en: level.en.toLowerCase() };
}

const WORDING: Readonly<Record<TaskMailPurpose, PurposeWording>> = {
  APPROVAL: {
    subjectTags: {
      FIRST: { zh: '请审批', en: 'Approval request' },
      REMINDER: { zh: '审批提醒', en: 'Reminder: approval pending' },
      ESCALATION: { zh: '转交审批', en: 'Escalated approval' },
    },
    ask(model, who) {
      const level = asLevel(model);
      return {
        FIRST: {
          zh: `请以${level.zh}身份审批以下政府购买服务项目。`,
          en: `Please approve or reject the purchase of services below, as ${level.en}.`,
        },
        REMINDER: {
          zh: `以下项目仍在等待您以${level.zh}身份审批。下面的链接与上一封邮件中的相同。`,
          en: `The purchase below is still waiting for your decision as ${level.en}. The link below is the same as in the earlier e-mail.`,
        },
        ESCALATION: {
          zh: `${who.name}（${who.email}）未在期限内对以下项目作出${level.zh}审批，现转交您代为审批。之前发给${who.name}的链接已失效。`,
          en: `${who.name} (${who.email}) did not answer in time on the ${level.en} approval of the purchase below; it is now yours to decide as deputy. The link sent to ${who.name} no longer works.`,
        },
      };
    },
    action: { zh: '打开审批页面', en: 'Open the approval page' },
    decidesZh: '批准或驳回',
  },
  COUNTERSIGN: {
    subjectTags: {
      FIRST: { zh: '请会签合同', en: 'Countersign the contract' },
      REMINDER: { zh: '会签提醒', en: 'Reminder: countersignature pending' },
      ESCALATION: { zh: '转交会签', en: 'Escalated countersignature' },
    },
    ask(_model, who) {
      return {
        FIRST: {
          zh: '承接机构已签署并上传以下项目的服务合同。请打开页面核对已签署的文件后会签；如需修改，请退回并写明需要修改的内容。',
          en: 'The NGO has signed and uploaded the service contract of the purchase below. Open the page, check the signed file and countersign it; if something must change, refuse it and say what to fix.',
        },
        REMINDER: {
          zh: '以下项目的已签署合同仍在等待您会签。下面的链接与上一封邮件中的相同。',
          en: 'The signed contract of the purchase below is still waiting for your countersignature. The link below is the same as in the earlier e-mail.',
        },
        ESCALATION: {
          zh: `${who.name}（${who.email}）未在期限内会签以下项目的合同，现转交您代为会签。之前发给${who.name}的链接已失效。`,
          en: `${who.name} (${who.email}) did not countersign the contract of the purchase below in time; it is now yours to countersign as deputy. The link sent to ${who.name} no longer works.`,
        },
      };
    },
    action: { zh: '打开会签页面', en: 'Open the countersignature page' },
    decidesZh: '会签或退回',
  },
};

function factsOf(model: TaskMailModel): Fact[] {
  const facts = proposalFacts(model.proposal);
  if (model.round !== undefined)
    facts.push({
      label: { zh: '签署轮次', en: 'Round' },
      value: `第 ${model.round} 轮 Round ${model.round}`,
    });
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push(expiryFact(model.expiresAt));
  return facts;
}

/** Renders the request, the reminder or the escalation to the deputy, for the model's purpose. */
export function renderTaskMail(model: TaskMailModel): MailContent {
  const wording = WORDING[model.purpose];
  const expires = formatChinaTime(model.expiresAt);
  const who = model.attempt === 'ESCALATION' ? model.notAnsweredBy : { name: '', email: '' };
  return renderMail({
    subjectTag: wording.subjectTags[model.attempt],
    subjectTitle: model.proposal.title,
    intro: [
      { zh: `${model.recipientName}，您好：`, en: `Dear ${model.recipientName},` },
      wording.ask(model, who)[model.attempt],
    ],
    facts: factsOf(model),
    action: { label: wording.action, href: model.link },
    notes: [
      {
        zh: `打开链接只会显示确认页面，${wording.decidesZh}须在页面上确认后才生效。链接有效期至 ${expires}，仅供您本人使用，请勿转发。`,
        en: `Opening the link only shows a confirmation page; nothing is decided until you confirm there. The link works until ${expires} and is for you alone; please do not forward it.`,
      },
    ],
  });
}
