/** The payment confirmation page (GET): finance confirms a tranche was paid, with the bank reference. */
import { GRADE_LABELS, type Grade } from '../../../domain/evaluation.js';
import { type Fen, formatYuan } from '../../../domain/money.js';
import { accountNameDiffers, groupedAccountNumber } from '../../../domain/payee-account.js';
import type { PaymentStatus } from '../../../domain/payment-records.js';
import type { BankAccount, Proposal, TrancheMilestone } from '../../../domain/proposal.js';
import type { HumanTask } from '../../../domain/tasks.js';
import { html } from '../../html.js';
import {
  bilingual,
  expiryFact,
  type Fact,
  PAYMENT_STATUS_LABELS,
  TRANCHE_MILESTONE_LABELS,
} from '../../labels.js';
import { bilingualHeading, bilingualParagraphs, factsTable, type HtmlPage, renderPage } from '../layout.js';
import { decisionForm } from './decision-form.js';
import { assigneeFact, type PendingTaskFacts, pendingTaskFacts } from './task-facts.js';

export interface PaymentConfirmationPageModel extends PendingTaskFacts {
  purchaseId: string;
  title: string;
  /** The NGO and its registered bank account, in full: finance pays to it from this page. */
  payee: { name: string; creditCode: string; account?: BankAccount; accountNameDiffers: boolean };
  /** From the task's context; each is left out when the context lacks it. */
  tranche?: string;
  milestone?: string;
  /** What this link asks finance to pay: the tranche, or what is left of it after a part. */
  amountFen?: Fen;
  /** The tranche's amount and what was paid on it before this link, when it was paid in parts. */
  part?: { trancheFen: Fen; paidFen: Fen };
  /** A final tranche the grade reduced: the plan, the grade and its share. */
  reduction?: { plannedFen: Fen; sharePercent: number; grade: string };
  dueDate?: string;
}

export interface PaymentConfirmationPageInput {
  purchaseId: string;
  proposal: Pick<Proposal, 'title' | 'ngo'>;
  task: Pick<HumanTask, 'attempt' | 'assignee' | 'expiresAt' | 'nonce' | 'context'>;
}

function milestoneText(value: string | number): string {
  const code = String(value);
  const label = Object.hasOwn(TRANCHE_MILESTONE_LABELS, code)
    ? TRANCHE_MILESTONE_LABELS[code as TrancheMilestone]
    : undefined;
  return label ? bilingual(label) : code;
}

const isFen = (value: unknown): value is Fen =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function paymentConfirmationPageModel({
  purchaseId,
  proposal,
  task,
}: PaymentConfirmationPageInput): PaymentConfirmationPageModel {
  const model: PaymentConfirmationPageModel = {
    purchaseId,
    title: proposal.title,
    payee: {
      name: proposal.ngo.name,
      creditCode: proposal.ngo.creditCode,
      ...(proposal.ngo.bankAccount ? { account: proposal.ngo.bankAccount } : {}),
      accountNameDiffers: accountNameDiffers(proposal.ngo),
    },
    ...pendingTaskFacts(task),
  };
  const { tranche, milestone, amountFen, dueDate } = task.context ?? {};
  if (tranche !== undefined) model.tranche = String(tranche);
  if (milestone !== undefined) model.milestone = milestoneText(milestone);
  const fen = Number(amountFen);
  if (amountFen !== undefined && Number.isSafeInteger(fen) && fen >= 0) model.amountFen = fen;
  if (dueDate !== undefined) model.dueDate = String(dueDate);
  const { trancheFen, paidFen, plannedFen, sharePercent, grade } = task.context ?? {};
  if (isFen(trancheFen) && isFen(paidFen)) model.part = { trancheFen, paidFen };
  if (isFen(plannedFen) && typeof sharePercent === 'number' && typeof grade === 'string')
    model.reduction = { plannedFen, sharePercent, grade };
  return model;
}

/** Where to pay: the account registered with the proposal, or a fact that says there is none. */
function payeeAccountFacts(account: BankAccount | undefined): Fact[] {
  if (!account)
    return [
      {
        label: { zh: '收款账户', en: 'Account' },
        value: {
          zh: '未登记：请向经办人索取并核实后再付款',
          en: 'None registered: ask the officer for it, and check it, before paying',
        },
      },
    ];
  return [
    { label: { zh: '开户银行', en: 'Bank' }, value: account.bankName },
    { label: { zh: '户名', en: 'Account name' }, value: account.accountName },
    { label: { zh: '账号', en: 'Account number' }, value: groupedAccountNumber(account.accountNumber) },
  ];
}

export function paymentConfirmationPage(model: PaymentConfirmationPageModel): HtmlPage {
  const facts: Fact[] = [
    { label: { zh: '项目名称', en: 'Title' }, value: model.title },
    { label: { zh: '项目编号', en: 'Purchase reference' }, value: model.purchaseId },
    { label: { zh: '收款单位', en: 'Payee' }, value: model.payee.name },
    { label: { zh: '统一社会信用代码', en: 'Unified social credit code' }, value: model.payee.creditCode },
    ...payeeAccountFacts(model.payee.account),
  ];
  if (model.tranche !== undefined)
    facts.push({
      label: { zh: '付款批次', en: 'Tranche' },
      value: `第 ${model.tranche} 笔 Tranche ${model.tranche}`,
    });
  if (model.milestone !== undefined)
    facts.push({ label: { zh: '支付节点', en: 'Paid when' }, value: model.milestone });
  if (model.part) {
    facts.push(
      { label: { zh: '本期金额', en: 'Tranche' }, value: formatYuan(model.part.trancheFen) },
      { label: { zh: '已付', en: 'Paid so far' }, value: formatYuan(model.part.paidFen) },
    );
  }
  if (model.reduction) {
    const grade = GRADE_LABELS[model.reduction.grade as Grade] ?? {
      zh: model.reduction.grade,
      en: model.reduction.grade,
    };
    facts.push({
      label: { zh: '核减', en: 'Reduced' },
      value: {
        zh: `计划 ${formatYuan(model.reduction.plannedFen)}，评估等级“${grade.zh}”按 ${model.reduction.sharePercent}% 支付`,
        en: `Planned ${formatYuan(model.reduction.plannedFen)}; the grade ${grade.en} pays ${model.reduction.sharePercent}%`,
      },
    });
  }
  if (model.amountFen !== undefined)
    facts.push({
      label: model.part ? { zh: '待付余额', en: 'Left to pay' } : { zh: '付款金额', en: 'Amount' },
      value: formatYuan(model.amountFen),
    });
  if (model.dueDate !== undefined)
    facts.push({ label: { zh: '付款期限', en: 'Due by' }, value: model.dueDate });
  facts.push(
    assigneeFact(model.assignee, model.attempt, { zh: '确认人', en: 'Assigned to' }),
    expiryFact(model.expiresAt),
  );
  const title = { zh: `确认付款：${model.title}`, en: `Confirm payment: ${model.title}` };
  const body = html`${bilingualHeading('h1', title)}
${bilingualParagraphs({
  zh: '款项实际支付后，请填写实付金额和银行交易流水号并确认已付款。只付了一部分时，余额仍为待付，付清时用新的链接再确认。提交之前不会记录任何内容。',
  en: 'Once the money has actually been paid, enter the amount paid and the bank transaction reference and confirm the payment. If only part was paid, the rest stays due and is confirmed, when paid, from a new link. Nothing is recorded until you submit.',
})}
${bilingualHeading('h2', { zh: '付款信息', en: 'Payment' })}
${factsTable(facts)}
${
  model.payee.accountNameDiffers
    ? html`<div class="status">${bilingualParagraphs({
        zh: '注意：收款账户的户名与承接机构名称不一致。付款前请与经办人核实该账户。',
        en: "Check first: the account is not in the NGO's name. Confirm it with the officer who registered the purchase before paying.",
      })}</div>`
    : ''
}
${decisionForm({
  nonce: model.nonce,
  decidingAs: model.assignee,
  reference: true,
  ...(model.amountFen === undefined ? {} : { amount: { dueFen: model.amountFen } }),
  buttons: [
    { decision: 'CONFIRM', label: { zh: '确认已付款', en: 'Confirm payment made' }, tone: 'approve' },
  ],
})}`;
  return renderPage(200, title, body);
}

/**
 * 409: the tranche cannot be confirmed, because it is withheld or cancelled (or was never made
 * due); nothing was recorded. Says what the tranche is and whom to ask.
 */
export function unpayableTranchePage(tranche: number, status: PaymentStatus | undefined): HtmlPage {
  const title = { zh: '该期款项不能确认付款', en: 'This tranche cannot be confirmed as paid' };
  const state = status === undefined ? { zh: '尚未到期', en: 'not due' } : PAYMENT_STATUS_LABELS[status];
  const body = html`${bilingualHeading('h1', title)}
<div class="status">
${bilingualParagraphs(
  {
    zh: `第 ${tranche} 期款项的状态是“${state.zh}”，不能确认付款。您的确认没有被记录。`,
    en: `Tranche ${tranche} is ${state.en}, so it cannot be confirmed as paid. Your confirmation was not recorded.`,
  },
  {
    zh: '如款项已经转出，请立即联系发起采购的经办人。',
    en: 'If the money has been transferred already, contact the officer who registered the purchase at once.',
  },
)}</div>
`;
  return renderPage(409, title, body);
}
