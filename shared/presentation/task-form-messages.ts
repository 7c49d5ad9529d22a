import type { BilingualText } from '../domain/bilingual.js';
import { CRITERION_LABELS } from '../domain/evaluation.js';
import type { EvaluationCriterion } from '../domain/lifecycle-settings.js';
import { formatYuan } from '../domain/money.js';
import type { HumanTask, LinkPurpose, ReasonedDecision } from '../domain/tasks.js';
import { BAD_REQUEST_MESSAGES } from './pages/status-pages.js';

/**
 * What a POSTed task form is told when it is refused (the 400 page of a task link), in Chinese
 * and English: the texts, and those built from the refused criterion or the review's rounds.
 */

/** Why a POST was refused, beyond the approval's messages in status-pages.ts. */
export const TASK_FORM_MESSAGES = {
  NOT_DECIDABLE_HERE: {
    zh: '此任务不能在此页面处理。请联系发起采购的经办人。',
    en: 'This task cannot be decided on this page. Contact the officer who registered the purchase.',
  },
  INVALID_COUNTERSIGN_DECISION: {
    zh: '请点击“会签”或“退回”按钮提交。',
    en: 'Submit with the Countersign or the Refuse button.',
  },
  INVALID_PAYMENT_DECISION: {
    zh: '请点击“确认已付款”按钮提交。',
    en: 'Submit with the Confirm payment made button.',
  },
  INVALID_MIDTERM_DECISION: {
    zh: '请点击“通过”“整改”或“终止”按钮提交。',
    en: 'Submit with the Pass, the Rectify or the Terminate button.',
  },
  INVALID_LATE_REPORT_DECISION: {
    zh: '请点击“延期”或“终止”按钮提交。',
    en: 'Submit with the Extend or the Terminate button.',
  },
  RECTIFY_COMMENT_REQUIRED: {
    zh: '要求整改时必须写明需要整改的内容（将转告承接机构）。请返回上一页填写评审意见后再提交。',
    en: 'When asking for rectification, say what the NGO must fix (it is passed on to them). Go back, write it in the comment box and submit again.',
  },
  TERMINATION_COMMENT_REQUIRED: {
    zh: '终止项目时必须写明理由。请返回上一页填写意见后再提交。',
    en: 'When terminating the purchase, give the reason. Go back, write it in the comment box and submit again.',
  },
  REFUSAL_COMMENT_REQUIRED: {
    zh: '退回时必须写明需要修改的内容（将转告承接机构）。请返回上一页填写会签意见后再提交。',
    en: 'When refusing, say what the NGO must fix (it is passed on to them). Go back, write it in the comment box and submit again.',
  },
  REFERENCE_REQUIRED: {
    zh: '请填写“银行交易流水号”（reference）后再提交。',
    en: 'Fill in the bank transaction reference (field “reference”) and submit again.',
  },
  INVALID_EVALUATION_DECISION: {
    zh: '请勾选独立性声明后点击“声明无利益冲突”，或点击“谢绝评估”“声明存在利益冲突”按钮；声明之后，请点击“提交评分”按钮提交。',
    en: 'Tick the declaration and press Declare independence, or press Decline or Declare a conflict; once declared, submit with the Submit scores button.',
  },
  DECLINE_COMMENT_REQUIRED: {
    zh: '谢绝评估时必须写明理由（将记入项目档案）。请返回上一页填写后再提交。',
    en: 'When declining, give the reason (it goes on the purchase record). Go back, write it and submit again.',
  },
  RETURN_COMMENT_REQUIRED: {
    zh: '退回修改时必须写明需要修改的内容（将转告经办人）。请返回上一页填写审批意见后再提交。',
    en: 'When returning for revision, say what the officer must correct (it is passed on to them). Go back, write it in the comment box and submit again.',
  },
  CONFLICT_COMMENT_REQUIRED: {
    zh: '声明利益冲突时必须写明冲突的具体情况（将记入项目档案）。请返回上一页填写后再提交。',
    en: 'When declaring a conflict of interest, say what it is (it goes on the purchase record). Go back, write it and submit again.',
  },
  DECLINE_AFTER_DECLARATION: {
    zh: '贵机构已声明独立并查阅了项目材料，不能再谢绝评估。如出现利益冲突，请点击“声明存在利益冲突”并写明情况；否则请提交评分。',
    en: 'Your agency has declared its independence and seen the file, so it can no longer decline. If a conflict of interest has arisen, press Declare a conflict and say what it is; otherwise submit the scores.',
  },
  DECLARATION_FIRST: {
    zh: '请先声明与承接机构及采购单位不存在利益冲突，然后才能提交评分。请重新打开邮件中的链接完成声明。',
    en: 'Declare your independence from the NGO and the bureau first; scores can only be submitted after that. Open the link in the e-mail again to make the declaration.',
  },
  NOT_DRAFTABLE: {
    zh: '此任务不能保存草稿。',
    en: 'This task keeps no draft.',
  },
  NOT_DECLARABLE: {
    zh: '此任务不需要独立性声明。',
    en: 'This task takes no declaration of independence.',
  },
  ACTING_EMAIL_REQUIRED: {
    zh: '此链接发往多人共用的邮箱，请填写您本人的工作邮箱（actingEmail），以便记录由谁作出决定。',
    en: 'This link went to a shared mailbox: fill in your own work e-mail address (field “actingEmail”) so the record says who decided.',
  },
  ACTING_EMAIL_INVALID: {
    zh: '“您本人的邮箱”（actingEmail）不是有效的邮箱地址（例如 name@civil-affairs.example.gov.cn）。请返回上一页更正后再提交。',
    en: 'Your own e-mail address (field “actingEmail”) is not a valid address (e.g. name@civil-affairs.example.gov.cn). Go back, correct it and submit again.',
  },
  REFERENCE_INVALID: {
    zh: '“银行交易流水号”（reference）须为 4–64 个字符，只能包含字母、数字、“-”“_”“/”。请返回上一页更正后再提交。',
    en: "The bank transaction reference (field “reference”) must be 4-64 characters: letters, digits, '-', '_' or '/'. Go back, correct it and submit again.",
  },
  AMOUNT_INVALID: {
    zh: '“本次实付金额”（amount）须为以元为单位、大于零的金额，最多两位小数，例如 43,200.00。请返回上一页更正后再提交。',
    en: 'The amount paid now (field “amount”) must be an amount of yuan above zero with at most two decimals, e.g. 43,200.00. Go back, correct it and submit again.',
  },
} as const satisfies Record<string, BilingualText>;

/** A part payment typed above what this link asks for: the rest of a tranche is never overpaid. */
export function amountAboveDue(dueFen: number): BilingualText {
  const due = formatYuan(dueFen);
  return {
    zh: `“本次实付金额”（amount）不能超过此链接的待付金额 ${due}。请返回上一页更正后再提交。`,
    en: `The amount paid now (field “amount”) cannot be more than the ${due} due on this link. Go back, correct it and submit again.`,
  };
}

/** What a POST is told whose decision is none its purpose's page offers (DECISIONS_BY_PURPOSE). */
export const INVALID_DECISION_MESSAGES: Readonly<Record<LinkPurpose, BilingualText>> = {
  APPROVAL: BAD_REQUEST_MESSAGES.INVALID_DECISION,
  COUNTERSIGN: TASK_FORM_MESSAGES.INVALID_COUNTERSIGN_DECISION,
  PAYMENT_CONFIRMATION: TASK_FORM_MESSAGES.INVALID_PAYMENT_DECISION,
  MIDTERM_REVIEW: TASK_FORM_MESSAGES.INVALID_MIDTERM_DECISION,
  LATE_REPORT: TASK_FORM_MESSAGES.INVALID_LATE_REPORT_DECISION,
  EVALUATION: TASK_FORM_MESSAGES.INVALID_EVALUATION_DECISION,
  AMENDMENT_APPROVAL: BAD_REQUEST_MESSAGES.INVALID_DECISION,
};

/** What a POST of a decision that needs a reason (needsReason) is told without one. */
export const COMMENT_MISSING_MESSAGES: Readonly<Record<ReasonedDecision, BilingualText>> = {
  REJECT: BAD_REQUEST_MESSAGES.COMMENT_REQUIRED,
  REFUSE: TASK_FORM_MESSAGES.REFUSAL_COMMENT_REQUIRED,
  RECTIFY: TASK_FORM_MESSAGES.RECTIFY_COMMENT_REQUIRED,
  TERMINATE: TASK_FORM_MESSAGES.TERMINATION_COMMENT_REQUIRED,
  DECLINE: TASK_FORM_MESSAGES.DECLINE_COMMENT_REQUIRED,
  CONFLICT: TASK_FORM_MESSAGES.CONFLICT_COMMENT_REQUIRED,
  RETURN: TASK_FORM_MESSAGES.RETURN_COMMENT_REQUIRED,
};

/** Why a criterion's score was refused: missing, out of range, or more than one decimal. */
export function invalidScore(criterion: string): BilingualText {
  const label = Object.hasOwn(CRITERION_LABELS, criterion)
    ? CRITERION_LABELS[criterion as EvaluationCriterion]
    : { zh: criterion, en: criterion };
  return {
    zh: `“${label.zh}”的评分（score_${criterion}）须为 0–100 之间的数，最多一位小数。请返回上一页更正后再提交。`,
    en: `The score for ${label.en} (field score_${criterion}) must be a number from 0 to 100 with at most one decimal. Go back, correct it and submit again.`,
  };
}

/** Why a score of a criterion outside the rubric was refused (a page from before the rubric changed). */
export function unknownCriterion(criterion: string): BilingualText {
  return {
    zh: `“${criterion}”（score_${criterion}）不是本评分表的评分项。请重新打开邮件中的链接后再评分。`,
    en: `${criterion} (field score_${criterion}) is not a criterion of this rubric. Open the link in the e-mail again and score once more.`,
  };
}

/** Why a RECTIFY is refused: the round has no rectification left (rectificationAllowed), in its numbers when known. */
export function noRectificationLeft(context: HumanTask['context']): BilingualText {
  const { round, maxRounds } = context ?? {};
  if (round === undefined || maxRounds === undefined)
    return {
      zh: '此评审未记录当前轮次或最多轮次，不能要求整改。请返回上一页选择“通过”或“终止”，或联系经办人。',
      en: 'This review does not record its round or the last round, so rectification cannot be asked for. Go back and choose Pass or Terminate, or contact the officer.',
    };
  return {
    zh: `已是最后一轮（第 ${round} 轮，共 ${maxRounds} 轮），不能再要求整改。请返回上一页选择“通过”或“终止”。`,
    en: `This is the last round (round ${round} of ${maxRounds}): rectification can no longer be asked for. Go back and choose Pass or Terminate.`,
  };
}
