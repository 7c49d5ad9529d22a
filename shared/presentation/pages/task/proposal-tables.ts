/** The tables of a proposal the approval page shows: budget lines, staff plan, tranche schedule. */
import { formatYuan, splitByPercent, sumFen } from '../../../domain/money.js';
import type { BudgetLine, StaffLine, Tranche } from '../../../domain/proposal.js';
import { html, type SafeHtml } from '../../html.js';
import { TRANCHE_MILESTONE_LABELS } from '../../labels.js';
import { bilingualParagraphs, headCell } from '../layout.js';

export function budgetTable(lines: readonly BudgetLine[]): SafeHtml {
  const rows = lines.map(
    (l) => html`<tr><td>${l.item}</td><td class="num">${formatYuan(l.amountFen)}</td></tr>
`,
  );
  const total = sumFen(lines.map((l) => l.amountFen));
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '支出项目', en: 'Item' })}${headCell({ zh: '金额', en: 'Amount' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
<tfoot><tr><th scope="row">合计 <span lang="en">Total</span></th><td class="num">${formatYuan(total)}</td></tr></tfoot>
</table></div>
`;
}

export function staffTable(staff: readonly StaffLine[]): SafeHtml {
  if (staff.length === 0) {
    return html`${bilingualParagraphs({ zh: '本项目未列人员计划。', en: 'No staff plan is listed for this purchase.' })}`;
  }
  const rows = staff.map(
    (
      s,
    ) => html`<tr><td>${s.role}</td><td class="num">${s.headcount}</td><td class="num">${formatYuan(s.monthlySalaryFen)}</td><td class="num">${formatYuan(s.monthlySocialWelfareFen)}</td></tr>
`,
  );
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '岗位', en: 'Role' })}${headCell({ zh: '人数', en: 'Headcount' }, true)}${headCell({ zh: '每人月工资', en: 'Monthly salary each' }, true)}${headCell({ zh: '每人月社保福利', en: 'Monthly social welfare each' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}

export function trancheTable(totalFen: number, tranches: readonly Tranche[]): SafeHtml {
  const amounts = splitByPercent(
    totalFen,
    tranches.map((t) => t.percent),
  );
  const rows = tranches.map((t, i) => {
    const label = TRANCHE_MILESTONE_LABELS[t.milestone];
    return html`<tr><td>${i + 1}</td><td>${label.zh}<span class="en" lang="en">${label.en}</span></td><td class="num">${t.percent}%</td><td class="num">${formatYuan(amounts[i] ?? 0)}</td></tr>
`;
  });
  return html`<div class="table-wrap"><table>
<thead><tr>${headCell({ zh: '期次', en: 'No.' })}${headCell({ zh: '支付节点', en: 'Paid when' })}${headCell({ zh: '比例', en: 'Share' }, true)}${headCell({ zh: '金额', en: 'Amount' }, true)}</tr></thead>
<tbody>
${rows}</tbody>
</table></div>
`;
}
