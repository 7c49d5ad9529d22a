import { formatYuan } from '../../domain/money.js';
import type { PaymentRecord } from '../../domain/payment-records.js';
import type { Proposal } from '../../domain/proposal.js';
import { formatChinaTime, TRANCHE_MILESTONE_LABELS } from '../labels.js';
import { type MailContent, renderMail } from './layout.js';

/** What the escalation of an unconfirmed tranche says. */
export interface PaymentEscalationMailInput {
  purchaseId: string;
  proposal: Pick<Proposal, 'title' | 'ngo'>;
  payment: Pick<PaymentRecord, 'tranche' | 'milestone' | 'amountFen' | 'dueDate' | 'remindedAt'>;
  /** Working days past the due date. */
  overdueWorkingDays: number;
}

/**
 * The mail to the head of the finance section and the bureau director about a tranche nobody has
 * confirmed paid well past its due date. It carries no link: the confirmation link is the finance
 * clerks', and the heads see the tranche on the console's Tranches due page.
 */
export function renderPaymentEscalationMail(input: PaymentEscalationMailInput): MailContent {
  const { purchaseId, proposal, payment, overdueWorkingDays: days } = input;
  const milestone = TRANCHE_MILESTONE_LABELS[payment.milestone];
  return renderMail({
    subjectTag: { zh: '付款逾期', en: 'Payment overdue' },
    subjectTitle: `${proposal.title}（${purchaseId}）第 ${payment.tranche} 期 · tranche ${payment.tranche}`,
    intro: [
      {
        zh: `以下款项已过付款期限 ${days} 个工作日，财务人员经提醒后仍未确认付款。机构依约应得该款项；请督促支付，或查明原因。`,
        en: `The tranche below is ${days} working days past its due date and, though finance was reminded, nobody has confirmed it paid. The NGO is owed it under the contract: please see that it is paid, or find out why not.`,
      },
    ],
    facts: [
      { label: { zh: '项目名称', en: 'Title' }, value: proposal.title },
      { label: { zh: '项目编号', en: 'Purchase reference' }, value: purchaseId },
      { label: { zh: '收款单位', en: 'Payee' }, value: proposal.ngo.name },
      {
        label: { zh: '付款批次', en: 'Tranche' },
        value: {
          zh: `第 ${payment.tranche} 期（${milestone.zh}）`,
          en: `${payment.tranche} (${milestone.en})`,
        },
      },
      { label: { zh: '应付金额', en: 'Amount due' }, value: formatYuan(payment.amountFen) },
      { label: { zh: '付款期限', en: 'Due by' }, value: payment.dueDate ?? '—' },
      ...(payment.remindedAt
        ? [
            {
              label: { zh: '已提醒财务', en: 'Finance reminded' },
              value: formatChinaTime(payment.remindedAt),
            },
          ]
        : []),
    ],
    notes: [
      {
        zh: '该款项列在工作台的“待付款项”页面。如确定不再支付，财务科负责人可在该页面说明理由后决定免于支付；理由记入审计记录。',
        en: 'The tranche is listed on the Tranches due page of the staff console. If it will not be paid, the head of the finance section may waive it there, with a reason that goes on the audit trail.',
      },
      {
        zh: '您收到此邮件，是因为您是审批名册中的财务科或局长。',
        en: 'You receive this mail as the finance section or the bureau director of the approvers roster.',
      },
    ],
  });
}
