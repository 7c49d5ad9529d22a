import { GRADE_LABELS, type Grade } from '../domain/evaluation.js';
import { type Fen, formatYuan } from '../domain/money.js';
import type { TrancheReduction } from '../domain/payment-records.js';
import type { PlannedTranche } from '../domain/payments.js';
import type { TrancheMilestone } from '../domain/proposal.js';
import { TRANCHE_MILESTONE_LABELS } from './labels.js';

/** The text finance receives on the payments topic when a tranche falls due. */

export interface PaymentNoticeInput {
  purchaseId: string;
  title: string;
  ngo: { name: string; creditCode: string };
  tranche: Pick<PlannedTranche, 'tranche' | 'milestone'>;
  amountFen: Fen;
  /** A final tranche the evaluation's grade reduced: the notice says the plan and the share. */
  reduction?: TrancheReduction;
  /** `YYYY-MM-DD`, China date (see paymentDueDate). */
  dueDate: string;
  /** The capability link finance uses to confirm the payment was made. */
  confirmLink: string;
}

export interface PaymentNotice {
  /** ASCII and under 100 characters, as SNS requires of e-mail subjects. */
  subject: string;
  message: string;
  /** String message attributes for SNS subscription filters. */
  attributes: { purchaseId: string; tranche: string; amountFen: string; milestone: TrancheMilestone };
}

/** Yuan for an ASCII-only line: 14400000 -> "CNY 144,000.00". */
function asciiYuan(fen: Fen): string {
  return formatYuan(fen).replace('¥', 'CNY ');
}

function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '');
}

/** What finance receives when a tranche falls due: amount, payee and due date, Chinese first. */
export function paymentNotice(input: PaymentNoticeInput): PaymentNotice {
  const { purchaseId, title, ngo, tranche, amountFen, reduction, dueDate, confirmLink } = input;
  const grade = reduction ? GRADE_LABELS[reduction.grade as Grade] : undefined;
  const milestone = TRANCHE_MILESTONE_LABELS[tranche.milestone];
  const amount = formatYuan(amountFen);
  const subject = asciiOnly(
    `Payment due ${dueDate}: tranche ${tranche.tranche} of ${purchaseId}, ${asciiYuan(amountFen)}`,
  ).slice(0, 99);
  const message = [
    '政府购买服务项目付款通知',
    '',
    `项目名称：${title}`,
    `项目编号：${purchaseId}`,
    `承接机构：${ngo.name}`,
    `收款单位：${ngo.name}（统一社会信用代码 ${ngo.creditCode}）`,
    `付款批次：第 ${tranche.tranche} 笔（${milestone.zh}）`,
    `付款金额：${amount}（${amountFen} 分）`,
    ...(reduction
      ? [
          `核减说明：计划金额 ${formatYuan(reduction.plannedFen)}，第三方评估等级“${grade?.zh ?? reduction.grade}”，按 ${reduction.sharePercent}% 支付`,
        ]
      : []),
    `付款期限：${dueDate} 前`,
    `付款完成后请点击以下链接确认：${confirmLink}`,
    '',
    'Payment notice: government purchase of services',
    '',
    `Title: ${title}`,
    `Purchase reference: ${purchaseId}`,
    `NGO: ${ngo.name}`,
    `Payee: ${ngo.name} (unified social credit code ${ngo.creditCode})`,
    `Tranche: ${tranche.tranche} (${milestone.en})`,
    `Amount: ${amount} (${amountFen} fen)`,
    ...(reduction
      ? [
          `Reduced: planned ${formatYuan(reduction.plannedFen)}; the third-party evaluation graded ${grade?.en ?? reduction.grade}, which pays ${reduction.sharePercent}%`,
        ]
      : []),
    `Due by: ${dueDate}`,
    `When the payment is made, confirm it here: ${confirmLink}`,
  ].join('\n');
  return {
    subject,
    message,
    attributes: {
      purchaseId,
      tranche: String(tranche.tranche),
      amountFen: String(amountFen),
      milestone: tranche.milestone,
    },
  };
}
