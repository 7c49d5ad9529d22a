import type { BilingualText } from '../domain/bilingual.js';
import { findCatalogueItem } from '../domain/catalogue.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { CONTRACT_MANDATORY_TERMS, type ContractTerm, chineseCapitalAmount } from '../domain/contract.js';
import { CRITERION_LABELS } from '../domain/evaluation.js';
import { DEFAULT_PAYMENT_DUE_DAYS } from '../domain/lifecycle-settings.js';
import { formatYuan, sumFen } from '../domain/money.js';
import type { PlannedTranche } from '../domain/payments.js';
import type { Proposal } from '../domain/proposal.js';
import { UPLOAD_KIND_LABELS } from '../domain/uploads.js';
import { html, type SafeHtml } from './html.js';
import {
  bilingual,
  PROCUREMENT_METHOD_LABELS,
  SERVICE_AREA_LABELS,
  TRANCHE_MILESTONE_LABELS,
} from './labels.js';

/**
 * The service contract document issued once a proposal is approved, as HTML and plain text.
 * Rendering is a pure function of its input (no clock), so a re-render is byte-identical.
 */

const CLAUSE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

function clauseHeading(index: number, heading: BilingualText): BilingualText {
  return {
    zh: `第${CLAUSE_NUMERALS[index] ?? index + 1}条 ${heading.zh}`,
    en: `Clause ${index + 1}. ${heading.en}`,
  };
}

export class ContractRenderError extends Error {
  override name = 'ContractRenderError';
}

export interface ContractInput {
  purchaseId: string;
  proposal: Proposal;
  /** ISO instant the proposal was approved; its China date is the contract's date. */
  approvedAt: string;
  bureau: { name: string; nameEn: string };
  /** The tranche plan (payments.ts `tranchePlan`); its amounts must add up to the total. */
  trancheAmounts: readonly PlannedTranche[];
  /** Days after a milestone's acceptance within which the tranche is paid. */
  paymentDueDays?: number;
  /** When given, working days instead (paymentDueDays is then not used). */
  paymentDueWorkingDays?: number;
}

export interface RenderedContract {
  title: string;
  html: string;
  text: string;
}

type Block =
  | { kind: 'para'; text: BilingualText }
  | { kind: 'table'; head: BilingualText[]; rows: string[][]; numeric: boolean[] };

interface Clause {
  heading: BilingualText;
  blocks: Block[];
}

const para = (zh: string, en: string): Block => ({ kind: 'para', text: { zh, en } });

function headingOf(term: ContractTerm): BilingualText {
  const found = CONTRACT_MANDATORY_TERMS.find((t) => t.term === term);
  if (!found) throw new ContractRenderError(`unknown contract term ${term}`);
  return found.heading;
}

/** The payment term as the contract words it: working days, or calendar days moved off a rest day. */
interface DueTerm {
  zh: string;
  en: string;
}

function dueTerm(input: ContractInput): DueTerm {
  if (input.paymentDueWorkingDays !== undefined)
    return {
      zh: `${input.paymentDueWorkingDays} 个工作日`,
      en: `${input.paymentDueWorkingDays} working days`,
    };
  const days = input.paymentDueDays ?? DEFAULT_PAYMENT_DUE_DAYS;
  return {
    zh: `${days} 日（遇法定节假日顺延）`,
    en: `${days} days (moved to the next working day when that is a public holiday or rest day)`,
  };
}

function clauses(input: ContractInput, due: DueTerm): Clause[] {
  const { proposal: p, bureau, trancheAmounts } = input;
  const catalogue = findCatalogueItem(p.serviceItem);
  const item = catalogue?.item ?? { nameZh: p.serviceItem, nameEn: p.serviceItem };
  const area = SERVICE_AREA_LABELS[p.serviceArea];
  const method = PROCUREMENT_METHOD_LABELS[p.procurementMethod];
  const headcount = p.staffPlan.reduce((total, line) => total + line.headcount, 0);
  const criteria = Object.values(CRITERION_LABELS);
  const hasFinalTranche = trancheAmounts.some((t) => t.milestone === 'EVALUATION_PASSED');

  const content: Block[] = [
    para(
      `乙方向甲方提供“${item.nameZh}”服务（服务领域：${area.zh}；服务地点：${p.district}）。项目名称：${p.title}；采购单位：${p.purchasingUnit}；采购方式：${method.zh}。`,
      `Party B provides Party A with the service "${item.nameEn}" (service area: ${area.en}; place: ${p.district}). Project: ${p.title}; purchasing unit: ${p.purchasingUnit}; procurement method: ${method.en}.`,
    ),
    para(
      '服务对象、服务方式和成果要求以本合同第三条、第四条及乙方经审批的项目方案为准。',
      "Beneficiaries, methods and required results are as set out in clauses 3 and 4 and in Party B's approved project proposal.",
    ),
  ];

  const term: Block[] = [
    para(
      `服务期限自 ${p.term.start} 起至 ${p.term.end} 止（首尾两日均含在内）。`,
      `The service runs from ${p.term.start} to ${p.term.end}, both days included.`,
    ),
  ];
  if (p.justification) {
    term.push(
      para(
        `服务期限超过十二个月的理由：${p.justification}`,
        `Reason for a term longer than twelve months: ${p.justification}`,
      ),
    );
  }

  const quantity: Block[] = [
    p.staffPlan.length > 0
      ? para(
          `乙方为本项目配备专职人员共 ${headcount} 名，岗位及人数如下：`,
          `Party B staffs the project with ${headcount} full-time worker(s), by role:`,
        )
      : para('本项目不配备专职人员。', 'The project has no dedicated full-time staff.'),
  ];
  if (p.staffPlan.length > 0) {
    quantity.push({
      kind: 'table',
      head: [
        { zh: '岗位', en: 'Role' },
        { zh: '人数', en: 'Headcount' },
      ],
      rows: p.staffPlan.map((line) => [line.role, String(line.headcount)]),
      numeric: [false, true],
    });
  }
  quantity.push(
    para(
      `乙方应按期提交以下 ${p.deliverables.length} 项成果：`,
      `Party B delivers the following ${p.deliverables.length} item(s) by their due dates:`,
    ),
    {
      kind: 'table',
      head: [
        { zh: '成果', en: 'Deliverable' },
        { zh: '提交期限', en: 'Due' },
        { zh: '内容', en: 'Description' },
      ],
      rows: p.deliverables.map((d) => [bilingual(UPLOAD_KIND_LABELS[d.kind]), d.dueDate, d.description]),
      numeric: [false, false, false],
    },
  );

  const quality: Block[] = [
    para(
      '乙方应按第三条所列成果计划按时、按质提交成果，成果须真实、完整，并附服务记录等佐证材料。',
      'Party B submits the deliverables of clause 3 on time and to standard; they must be truthful and complete and be supported by evidence such as service records.',
    ),
    para(
      '甲方对中期报告进行审核，审核结果为通过、限期整改后重新提交或终止合同。',
      'Party A reviews the mid-term report; the outcome is pass, rectify and resubmit, or termination of the contract.',
    ),
    para(
      `服务期满后，由与甲乙双方均无利害关系的第三方评估机构，按${criteria.map((c) => c.zh).join('、')}等指标进行评估，评估等级分为优秀、良好、合格、不合格。`,
      `At the end of the term an evaluation agency independent of both parties scores the project on ${criteria.map((c) => c.en.toLowerCase()).join(', ')}; the grade is excellent, good, pass or fail.`,
    ),
  ];

  const price: Block[] = [
    para(
      `合同总价为 ${formatYuan(p.totalFen)}（${chineseCapitalAmount(p.totalFen)}；即 ${p.totalFen} 分），为包干价，包含乙方履行本合同的全部费用。价款构成如下：`,
      `The total price is ${formatYuan(p.totalFen)} (${p.totalFen} fen), a fixed price covering everything Party B needs to perform this contract, made up as follows:`,
    ),
    {
      kind: 'table',
      head: [
        { zh: '费用项目', en: 'Item' },
        { zh: '金额', en: 'Amount' },
      ],
      rows: p.budgetLines.map((line) => [line.item, formatYuan(line.amountFen)]),
      numeric: [false, true],
    },
  ];

  const settlement: Block[] = [
    para(
      `甲方按以下付款节点分 ${trancheAmounts.length} 期支付合同价款；每一节点经甲方验收确认后 ${due.zh}内，将相应款项支付至乙方账户：`,
      `Party A pays the price in ${trancheAmounts.length} tranche(s) at these milestones, each within ${due.en} of Party A accepting the milestone, into Party B's account:`,
    ),
    {
      kind: 'table',
      head: [
        { zh: '期次', en: 'Tranche' },
        { zh: '付款节点', en: 'Milestone' },
        { zh: '比例', en: 'Percent' },
        { zh: '金额', en: 'Amount' },
        { zh: '付款期限', en: 'Payment due' },
      ],
      rows: trancheAmounts.map((t) => [
        String(t.tranche),
        bilingual(TRANCHE_MILESTONE_LABELS[t.milestone]),
        `${t.percent}%`,
        formatYuan(t.amountFen),
        `验收后 ${due.zh}内 / within ${due.en} of acceptance`,
      ]),
      numeric: [true, false, true, true, false],
    },
  ];
  if (hasFinalTranche) {
    settlement.push(
      para(
        '第三方评估等级为不合格的，甲方不支付以第三方评估通过为节点的款项。',
        'If the third-party evaluation grade is fail, Party A does not pay the tranche due on the evaluation passing.',
      ),
    );
  }

  const rights: Block[] = [
    para(
      '甲方有权对服务过程进行监督检查，要求乙方提供服务记录和经费使用资料；甲方应按约定支付价款，为乙方提供必要的协助，并依法公开本合同。',
      'Party A may supervise and inspect the service and ask for service records and accounts of spending; Party A pays the price as agreed, gives Party B the help it needs, and publishes this contract as the law requires.',
    ),
    para(
      '乙方有权按约定取得价款；乙方应按约定的内容、数量和质量提供服务，专职人员工资及社会保险不低于本市上年度非私营单位在岗职工平均工资，专款专用，不得转包，保护服务对象的个人信息，接受甲方及第三方评估机构的监督评估，并保存项目档案不少于十五年。',
      "Party B is entitled to the price as agreed; Party B provides the service in the agreed content, quantity and quality, pays its full-time staff salary and social insurance no less than the city's previous-year average wage of non-private-unit employees, spends the funds only on this project, does not subcontract the service, protects the personal information of the people served, accepts supervision and evaluation by Party A and the evaluation agency, and keeps the project records for at least fifteen years.",
    ),
  ];

  const liability: Block[] = [
    para(
      '乙方未按约定提供服务或成果未达到要求的，甲方有权要求限期整改；整改后仍不合格、擅自转包或挪用经费的，甲方有权解除合同，不支付未付款项，并要求乙方退还已付但未用于本项目的资金。',
      'If Party B does not provide the service as agreed or its deliverables fall short, Party A may require rectification within a set time; if they still fall short, or Party B subcontracts the service or diverts funds, Party A may terminate the contract, withhold unpaid tranches and reclaim money paid but not spent on this project.',
    ),
    para(
      '第三方评估不合格的，乙方自评估当年的下一个自然年度结束前不得承接新的政府购买服务项目。甲方无正当理由逾期付款的，应承担相应的违约责任。',
      'If the third-party evaluation fails, Party B may not take on new government service purchases until the end of the calendar year after the evaluation. If Party A pays late without good reason, it is liable for the delay.',
    ),
  ];

  const disputes: Block[] = [
    para(
      `因本合同发生的争议，双方应协商解决；协商不成的，任何一方可向${bureau.name}所在地有管辖权的人民法院提起诉讼。`,
      `The parties settle any dispute under this contract by consultation; failing that, either party may bring proceedings in the competent people's court where ${bureau.nameEn} is located.`,
    ),
  ];

  const general: Block[] = [
    para(
      '本合同经乙方签署并上传、甲方会签后生效。成果、付款和评估记录由本系统留存，任何一方不得删除。',
      'This contract takes effect once Party B has signed and uploaded it and Party A has countersigned it. Deliverables, payments and evaluation records are kept by the system and neither party may delete them.',
    ),
  ];

  return [
    { heading: headingOf('CONTENT'), blocks: content },
    { heading: headingOf('TERM'), blocks: term },
    { heading: headingOf('QUANTITY'), blocks: quantity },
    { heading: headingOf('QUALITY'), blocks: quality },
    { heading: headingOf('PRICE'), blocks: price },
    { heading: headingOf('SETTLEMENT'), blocks: settlement },
    { heading: headingOf('RIGHTS_AND_OBLIGATIONS'), blocks: rights },
    { heading: headingOf('LIABILITY'), blocks: liability },
    { heading: headingOf('DISPUTE_RESOLUTION'), blocks: disputes },
    { heading: { zh: '附则', en: 'General provisions' }, blocks: general },
  ];
}

interface Party {
  role: BilingualText;
  name: string;
  details: string[];
  signatory: BilingualText;
}

function parties(input: ContractInput): Party[] {
  const { proposal: p, bureau } = input;
  return [
    {
      role: { zh: '甲方（购买主体）', en: 'Party A (purchaser)' },
      name: `${bureau.name} ${bureau.nameEn}`,
      details: [],
      signatory: { zh: '授权代表签字', en: 'Authorised representative' },
    },
    {
      role: { zh: '乙方（承接主体）', en: 'Party B (service provider)' },
      name: p.ngo.name,
      details: [
        `统一社会信用代码 Unified social credit code: ${p.ngo.creditCode}`,
        `E-mail: ${p.ngo.contactEmail}`,
      ],
      signatory: { zh: '法定代表人或授权代表签字', en: 'Legal or authorised representative' },
    },
  ];
}

const CSS = `body{margin:0;color:#1f2328;font:15px/1.7 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",Arial,sans-serif}
main{max-width:820px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.4rem;text-align:center;margin:0 0 4px}
h2{font-size:1.05rem;margin:24px 0 6px}
.en{display:block;color:#4a4f57;font-weight:400}
p{margin:0 0 2px}
p.en{margin-bottom:10px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c7ccd3;padding:6px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}
.meta{text-align:center;color:#4a4f57;margin-bottom:16px}
.signatures{display:flex;flex-wrap:wrap;gap:24px;margin-top:32px}
.signatures section{flex:1 1 18em;border-top:1px solid #8c959f;padding-top:8px}
.line{margin-top:28px;border-bottom:1px solid #8c959f}`;

function blockHtml(block: Block): SafeHtml {
  if (block.kind === 'para') {
    return html`<p>${block.text.zh}</p><p class="en" lang="en">${block.text.en}</p>`;
  }
  const head = block.head.map((h) => html`<th>${h.zh}<span class="en" lang="en">${h.en}</span></th>`);
  const rows = block.rows.map(
    (row) =>
      html`<tr>${row.map((cell, i) => (block.numeric[i] ? html`<td class="num">${cell}</td>` : html`<td>${cell}</td>`))}</tr>`,
  );
  return html`<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function blockText(block: Block): string[] {
  if (block.kind === 'para') return [block.text.zh, block.text.en];
  const head = block.head.map((h) => `${h.zh} ${h.en}`).join(' | ');
  return [head, ...block.rows.map((row) => `- ${row.join(' | ')}`)];
}

/** The contract as a self-contained HTML document and as plain text, Chinese before English. */
export function renderContract(input: ContractInput): RenderedContract {
  const { purchaseId, proposal, trancheAmounts } = input;
  const due = dueTerm(input);
  const paid = sumFen(trancheAmounts.map((t) => t.amountFen));
  if (paid !== proposal.totalFen) {
    throw new ContractRenderError(
      `the tranche amounts add up to ${formatYuan(paid)}, not the contract total ${formatYuan(proposal.totalFen)}`,
    );
  }
  const date = chinaCalendarDate(input.approvedAt);
  const heading: BilingualText = { zh: '政府购买服务合同', en: 'Government Service Purchase Contract' };
  const title = `${heading.zh} ${heading.en}: ${proposal.title}`;
  const numbered = clauses(input, due).map((clause, i) => ({
    ...clause,
    heading: clauseHeading(i, clause.heading),
  }));
  const signers = parties(input);
  const meta = {
    zh: `合同编号：${purchaseId}　合同日期：${date}`,
    en: `Contract reference: ${purchaseId}   Date: ${date}`,
  };

  const page = html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${heading.zh}<span class="en" lang="en">${heading.en}</span></h1>
<p class="meta">${proposal.title}<br>${meta.zh}<br><span lang="en">${meta.en}</span></p>
${signers.map(
  (
    s,
  ) => html`<p><strong>${s.role.zh} ${s.role.en}：</strong>${s.name}${s.details.map((d) => html`<br>${d}`)}</p>
`,
)}
${numbered.map(
  (clause) => html`<section>
<h2>${clause.heading.zh}<span class="en" lang="en">${clause.heading.en}</span></h2>
${clause.blocks.map((b) => blockHtml(b))}
</section>
`,
)}
<div class="signatures">
${signers.map(
  (s) => html`<section>
<p><strong>${s.role.zh}（盖章）</strong><span class="en" lang="en">${s.role.en} (seal)</span></p>
<p>${s.name}</p>
<p class="line">${s.signatory.zh}<span class="en" lang="en">${s.signatory.en}</span></p>
<p class="line">日期<span class="en" lang="en">Date</span></p>
</section>
`,
)}
</div>
</main>
</body>
</html>
`;

  const text = [
    `${heading.zh} ${heading.en}`,
    proposal.title,
    meta.zh,
    meta.en,
    '',
    ...signers.flatMap((s) => [`${s.role.zh} ${s.role.en}: ${s.name}`, ...s.details]),
    ...numbered.flatMap((clause) => [
      '',
      clause.heading.zh,
      clause.heading.en,
      ...clause.blocks.flatMap(blockText),
    ]),
    '',
    '签署 Signatures',
    ...signers.flatMap((s) => [
      '',
      `${s.role.zh}（盖章） ${s.role.en} (seal): ${s.name}`,
      `${s.signatory.zh} ${s.signatory.en}: ____________________`,
      '日期 Date: ____________________',
    ]),
  ].join('\n');

  return { title, html: page.value, text: `${text}\n` };
}
