import type { AmendableField, AmendmentChange } from '../domain/amendments.js';
import type { BilingualText } from '../domain/bilingual.js';
import { formatYuan } from '../domain/money.js';
import type { BudgetLine, Tranche } from '../domain/proposal.js';
import { TRANCHE_MILESTONE_LABELS } from './labels.js';

/** What an amendment's changes read as wherever people see them: the approver's page, the NGO's notice. */

export const AMENDABLE_FIELD_LABELS: Readonly<Record<AmendableField, BilingualText>> = {
  'term.end': { zh: '服务期限截止日期', en: 'End of the term' },
  totalFen: { zh: '合同金额', en: 'Value' },
  budgetLines: { zh: '预算明细', en: 'Budget lines' },
  trancheSchedule: { zh: '分期支付', en: 'Tranche plan' },
  'ngo.contactEmail': { zh: '承接机构联系邮箱', en: "NGO's contact e-mail" },
};

/** One side of a change as one line of text (amounts in yuan, tranches by milestone). */
export function amendedValueText(field: AmendableField, value: unknown): string {
  switch (field) {
    case 'totalFen':
      return formatYuan(value as number);
    case 'budgetLines':
      return (value as BudgetLine[]).map((l) => `${l.item} ${formatYuan(l.amountFen)}`).join('；');
    case 'trancheSchedule':
      return (value as Tranche[])
        .map((t) => {
          const label = TRANCHE_MILESTONE_LABELS[t.milestone];
          const amount = t.amountFen === undefined ? '' : ` ${formatYuan(t.amountFen)}`;
          return `${label.zh} ${label.en}: ${t.percent}%${amount}`;
        })
        .join('；');
    default:
      return String(value);
  }
}

/** `<label>: <former> → <new>` per change, in both languages. */
export function changeLines(changes: readonly AmendmentChange[]): BilingualText[] {
  return changes.map((c) => {
    const label = AMENDABLE_FIELD_LABELS[c.field];
    const former = amendedValueText(c.field, c.former);
    const value = amendedValueText(c.field, c.value);
    return { zh: `${label.zh}：${former} → ${value}`, en: `${label.en}: ${former} → ${value}` };
  });
}
