import type { BilingualText } from '../../domain/bilingual.js';
import type { ApprovalLevel } from '../../domain/policy-settings.js';
import type { Proposal } from '../../domain/proposal.js';
import type { TaskAttempt } from '../../domain/tasks.js';
import {
  APPROVAL_LEVEL_LABELS,
  expiryFact,
  type Fact,
  formatChinaTime,
  levelFact,
  type ProposalSummary,
  proposalFacts,
  summarizeProposal,
} from '../labels.js';
import { onBehalfOfText } from '../on-behalf-of.js';
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
export type TaskMailPurpose =
  | 'APPROVAL'
  | 'COUNTERSIGN'
  | 'MIDTERM_REVIEW'
  | 'LATE_REPORT'
  | 'EVALUATION'
  | 'AMENDMENT_APPROVAL';

interface TaskMailBase {
  purpose: TaskMailPurpose;
  /** Name of the person the link belongs to. */
  recipientName: string;
  /** Why others were passed over for this task under separation of duties (passedOverReason). */
  passedOver?: BilingualText[];
  /** The approver the recipient decides for while they are away (delegation.ts). */
  onBehalfOf?: MailPerson;
  /** Required for APPROVAL (the level deciding); shown for other purposes when given. */
  level?: ApprovalLevel;
  /**
   * COUNTERSIGN: which signed upload this is (1, then +1 after every refusal); MIDTERM_REVIEW and
   * LATE_REPORT: which mid-term report (1, then +1 after every rectification).
   */
  round?: number;
  /** LATE_REPORT: the China date the report was due, `YYYY-MM-DD`. */
  dueDate?: string;
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
  dueDate?: string;
  attempt: TaskAttempt;
  link: string;
  expiresAt: string;
  recipientName: string;
  /** Required for ESCALATION: the person who let the task time out. */
  notAnsweredBy?: MailPerson;
  passedOver?: BilingualText[];
  onBehalfOf?: MailPerson;
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
  if (input.dueDate !== undefined) base.dueDate = input.dueDate;
  if (input.passedOver?.length) base.passedOver = input.passedOver.map(({ zh, en }) => ({ zh, en }));
  if (input.onBehalfOf) base.onBehalfOf = { name: input.onBehalfOf.name, email: input.onBehalfOf.email };
  if (input.attempt !== 'ESCALATION') return { ...base, attempt: input.attempt };
  if (!input.notAnsweredBy) throw new MailModelError('an escalation e-mail must say who did not answer');
  const { name, email } = input.notAnsweredBy;
  return { ...base, attempt: 'ESCALATION', notAnsweredBy: { name, email } };
}

/**
 * A purpose's words. The reminder and the escalation are the same sentences for every
 * purpose around two phrases of its own: what is still waiting, and what was not done in time.
 */
interface PurposeWording {
  subjectTags: Readonly<Record<TaskAttempt, BilingualText>>;
  /** The first request. */
  ask(model: TaskMailModel): BilingualText;
  /** Completes "… is still waiting": `以下项目仍在等待您…` / `The purchase below is still waiting for …`. */
  waiting(model: TaskMailModel): BilingualText;
  /**
   * What the person who let the task time out did not do, and what the deputy is now asked:
   * follows `<name>（<email>）` / `<name> (<email>)`.
   */
  missed(model: TaskMailModel): BilingualText;
  action: BilingualText;
  /** What the confirmation page offers, for the note under the link. */
  decidesZh: string;
  /** The label of the round fact, when the model has a round. */
  roundLabel: BilingualText;
}

function asLevel(model: TaskMailModel): BilingualText {
  const level = model.level ? APPROVAL_LEVEL_LABELS[model.level] : { zh: '审批人', en: 'Approver' };
  return { zh: level.zh, en: level.en.toLowerCase() };
}

const REPORT_ROUND: BilingualText = { zh: '报告轮次', en: 'Report round' };

/** An amendment is asked level by level like the proposal was; its page shows each change. */
const AMENDMENT_WORDING: PurposeWording = {
  subjectTags: {
    FIRST: { zh: '请审批合同变更', en: 'Amendment approval request' },
    REMINDER: { zh: '合同变更审批提醒', en: 'Reminder: amendment approval pending' },
    ESCALATION: { zh: '转交合同变更审批', en: 'Escalated amendment approval' },
  },
  ask(model) {
    const level = asLevel(model);
    return {
      zh: `经办人申请变更以下已签署的政府购买服务合同。请打开页面核对每项变更（原值 → 新值）及理由，以${level.zh}身份批准或驳回。`,
      en: `The officer asks to amend the signed contract of the purchase below. Open the page, check each change (former → new) and the rationale, and approve or reject it as ${level.en}.`,
    };
  },
  waiting(model) {
    const level = asLevel(model);
    return {
      zh: `以下项目的合同变更仍在等待您以${level.zh}身份审批`,
      en: `The amendment of the purchase below is still waiting for your decision as ${level.en}`,
    };
  },
  missed(model) {
    const level = asLevel(model);
    return {
      zh: `未在期限内对以下项目的合同变更作出${level.zh}审批，现转交您代为审批`,
      en: `did not answer in time on the ${level.en} approval of the amendment of the purchase below; it is now yours to decide as deputy`,
    };
  },
  action: { zh: '打开变更审批页面', en: 'Open the amendment page' },
  decidesZh: '批准或驳回',
  roundLabel: { zh: '轮次', en: 'Round' },
};

const WORDING: Readonly<Record<TaskMailPurpose, PurposeWording>> = {
  APPROVAL: {
    subjectTags: {
      FIRST: { zh: '请审批', en: 'Approval request' },
      REMINDER: { zh: '审批提醒', en: 'Reminder: approval pending' },
      ESCALATION: { zh: '转交审批', en: 'Escalated approval' },
    },
    ask(model) {
      const level = asLevel(model);
      return {
        zh: `请以${level.zh}身份审批以下政府购买服务项目。`,
        en: `Please approve or reject the purchase of services below, as ${level.en}.`,
      };
    },
    waiting(model) {
      const level = asLevel(model);
      return {
        zh: `以下项目仍在等待您以${level.zh}身份审批`,
        en: `The purchase below is still waiting for your decision as ${level.en}`,
      };
    },
    missed(model) {
      const level = asLevel(model);
      return {
        zh: `未在期限内对以下项目作出${level.zh}审批，现转交您代为审批`,
        en: `did not answer in time on the ${level.en} approval of the purchase below; it is now yours to decide as deputy`,
      };
    },
    action: { zh: '打开审批页面', en: 'Open the approval page' },
    decidesZh: '批准或驳回',
    roundLabel: { zh: '轮次', en: 'Round' },
  },
  COUNTERSIGN: {
    subjectTags: {
      FIRST: { zh: '请会签合同', en: 'Countersign the contract' },
      REMINDER: { zh: '会签提醒', en: 'Reminder: countersignature pending' },
      ESCALATION: { zh: '转交会签', en: 'Escalated countersignature' },
    },
    ask: () => ({
      zh: '承接机构已签署并上传以下项目的服务合同。请打开页面核对已签署的文件后会签；如需修改，请退回并写明需要修改的内容。',
      en: 'The NGO has signed and uploaded the service contract of the purchase below. Open the page, check the signed file and countersign it; if something must change, refuse it and say what to fix.',
    }),
    waiting: () => ({
      zh: '以下项目的已签署合同仍在等待您会签',
      en: 'The signed contract of the purchase below is still waiting for your countersignature',
    }),
    missed: () => ({
      zh: '未在期限内会签以下项目的合同，现转交您代为会签',
      en: 'did not countersign the contract of the purchase below in time; it is now yours to countersign as deputy',
    }),
    action: { zh: '打开会签页面', en: 'Open the countersignature page' },
    decidesZh: '会签或退回',
    roundLabel: { zh: '签署轮次', en: 'Round' },
  },
  MIDTERM_REVIEW: {
    subjectTags: {
      FIRST: { zh: '请审阅中期报告', en: 'Review the mid-term report' },
      REMINDER: { zh: '中期评审提醒', en: 'Reminder: mid-term review pending' },
      ESCALATION: { zh: '转交中期评审', en: 'Escalated mid-term review' },
    },
    ask: () => ({
      zh: '承接机构已提交以下项目的中期报告。请打开页面审阅报告，然后选择通过（第二期款项随即到期）、要求整改（写明需要整改的内容）或终止项目。',
      en: 'The NGO has submitted the mid-term report of the purchase below. Open the page, read the report, then pass it (the second tranche becomes due), ask for rectification (say what to fix) or terminate the purchase.',
    }),
    waiting: () => ({
      zh: '以下项目的中期报告仍在等待您审阅',
      en: 'The mid-term report of the purchase below is still waiting for your review',
    }),
    missed: () => ({
      zh: '未在期限内审阅以下项目的中期报告，现转交您代为审阅',
      en: 'did not review the mid-term report of the purchase below in time; it is now yours to review as deputy',
    }),
    action: { zh: '打开中期评审页面', en: 'Open the mid-term review page' },
    decidesZh: '通过、整改或终止',
    roundLabel: REPORT_ROUND,
  },
  LATE_REPORT: {
    subjectTags: {
      FIRST: { zh: '中期报告逾期', en: 'Mid-term report overdue' },
      REMINDER: { zh: '逾期报告处理提醒', en: 'Reminder: overdue report decision pending' },
      ESCALATION: { zh: '转交逾期报告处理', en: 'Escalated overdue report' },
    },
    ask: ({ dueDate }) => ({
      zh: `承接机构未在截止日期${dueDate === undefined ? '' : `（${dueDate}）`}及宽限期内提交以下项目的中期报告。请打开页面决定延期（再给一个宽限期）或终止项目。`,
      en: `The NGO did not submit the mid-term report of the purchase below by its due date${dueDate === undefined ? '' : ` (${dueDate})`} or within the grace period. Open the page and decide whether to extend (another grace period) or to terminate the purchase.`,
    }),
    waiting: () => ({
      zh: '以下项目逾期的中期报告仍在等待您决定如何处理',
      en: 'The overdue mid-term report of the purchase below is still waiting for your decision',
    }),
    missed: () => ({
      zh: '未在期限内对以下项目逾期的中期报告作出决定，现转交您代为决定',
      en: 'did not decide in time on the overdue mid-term report of the purchase below; it is now yours to decide as deputy',
    }),
    action: { zh: '打开逾期报告处理页面', en: 'Open the overdue report page' },
    decidesZh: '延期或终止',
    roundLabel: REPORT_ROUND,
  },
  // Escalation of an evaluation hands it to another agency, whose mail is a FIRST; the
  // escalation sentences below only serve a purpose-blind caller.
  EVALUATION: {
    subjectTags: {
      FIRST: { zh: '第三方评估邀请', en: 'Third-party evaluation' },
      REMINDER: { zh: '第三方评估提醒', en: 'Reminder: third-party evaluation pending' },
      ESCALATION: { zh: '转交第三方评估', en: 'Reassigned third-party evaluation' },
    },
    ask: ({ proposal }) => ({
      zh: `贵机构受邀对以下政府购买服务项目进行第三方评估。请打开页面，先声明与承接机构${proposal.ngoName}及采购单位之间不存在财务、亲属、雇佣或咨询关系（声明之后才会显示项目报告），然后按评分表为项目打分。如不能承接，或存在利益冲突，请勿声明，请在页面上点击“谢绝评估”或“声明存在利益冲突”并写明理由，采购单位将立即邀请另一家机构。`,
      en: `Your agency is invited to evaluate the purchase of services below as a third party. Open the page and first declare that you have no financial, family, employment or advisory relationship with the NGO ${proposal.ngoName} or with the bureau (the project reports are shown only after that), then score the project on the rubric. If your agency cannot take it, or has a conflict of interest, do not declare: press Decline or Declare a conflict on the page and say why, and the bureau invites another agency at once.`,
    }),
    waiting: () => ({
      zh: '以下项目仍在等待贵机构声明独立性并完成评分',
      en: 'The purchase below is still waiting for your agency to declare its independence and submit the scores',
    }),
    missed: () => ({
      zh: '未在期限内完成以下项目的第三方评估，现改由贵机构评估',
      en: 'did not complete the third-party evaluation of the purchase below in time; it is now assigned to your agency',
    }),
    action: { zh: '打开第三方评估页面', en: 'Open the evaluation page' },
    decidesZh: '独立性声明和评分',
    roundLabel: { zh: '轮次', en: 'Round' },
  },
  AMENDMENT_APPROVAL: AMENDMENT_WORDING,
};

/** The request of the model's attempt: the first ask, or the shared reminder and escalation sentences. */
function requestOf(model: TaskMailModel, wording: PurposeWording): BilingualText {
  switch (model.attempt) {
    case 'FIRST':
      return wording.ask(model);
    case 'REMINDER': {
      const waiting = wording.waiting(model);
      return {
        zh: `${waiting.zh}。下面的链接与上一封邮件中的相同。`,
        en: `${waiting.en}. The link below is the same as in the earlier e-mail.`,
      };
    }
    case 'ESCALATION': {
      const { name, email } = model.notAnsweredBy;
      const missed = wording.missed(model);
      return {
        zh: `${name}（${email}）${missed.zh}。之前发给${name}的链接已失效。`,
        en: `${name} (${email}) ${missed.en}. The link sent to ${name} no longer works.`,
      };
    }
  }
}

/** Why a delegate is asked: the approver is away and named them; the record will say "X for Y". */
function onBehalfOfParagraphs(model: TaskMailModel): BilingualText[] {
  if (!model.onBehalfOf) return [];
  const { name, email } = model.onBehalfOf;
  const recorded = onBehalfOfText(model.recipientName, model.onBehalfOf);
  return [
    {
      zh: `${name}（${email}）外出期间委托您代为审批，本任务发给您。您的决定将记录为“${recorded.zh}”。`,
      en: `${name} (${email}) is away and named you to decide for them, so this task is yours. Your decision is recorded as "${recorded.en}".`,
    },
  ];
}

/** Why this person, not the usual one, is asked: separation of duties passed the others over. */
function passedOverOf(model: TaskMailModel): BilingualText[] {
  if (!model.passedOver) return [];
  return [
    {
      zh: '按照职责分离的规定，本任务改由您处理：',
      en: 'Under separation of duties this task is yours because:',
    },
    ...model.passedOver,
  ];
}

function factsOf(model: TaskMailModel, wording: PurposeWording): Fact[] {
  const facts = proposalFacts(model.proposal);
  if (model.dueDate !== undefined)
    facts.push({ label: { zh: '报告截止日期', en: 'Report due' }, value: model.dueDate });
  if (model.round !== undefined)
    facts.push({ label: wording.roundLabel, value: `第 ${model.round} 轮 Round ${model.round}` });
  if (model.level !== undefined) facts.push(levelFact(model.level));
  facts.push(expiryFact(model.expiresAt));
  return facts;
}

/** Renders the request, the reminder or the escalation to the deputy, for the model's purpose. */
export function renderTaskMail(model: TaskMailModel): MailContent {
  const wording = WORDING[model.purpose];
  const expires = formatChinaTime(model.expiresAt);
  return renderMail({
    subjectTag: wording.subjectTags[model.attempt],
    subjectTitle: model.proposal.title,
    intro: [
      { zh: `${model.recipientName}，您好：`, en: `Dear ${model.recipientName},` },
      requestOf(model, wording),
      ...onBehalfOfParagraphs(model),
      ...passedOverOf(model),
    ],
    facts: factsOf(model, wording),
    action: { label: wording.action, href: model.link },
    notes: [
      {
        zh: `打开链接只会显示确认页面，${wording.decidesZh}须在页面上确认后才生效。链接有效期至 ${expires}，仅供您本人使用，请勿转发。`,
        en: `Opening the link only shows a confirmation page; nothing is decided until you confirm there. The link works until ${expires} and is for you alone; please do not forward it.`,
      },
    ],
  });
}
