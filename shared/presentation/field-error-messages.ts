import type { BilingualText } from '../domain/bilingual.js';
import type { CreditCodeProblem, CreditCodeProblemKind } from '../domain/credit-code.js';
import type { FieldError } from '../domain/errors.js';
import type { RuleId } from '../domain/field-errors.js';
import type { YuanTextProblem } from '../domain/money.js';

/**
 * What a form shows next to a field the server refused, in Chinese and English. The server's
 * FieldError messages are English sentences with the figures in them; the Chinese says what the
 * rule asks for, by the error's stable rule id, and the English is the server's own sentence.
 */

/** Rules a FieldError names beyond RULE_IDS: the refused body, and the barred NGO (submitProposal). */
type OtherRuleId = 'body-required' | 'json-syntax' | 'ngo-barred';

export const FIELD_RULE_ZH: Readonly<Record<RuleId | OtherRuleId, string>> = {
  'schema-required': '此项必须填写。',
  'schema-invalid-type': '填写的内容类型不对。',
  'schema-unknown-field': '含有系统不认识的字段。',
  'schema-too-small': '内容太短或条目太少。',
  'schema-too-big': '内容太长或条目太多。',
  'schema-invalid-format': '格式不正确。',
  'schema-invalid-value': '不是可选的值之一。',
  'schema-invalid': '内容无效。',
  'text-control-characters':
    '标题和名称只能是一行普通文字，不能含有控制字符或改变文字方向的格式字符（如 U+202E）。',
  'money-integer-fen': '金额必须精确到分，且不能为负数。',
  'budget-lines-sum': '各项预算明细之和必须等于项目总金额。',
  'tranche-percent-sum': '各期付款比例之和必须为 100%。',
  'tranche-milestone-once': '每个付款节点只能安排一期付款。',
  'tranche-order': '付款期次须按项目流程的顺序：合同签订后、中期评估通过后、第三方评估通过后。',
  'tranche-amounts-sum': '各期付款金额须逐期填写，且合计等于合同金额。',
  'term-end-after-start': '服务期限的结束日期必须晚于开始日期。',
  'term-justification-required':
    '服务期限超过 12 个月，必须填写理由（服务稳定连续、预算有保障），否则请把期限缩短到 12 个月以内。',
  'term-max-36-months': '服务期限最长不得超过 36 个月。',
  'term-already-ended': '服务期限已经结束：不能采购已经提供完毕的服务。',
  'service-catalogue': '该服务事项不在本服务领域的政府购买服务指导性目录中。',
  'negative-list': '该事项属于负面清单，不得作为政府购买服务事项。',
  'credit-code-structure': '这不是有效的统一社会信用代码。',
  'credit-code-check-digit': '统一社会信用代码的校验位（第 18 位）不对，请检查是否有输错的字符。',
  'salary-benchmark':
    '每名全职人员的月工资与社会保障费合计，折合全年低于上年度本市非私营单位在岗职工平均工资。',
  'salary-benchmark-missing': '没有配置适用年度的职工平均工资基准，无法核对人员费用。',
  'salary-benchmark-overdue':
    '上年度职工平均工资基准应已公布，但基础数据中还没有：不能再以更早年度的数据核对人员费用，请管理员补充。',
  'deliverable-within-term': '交付日期必须在服务期限之内。',
  'midterm-report-required': '必须安排一份中期报告（中期评估需要）。',
  'final-report-required': '必须安排一份终期报告（第三方评估需要）。',
  'budget-line-year': '预算指标必须属于服务开始的年度。',
  'budget-line-known': '没有这个预算指标；立项必须有可以预留的预算。',
  'budget-line-remaining': '该预算指标剩余金额不足以支付本项目。',
  'cursor-malformed': '分页标记无效，请从第一页重新查询。',
  'cursor-other-listing': '分页标记属于另一个查询，请从第一页重新查询。',
  'reference-duplicate': '同一编号或年度只能出现一次。',
  'reference-line-kept': '已有的预算指标不能删除，其编号和年度不能修改：已有项目引用它。',
  'reference-total-below-reserved': '预算指标总额不能低于其上已预留的金额。',
  'payee-account-required': '请填写机构的收款账户（开户银行、户名、账号）：每期款项都付到该账户。',
  'withdrawal-reason-required': '撤回必须说明理由：审批人和审计记录都会看到。',
  'withdrawal-reason-too-long': '撤回理由太长，最多 500 个字。',
  'waiver-reason-required': '免于支付必须说明理由：该款项本应支付给机构，审计记录会保存理由。',
  'waiver-reason-too-long': '免于支付的理由太长，最多 500 个字。',
  'correction-reason-required': '更正付款记录必须说明理由：审计记录会保存原记录、更正内容和理由。',
  'correction-reason-too-long': '更正理由太长，最多 500 个字。',
  'correction-reference-invalid': '银行交易流水号须为 4–64 个字符，只能包含字母、数字、“-”“_”“/”。',
  'revision-budget-line-fixed': '退回修改时不能更换预算指标：如需使用其他预算指标，请撤回本项目后重新登记。',
  'revision-note-too-long': '修改说明太长，最多 2000 个字。',
  'amendment-no-change': '本次变更没有任何改动。',
  'amendment-budget-lines-required': '变更金额须同时给出合计相符的费用明细。',
  'amendment-tranche-milestones': '变更须给出付款计划每一期的金额，不能增减付款节点。',
  'amendment-below-settled': '变更后的金额不能低于已通知财务支付的金额。',
  'amendment-settled-tranche': '已通知付款的一期金额不能改变。',
  'delegation-not-approver':
    '只有审批名单上的科长、财务科、局长可以委托他人审批；副局长是超时升级的审批人，不能委托。',
  'delegation-period-order': '委托结束日期不能早于开始日期。',
  'delegation-starts-past': '委托开始日期不能早于今天。',
  'delegation-too-long': '委托期最长 90 天；更长的缺席请管理员调整审批名单。',
  'delegation-self': '被委托人不能是审批人本人。',
  'delegation-overlap': '这段时间已有一项委托，请先结束它或另选日期。',
  'delegate-away': '被委托人在这段时间本人也外出。',
  'body-required': '请求没有内容。',
  'json-syntax': '请求内容不是有效的 JSON。',
  'ngo-barred': '该机构因第三方评估不合格，在限制期内不得承接新的政府购买服务项目。',
};

/**
 * A field error as a form shows it: the server's Chinese sentence when it sent one (with the
 * figures), else the Chinese for its rule; the server's English, with what would be accepted.
 */
export function fieldErrorText(
  error: Pick<FieldError, 'message'> & {
    rule?: string | undefined;
    allowed?: string | undefined;
    zh?: string | undefined;
  },
): BilingualText {
  const zh =
    error.zh ?? (FIELD_RULE_ZH as Readonly<Record<string, string>>)[error.rule ?? ''] ?? '此项有误，请修改。';
  const en = error.allowed ? `${error.message}. Allowed: ${error.allowed}` : error.message;
  return { zh, en: en.charAt(0).toUpperCase() + en.slice(1) };
}

export const YUAN_TEXT_PROBLEM_TEXT: Readonly<Record<YuanTextProblem, BilingualText>> = {
  empty: { zh: '请填写金额（元）。', en: 'Enter an amount in yuan.' },
  negative: { zh: '金额不能为负数。', en: 'An amount cannot be negative.' },
  'too-many-decimals': { zh: '金额最多两位小数（精确到分）。', en: 'At most two decimals (fen).' },
  'not-an-amount': {
    zh: '请只填写数字，例如 1,234.50。',
    en: 'Not an amount: type digits, e.g. 1,234.50.',
  },
  'too-large': { zh: '金额太大。', en: 'The amount is too large.' },
};

const CREDIT_CODE_PROBLEM_ZH: Readonly<Record<CreditCodeProblemKind, (p: CreditCodeProblem) => string>> = {
  length: () => '统一社会信用代码为 18 位。',
  charset: (p) => `第 ${p.position} 位不是信用代码使用的字符（不用 I、O、S、V、Z）。`,
  'registration-authority': () => '第 1 位不是登记管理部门代码（社会组织为 5，民政）。',
  'organisation-type': () =>
    '第 2 位不是该登记管理部门的机构类别代码（民政：1 社会团体、2 民办非企业单位、3 基金会）。',
  'administrative-division': () => '第 3–8 位不是行政区划代码（例如 350203 思明区）。',
  'check-character': (p) => `校验位不对：前 17 位对应的第 18 位应为“${p.expected}”，请检查是否输错。`,
};

/** A credit code's problem (credit-code.ts) in both languages, the English as the domain phrases it. */
export function creditCodeProblemText(problem: CreditCodeProblem): BilingualText {
  const en = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
  return { zh: CREDIT_CODE_PROBLEM_ZH[problem.kind](problem), en: `${en}.` };
}
