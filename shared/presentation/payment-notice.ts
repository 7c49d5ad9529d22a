import { GRADE_LABELS, type Grade } from '../domain/evaluation.js';
import { type Fen, formatYuan } from '../domain/money.js';
import { accountNameDiffers, groupedAccountNumber } from '../domain/payee-account.js';
import type { TrancheReduction } from '../domain/payment-records.js';
import type { PlannedTranche } from '../domain/payments.js';
import type { Proposal, TrancheMilestone } from '../domain/proposal.js';
import { TRANCHE_MILESTONE_LABELS } from './labels.js';

/** The text finance receives on the payments topic when a tranche falls due. */

export interface PaymentNoticeInput {
  purchaseId: string;
  title: string;
  /** The payee: the NGO and its registered bank account, in full (the notice goes to finance only). */
  ngo: Pick<Proposal['ngo'], 'name' | 'creditCode' | 'bankAccount'>;
  tranche: Pick<PlannedTranche, 'tranche' | 'milestone'>;
  amountFen: Fen;
  /** A final tranche the evaluation's grade reduced: the notice says the plan and the share. */
  reduction?: TrancheReduction;
  /** `YYYY-MM-DD`, China date (see paymentDueDate). */
  dueDate: string;
  /** The capability link finance uses to confirm the payment was made. */
  confirmLink: string;
  /** A reminder of a tranche still unconfirmed this many working days after its due date. */
  overdueWorkingDays?: number;
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

/** Where to pay, as registered with the proposal; and a warning when the account is in another name. */
function payeeAccountLines(ngo: PaymentNoticeInput['ngo']): { zh: string[]; en: string[] } {
  const account = ngo.bankAccount;
  if (!account)
    return {
      zh: ['收款账户：未登记。请向经办人索取机构的收款账户并核实后再付款。'],
      en: [
        "Account: none registered. Ask the officer who registered the purchase for the NGO's account, and check it, before paying.",
      ],
    };
  const zh = [
    `收款账户：${account.bankName}，户名 ${account.accountName}，账号 ${groupedAccountNumber(account.accountNumber)}`,
  ];
  const en = [
    `Account: ${account.bankName}, in the name of ${account.accountName}, number ${groupedAccountNumber(account.accountNumber)}`,
  ];
  if (accountNameDiffers(ngo)) {
    zh.push('注意：户名与承接机构名称不一致，付款前请与经办人核实。');
    en.push("Check first: the account is not in the NGO's name. Confirm it with the officer before paying.");
  }
  return { zh, en };
}

/**
 * What finance receives when a tranche falls due: amount, payee and due date, Chinese first; and
 * the same as a reminder (`overdueWorkingDays`) when it is still unconfirmed after its due date.
 */
export function paymentNotice(input: PaymentNoticeInput): PaymentNotice {
  const { purchaseId, title, ngo, tranche, amountFen, reduction, dueDate, confirmLink } = input;
  const overdue = input.overdueWorkingDays;
  const grade = reduction ? GRADE_LABELS[reduction.grade as Grade] : undefined;
  const milestone = TRANCHE_MILESTONE_LABELS[tranche.milestone];
  const amount = formatYuan(amountFen);
  const what = `tranche ${tranche.tranche} of ${purchaseId}, ${asciiYuan(amountFen)}`;
  const subject = asciiOnly(
    overdue === undefined
      ? `Payment due ${dueDate}: ${what}`
      : `Reminder: payment overdue since ${dueDate}: ${what}`,
  ).slice(0, 99);
  const message = [
    ...(overdue === undefined
      ? ['政府购买服务项目付款通知']
      : [
          '政府购买服务项目付款提醒',
          `该笔款项已过付款期限 ${overdue} 个工作日，尚未确认付款。如已付款，请立即点击下方链接确认；如未付款，请尽快支付。`,
        ]),
    '',
    `项目名称：${title}`,
    `项目编号：${purchaseId}`,
    `承接机构：${ngo.name}`,
    `收款单位：${ngo.name}（统一社会信用代码 ${ngo.creditCode}）`,
    ...payeeAccountLines(ngo).zh,
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
    ...(overdue === undefined
      ? ['Payment notice: government purchase of services']
      : [
          'Payment reminder: government purchase of services',
          `This tranche is ${overdue} working days past its due date and nobody has confirmed it paid. If it was paid, confirm it at once with the link below; if not, pay it as soon as possible.`,
        ]),
    '',
    `Title: ${title}`,
    `Purchase reference: ${purchaseId}`,
    `NGO: ${ngo.name}`,
    `Payee: ${ngo.name} (unified social credit code ${ngo.creditCode})`,
    ...payeeAccountLines(ngo).en,
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
