import type { BilingualText } from '../domain/bilingual.js';
import { formatChinaTime, InvalidTimestampError } from '../domain/china-time.js';
import type { Stage } from '../domain/lifecycle.js';
import { type Fen, formatYuan } from '../domain/money.js';
import type { PaymentStatus } from '../domain/payment-records.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import type { ProcurementMethod, Proposal, ServiceArea, TrancheMilestone } from '../domain/proposal.js';
import type { Outcome } from '../domain/purchase.js';
import type { PassedOver } from '../domain/separation-of-duties.js';
import type { TaskAttempt, TaskPurpose } from '../domain/tasks.js';

/**
 * What people read for the domain's codes, Simplified Chinese first and English second,
 * and the facts of a proposal that every e-mail and page shows.
 */

export const SERVICE_AREA_LABELS: Readonly<Record<ServiceArea, BilingualText>> = {
  ELDERLY_CARE: { zh: '养老服务', en: 'Elderly care' },
  MINOR_PROTECTION: { zh: '未成年人保护', en: 'Minor protection' },
  RURAL_REVITALISATION: { zh: '乡村振兴', en: 'Rural revitalisation' },
};

export const STAGE_LABELS: Readonly<Record<Stage, BilingualText>> = {
  PROPOSAL: { zh: '立项', en: 'Proposal' },
  APPROVAL: { zh: '审批中', en: 'Under approval' },
  CONTRACTING: { zh: '签订合同', en: 'Contracting' },
  MIDTERM_REVIEW: { zh: '服务实施及中期评估', en: 'Service delivery and mid-term review' },
  EVALUATION: { zh: '第三方评估', en: 'Third-party evaluation' },
  CLOSED: { zh: '已结项', en: 'Closed' },
  REJECTED: { zh: '未获批准', en: 'Rejected' },
  TERMINATED: { zh: '已终止', en: 'Terminated' },
};

/** How approval ended. */
export const OUTCOME_LABELS: Readonly<Record<Outcome['result'], BilingualText>> = {
  APPROVED: { zh: '已批准', en: 'Approved' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

/** What a human task is, as a noun ("the approval", "the countersignature"). */
export const TASK_PURPOSE_LABELS: Readonly<Record<TaskPurpose, BilingualText>> = {
  APPROVAL: { zh: '审批', en: 'approval' },
  COUNTERSIGN: { zh: '合同会签', en: 'countersignature' },
  PAYMENT_CONFIRMATION: { zh: '付款确认', en: 'payment confirmation' },
  MIDTERM_REVIEW: { zh: '中期评审', en: 'mid-term review' },
  LATE_REPORT: { zh: '逾期报告处理', en: 'late report decision' },
  EVALUATION: { zh: '评估', en: 'evaluation' },
  REVISION: { zh: '退回修改', en: 'revision' },
  AMENDMENT_APPROVAL: { zh: '合同变更审批', en: 'amendment approval' },
};

/** Where a task's asking stands: first asked, reminded, or escalated to the deputy. */
export const TASK_ATTEMPT_LABELS: Readonly<Record<TaskAttempt, BilingualText>> = {
  FIRST: { zh: '首次通知', en: 'first asked' },
  REMINDER: { zh: '已提醒', en: 'reminded' },
  ESCALATION: { zh: '已升级', en: 'escalated' },
};

export const PAYMENT_STATUS_LABELS: Readonly<Record<PaymentStatus, BilingualText>> = {
  NOTIFIED: { zh: '待付款', en: 'due' },
  CONFIRMED: { zh: '已付款', en: 'paid' },
  WAIVED: { zh: '免于支付', en: 'waived' },
  WITHHELD: { zh: '暂缓支付', en: 'withheld' },
  CANCELLED: { zh: '已取消', en: 'cancelled' },
};

export const APPROVAL_LEVEL_LABELS: Readonly<Record<ApprovalLevel, BilingualText>> = {
  SECTION_CHIEF: { zh: '科长', en: 'Section chief' },
  FINANCE_SECTION: { zh: '财务科', en: 'Finance section' },
  BUREAU_DIRECTOR: { zh: '局长', en: 'Bureau director' },
};

/** Why a person was passed over for a level under separation of duties, for the mail and the page. */
export function passedOverReason(passed: PassedOver): BilingualText {
  if (passed.conflict.rule === 'OWN_PROPOSAL')
    return {
      zh: `${passed.name}（${passed.email}）登记了本项目，不能审批本项目或其合同变更。`,
      en: `${passed.name} (${passed.email}) registered this proposal and may not approve it or an amendment of it.`,
    };
  if (passed.conflict.rule === 'OWN_AMENDMENT')
    return {
      zh: `${passed.name}（${passed.email}）提出了本次合同变更，不能审批自己的变更申请。`,
      en: `${passed.name} (${passed.email}) asked for this amendment and may not approve it.`,
    };
  const label = APPROVAL_LEVEL_LABELS[passed.conflict.level];
  return {
    zh: `${passed.name}（${passed.email}）已作为“${label.zh}”作出决定，同一人不能审批两个层级。`,
    en: `${passed.name} (${passed.email}) already decided as ${label.en}; one person may not decide two levels.`,
  };
}

export const TRANCHE_MILESTONE_LABELS: Readonly<Record<TrancheMilestone, BilingualText>> = {
  CONTRACT_SIGNED: { zh: '合同签订后', en: 'On contract signature' },
  MIDTERM_PASSED: { zh: '中期评估通过后', en: 'After the mid-term review passes' },
  EVALUATION_PASSED: { zh: '第三方评估通过后', en: 'After the third-party evaluation passes' },
};

export const PROCUREMENT_METHOD_LABELS: Readonly<Record<ProcurementMethod, BilingualText>> = {
  PUBLIC_TENDER: { zh: '公开招标', en: 'Public tender' },
  INVITED_TENDER: { zh: '邀请招标', en: 'Invited tender' },
  COMPETITIVE_NEGOTIATION: { zh: '竞争性谈判', en: 'Competitive negotiation' },
  COMPETITIVE_CONSULTATION: { zh: '竞争性磋商', en: 'Competitive consultation' },
  SINGLE_SOURCE: { zh: '单一来源', en: 'Single source' },
  INQUIRY: { zh: '询价', en: 'Request for quotation' },
};

export function bilingual(text: BilingualText): string {
  return `${text.zh} ${text.en}`;
}

/**
 * The facts of a proposal shown wherever someone is asked to decide on it. Picked field by
 * field so nothing else of a record (and never a task token) reaches a renderer.
 */
export interface ProposalSummary {
  purchaseId: string;
  title: string;
  ngoName: string;
  ngoCreditCode: string;
  totalFen: Fen;
  termStart: string;
  termEnd: string;
  serviceArea: ServiceArea;
  district: string;
}

export function summarizeProposal(purchaseId: string, proposal: Proposal): ProposalSummary {
  return {
    purchaseId,
    title: proposal.title,
    ngoName: proposal.ngo.name,
    ngoCreditCode: proposal.ngo.creditCode,
    totalFen: proposal.totalFen,
    termStart: proposal.term.start,
    termEnd: proposal.term.end,
    serviceArea: proposal.serviceArea,
    district: proposal.district,
  };
}

export { formatChinaTime, InvalidTimestampError };

/** One labelled fact of a summary, rendered as a table row in HTML and a line in text. */
export interface Fact {
  label: BilingualText;
  /** A name, a figure, a date; or a sentence, which is given in both languages. */
  value: string | BilingualText;
}

export function proposalFacts(summary: ProposalSummary): Fact[] {
  const area = SERVICE_AREA_LABELS[summary.serviceArea];
  return [
    { label: { zh: '项目名称', en: 'Title' }, value: summary.title },
    { label: { zh: '项目编号', en: 'Purchase reference' }, value: summary.purchaseId },
    { label: { zh: '承接机构', en: 'NGO' }, value: summary.ngoName },
    { label: { zh: '统一社会信用代码', en: 'Unified social credit code' }, value: summary.ngoCreditCode },
    { label: { zh: '金额', en: 'Amount' }, value: formatYuan(summary.totalFen) },
    { label: { zh: '服务期限', en: 'Term' }, value: `${summary.termStart} 至 to ${summary.termEnd}` },
    { label: { zh: '服务领域', en: 'Service area' }, value: bilingual(area) },
    { label: { zh: '所在区', en: 'District' }, value: summary.district },
  ];
}

export function levelFact(level: ApprovalLevel): Fact {
  return { label: { zh: '审批级别', en: 'Approval level' }, value: bilingual(APPROVAL_LEVEL_LABELS[level]) };
}

export function expiryFact(expiresAt: string): Fact {
  return { label: { zh: '链接有效期至', en: 'Link valid until' }, value: formatChinaTime(expiresAt) };
}
