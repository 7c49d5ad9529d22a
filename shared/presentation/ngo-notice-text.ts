import type { BilingualText } from '../domain/bilingual.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { formatTotal, GRADE_LABELS } from '../domain/evaluation.js';
import { formatYuan } from '../domain/money.js';
import type { MaskedPayee, NgoNotice } from '../domain/ngo-notices.js';
import { UPLOAD_KIND_LABELS } from '../domain/uploads.js';
import { AMENDABLE_FIELD_LABELS, amendedValueText } from './amendment-text.js';
import { bilingual, type Fact, TRANCHE_MILESTONE_LABELS } from './labels.js';

/**
 * What each notice to the NGO says, in both languages: a headline, a sentence of what it means
 * for the NGO, and the facts (amounts, dates, the reviewer's own words). The NGO page lists
 * them and the notice mails carry them, so the two never drift apart.
 */

export interface NoticeText {
  headline: BilingualText;
  meaning: BilingualText;
  facts: Fact[];
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function trancheName(n: {
  tranche: number;
  milestone: keyof typeof TRANCHE_MILESTONE_LABELS;
}): BilingualText {
  const milestone = TRANCHE_MILESTONE_LABELS[n.milestone];
  return {
    zh: `第 ${n.tranche} 期款（${milestone.zh}）`,
    en: `Tranche ${n.tranche} (${lower(milestone.en)})`,
  };
}

function commentFact(label: BilingualText, comment: string | undefined): Fact[] {
  const text = comment?.trim();
  return text ? [{ label, value: text }] : [];
}

type PaymentNotice = Extract<NgoNotice, { kind: 'TRANCHE_PAID' | 'TRANCHE_PART_PAID' }>;

const IF_NOT_ARRIVED: BilingualText = {
  zh: '如未收到款项，请联系民政局财务科并提供下列交易参考号。',
  en: 'If the money has not arrived, contact the bureau’s finance section with the reference below.',
};

function payeeFact(paidTo: MaskedPayee | undefined): Fact[] {
  return paidTo
    ? [{ label: { zh: '收款账户', en: 'Paid to' }, value: `${paidTo.bankName} ${paidTo.accountNumber}` }]
    : [];
}

/**
 * A transfer's facts: the tranche and its amount, what this transfer paid (when the tranche was
 * paid in parts) and what it left due, the day, the bank reference as finance typed it (it names
 * no one), and the NGO's own account masked.
 */
function paymentFacts(notice: PaymentNotice): Fact[] {
  const facts: Fact[] = [
    { label: { zh: '款项', en: 'Tranche' }, value: bilingual(trancheName(notice)) },
    { label: { zh: '金额', en: 'Amount' }, value: formatYuan(notice.amountFen) },
  ];
  if (notice.paidNowFen !== undefined)
    facts.push({ label: { zh: '本次支付', en: 'Paid now' }, value: formatYuan(notice.paidNowFen) });
  if (notice.kind === 'TRANCHE_PART_PAID')
    facts.push({ label: { zh: '尚待支付', en: 'Still due' }, value: formatYuan(notice.leftFen) });
  facts.push({ label: { zh: '付款日期', en: 'Paid on' }, value: chinaCalendarDate(notice.at) });
  if (notice.reference) facts.push({ label: { zh: '交易参考号', en: 'Reference' }, value: notice.reference });
  return [...facts, ...payeeFact(notice.paidTo)];
}

const WHAT_TO_FIX: BilingualText = { zh: '退回意见', en: 'What to fix' };

export function noticeText(notice: NgoNotice): NoticeText {
  switch (notice.kind) {
    case 'APPROVED':
      return {
        headline: { zh: '项目已获批准', en: 'The purchase is approved' },
        meaning: {
          zh: '民政局已批准本项目。合同文本随后发出，请留意签署合同的邮件。',
          en: 'The bureau approved this purchase. The contract follows: watch for the e-mail asking you to sign it.',
        },
        facts: [],
      };
    case 'NOT_APPROVED':
      return {
        headline: { zh: '项目未获批准', en: 'The purchase was not approved' },
        meaning: {
          zh: '民政局不再推进本项目，不会签订合同。如有疑问，请联系民政局经办人。',
          en: 'The bureau will not go ahead with this purchase, and no contract will be signed. Contact the bureau officer if you have questions.',
        },
        facts: [],
      };
    case 'RETURNED': {
      const kind = UPLOAD_KIND_LABELS[notice.upload];
      return {
        headline:
          notice.decision === 'REFUSE'
            ? { zh: `${kind.zh}被退回`, en: `${kind.en} returned` }
            : { zh: `${kind.zh}需整改后重新提交`, en: `${kind.en}: rectify and submit again` },
        meaning: {
          zh: `请按退回意见修改${kind.zh}，并在机构页面重新上传。`,
          en: `Please change the ${lower(kind.en)} as the comment says and upload it again on your organisation's page.`,
        },
        facts: commentFact(WHAT_TO_FIX, notice.comment),
      };
    }
    case 'DEADLINE_EXTENDED': {
      const kind = UPLOAD_KIND_LABELS[notice.upload];
      return {
        headline: { zh: `${kind.zh}截止日期已延长`, en: `More time for the ${lower(kind.en)}` },
        meaning: {
          zh: `民政局延长了${kind.zh}的提交期限。`,
          en: `The bureau extended the deadline of the ${lower(kind.en)}.`,
        },
        facts: commentFact({ zh: '延期说明', en: 'Why' }, notice.comment),
      };
    }
    case 'CONTRACT_IN_FORCE':
      return {
        headline: { zh: '合同已会签生效', en: 'The contract is in force' },
        meaning: {
          zh: '民政局已会签贵机构签署的合同，合同已公开，首期款将通知财务支付。',
          en: 'The bureau countersigned the contract you signed; it is published, and finance will be told to pay the first tranche.',
        },
        facts: [],
      };
    case 'MIDTERM_PASSED':
      return {
        headline: { zh: '中期评审已通过', en: 'The mid-term review passed' },
        meaning: {
          zh: '中期报告已通过评审，第二期款将通知财务支付；项目结束时请提交结项报告。',
          en: 'The mid-term report passed review; finance will be told to pay the second tranche. Submit the final report when the service ends.',
        },
        facts: [],
      };
    case 'TRANCHE_DUE': {
      const name = trancheName(notice);
      return {
        headline: { zh: `${name.zh}已通知财务支付`, en: `${name.en}: finance told to pay` },
        meaning: {
          zh: `民政局已通知财务于 ${notice.dueDate} 前支付此笔款项。`,
          en: `The bureau told finance to pay this amount by ${notice.dueDate}.`,
        },
        facts: [
          { label: { zh: '款项', en: 'Tranche' }, value: bilingual(name) },
          { label: { zh: '金额', en: 'Amount' }, value: formatYuan(notice.amountFen) },
          { label: { zh: '付款期限', en: 'Due by' }, value: notice.dueDate },
        ],
      };
    }
    case 'TRANCHE_PAID': {
      const name = trancheName(notice);
      return {
        headline: { zh: `${name.zh}已支付`, en: `${name.en} paid` },
        meaning: {
          zh: `财务已确认付款。${IF_NOT_ARRIVED.zh}`,
          en: `Finance confirmed the payment. ${IF_NOT_ARRIVED.en}`,
        },
        facts: paymentFacts(notice),
      };
    }
    case 'TRANCHE_PART_PAID': {
      const name = trancheName(notice);
      const left = formatYuan(notice.leftFen);
      return {
        headline: { zh: `${name.zh}已部分支付`, en: `${name.en}: part paid` },
        meaning: {
          zh: `财务已确认支付本期款的一部分，余款 ${left} 仍待支付。${IF_NOT_ARRIVED.zh}`,
          en: `Finance confirmed a part of this tranche was paid; ${left} of it is still due. ${IF_NOT_ARRIVED.en}`,
        },
        facts: paymentFacts(notice),
      };
    }
    case 'GRADED': {
      const grade = GRADE_LABELS[notice.grade];
      const facts: Fact[] = [
        { label: { zh: '评估等级', en: 'Grade' }, value: bilingual(grade) },
        { label: { zh: '总分', en: 'Total' }, value: formatTotal(notice.totalTenths) },
      ];
      if (notice.barredUntil)
        facts.push({ label: { zh: '限制承接至', en: 'Barred until' }, value: notice.barredUntil });
      const meaning = { ...FINAL_TRANCHE_MEANING[notice.finalTranche] };
      if (notice.award && notice.finalTranche === 'REDUCE') {
        const { sharePercent, amountFen, plannedFen } = notice.award;
        meaning.zh += `尾款按计划金额的 ${sharePercent}% 支付：${formatYuan(amountFen)}（计划 ${formatYuan(plannedFen)}）。`;
        meaning.en += ` It pays ${sharePercent}% of the planned amount: ${formatYuan(amountFen)} (planned ${formatYuan(plannedFen)}).`;
      }
      if (notice.barredUntil) {
        meaning.zh += `评估不合格的机构在 ${notice.barredUntil} 前不得承接新的政府购买服务项目。`;
        meaning.en += ` An NGO that fails the evaluation may not take new purchases until ${notice.barredUntil} inclusive.`;
      }
      return {
        headline: { zh: `第三方评估结果：${grade.zh}`, en: `Third-party evaluation: ${grade.en}` },
        meaning,
        facts,
      };
    }
    case 'NOT_EVALUATED':
      return {
        headline: { zh: '未能完成第三方评估', en: 'No third-party evaluation was made' },
        meaning: {
          zh: '评估机构未提交评估结果，尾款不予支付。如有疑问，请联系民政局经办人。',
          en: 'No evaluation agency submitted a result, so the final tranche is withheld. Contact the bureau officer if you have questions.',
        },
        facts: [],
      };
    case 'TERMINATED':
      return {
        headline: { zh: '项目已终止', en: 'The purchase is terminated' },
        meaning: TERMINATION_MEANING[notice.cause],
        facts: commentFact({ zh: '终止理由', en: 'Reason' }, notice.comment),
      };
    case 'AMENDED':
      return {
        headline: {
          zh: `合同已变更（${notice.amendmentId}）`,
          en: `The contract was amended (${notice.amendmentId})`,
        },
        meaning: {
          zh: '民政局已批准以下合同变更，自即日起生效；后续付款和期限按变更后的合同执行。',
          en: 'The bureau approved the amendment of the contract below; it is in force from today, and payments and dates follow the amended contract.',
        },
        facts: notice.changes.map((c) => ({
          label: AMENDABLE_FIELD_LABELS[c.field],
          value: `${amendedValueText(c.field, c.former)} → ${amendedValueText(c.field, c.value)}`,
        })),
      };
    case 'CLOSED':
      return {
        headline: { zh: '项目已结项', en: 'The purchase is closed' },
        meaning: {
          zh: '本项目已结项，所有记录按规定保存。感谢贵机构的服务。',
          en: 'This purchase is closed and its records are kept as the rules require. Thank you for your service.',
        },
        facts: [],
      };
  }
}

const FINAL_TRANCHE_MEANING: Readonly<
  Record<Extract<NgoNotice, { kind: 'GRADED' }>['finalTranche'], BilingualText>
> = {
  PAY_IN_FULL: {
    zh: '第三方评估已完成。按评估等级，尾款全额支付，将通知财务。',
    en: 'The third-party evaluation is done. At this grade the final tranche is paid in full; finance will be told.',
  },
  REDUCE: {
    zh: '第三方评估已完成。按评估等级，尾款减额支付，将通知财务。',
    en: 'The third-party evaluation is done. At this grade the final tranche is reduced; finance will be told.',
  },
  WITHHOLD: {
    zh: '第三方评估已完成。按评估等级，尾款不予支付。',
    en: 'The third-party evaluation is done. At this grade the final tranche is withheld.',
  },
};

const TERMINATION_MEANING: Readonly<
  Record<Extract<NgoNotice, { kind: 'TERMINATED' }>['cause'], BilingualText>
> = {
  REVIEW_DECISION: {
    zh: '民政局决定终止本项目。已通知支付的款项照付，其余款项取消。',
    en: 'The bureau decided to terminate this purchase. Tranches finance was already told to pay stand; the rest are cancelled.',
  },
  CONTRACT_NOT_SIGNED: {
    zh: '合同未能在期限内完成签署和会签，本项目终止。',
    en: 'The contract was not signed and countersigned in time, so the purchase ends.',
  },
  OTHER: {
    zh: '本项目已终止。已通知支付的款项照付，其余款项取消。如有疑问，请联系民政局经办人。',
    en: 'This purchase is terminated. Tranches finance was already told to pay stand; the rest are cancelled. Contact the bureau officer if you have questions.',
  },
};
