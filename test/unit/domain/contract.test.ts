import { describe, expect, it } from 'vitest';
import { sampleProposal, smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import {
  CONTRACT_MANDATORY_TERMS,
  chineseCapitalAmount,
  missingMandatoryTerms,
} from '../../../shared/domain/contract.js';
import { tranchePlan } from '../../../shared/domain/payments.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { ContractRenderError, renderContract } from '../../../shared/presentation/contract-document.js';

const bureau = { name: '厦门市民政局', nameEn: 'Xiamen Municipal Civil Affairs Bureau' };

function render(
  proposal: Proposal = sampleProposal(),
  extra: { paymentDueDays?: number; paymentDueWorkingDays?: number } = {},
) {
  return renderContract({
    purchaseId: 'PUR-2026-7K2M9QXWAB3CDEFG',
    proposal,
    approvedAt: '2025-12-20T17:30:00Z',
    bureau,
    trancheAmounts: tranchePlan(proposal),
    ...extra,
  });
}

describe('renderContract', () => {
  it('carries every mandatory term as a numbered clause, in the text and in the HTML', () => {
    const contract = render();
    expect(missingMandatoryTerms(contract.text)).toEqual([]);
    expect(missingMandatoryTerms(contract.html)).toEqual([]);
    expect(contract.text).toContain('第一条 服务内容');
    expect(contract.text).toContain('Clause 6. Settlement method');
    expect(contract.text).toContain('第九条 争议解决');
  });

  it('names the parties, the catalogue service, the district and the term', () => {
    const { text, title } = render();
    expect(title).toBe(
      '政府购买服务合同 Government Service Purchase Contract: 2026年思明区居家养老上门服务项目',
    );
    expect(text).toContain('厦门市民政局 Xiamen Municipal Civil Affairs Bureau');
    expect(text).toContain('厦门市思明区乐龄社会工作服务中心');
    expect(text).toContain('52350203MJ0427315L');
    expect(text).toContain('“居家养老上门服务”');
    expect(text).toContain('"Home-based elderly care visits"');
    expect(text).toContain('服务地点：思明区');
    expect(text).toContain('服务期限自 2026-01-01 起至 2026-12-31 止');
  });

  it('dates the contract by the China date of approval', () => {
    expect(render().text).toContain('合同日期：2025-12-21');
  });

  it('states quantity as staff headcounts and deliverables with due dates', () => {
    const { text } = render();
    expect(text).toContain('乙方为本项目配备专职人员共 3 名');
    expect(text).toContain('- 项目主管 | 1');
    expect(text).toContain('- 社工 | 2');
    expect(text).toContain(
      '- 中期报告 Mid-term report | 2026-06-30 | 中期报告：服务人次、个案进展与经费使用情况',
    );
    expect(text).toContain('- 终期报告 Final report | 2026-12-15');
  });

  it('provides for third-party evaluation under quality', () => {
    const { text } = render();
    const quality = text.slice(text.indexOf('第四条 服务质量'), text.indexOf('第五条'));
    expect(quality).toContain('第三方评估机构');
    expect(quality).toContain('an evaluation agency independent of both parties');
  });

  it('states the price in yuan, in capital numerals and in fen', () => {
    const { text } = render();
    expect(text).toContain('合同总价为 ¥480,000.00（人民币肆拾捌万元整；即 48000000 分）');
    expect(text).toContain('The total price is ¥480,000.00 (48000000 fen)');
  });

  it('lays out the settlement schedule with amounts that add up and the payment period', () => {
    const { text } = render(sampleProposal(), { paymentDueDays: 15 });
    expect(text).toContain(
      '- 1 | 合同签订后 On contract signature | 30% | ¥144,000.00 | 验收后 15 日（遇法定节假日顺延）内 / within 15 days (moved to the next working day when that is a public holiday or rest day) of acceptance',
    );
    expect(text).toContain('- 2 | 中期评估通过后 After the mid-term review passes | 40% | ¥192,000.00');
    expect(text).toContain(
      '- 3 | 第三方评估通过后 After the third-party evaluation passes | 30% | ¥144,000.00',
    );
    expect(text).toContain('第三方评估等级为不合格的，甲方不支付以第三方评估通过为节点的款项。');
  });

  it('pays within 30 days by default, moved off a public holiday', () => {
    expect(render().text).toContain('每一节点经甲方验收确认后 30 日（遇法定节假日顺延）内');
  });

  it('says working days when the payment term is given in working days', () => {
    const text = render(sampleProposal(), { paymentDueWorkingDays: 20 }).text;
    expect(text).toContain('每一节点经甲方验收确认后 20 个工作日内');
    expect(text).toContain('within 20 working days of Party A accepting the milestone');
  });

  it('ends with a signature block for both parties', () => {
    const { text, html } = render();
    const signatures = text.slice(text.indexOf('签署 Signatures'));
    expect(signatures).toContain('甲方（购买主体）（盖章）');
    expect(signatures).toContain('乙方（承接主体）（盖章）');
    expect(signatures.match(/日期 Date: _+/g)).toHaveLength(2);
    expect(html).toContain('<div class="signatures">');
  });

  it('puts Chinese before English', () => {
    const { text } = render();
    expect(text.indexOf('第五条 合同价款')).toBeLessThan(text.indexOf('Clause 5. Price'));
    expect(text.indexOf('合同总价为')).toBeLessThan(text.indexOf('The total price is'));
  });

  it('escapes everything that came from a person', () => {
    const hostile = sampleProposal({
      title: '<script>alert("title")</script> & co',
      district: '<img src=x onerror=alert(1)>',
      ngo: { ...sampleProposal().ngo, name: 'NGO "quoted" <b>bold</b>' },
      staffPlan: [
        { role: '<i>社工</i>', headcount: 3, monthlySalaryFen: 800_000, monthlySocialWelfareFen: 200_000 },
      ],
      deliverables: [{ kind: 'FINAL_REPORT', dueDate: '2026-12-15', description: "</td><td>x</td>'" }],
    });
    const { html, text } = render(hostile);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).not.toContain('<i>社工');
    expect(html).not.toContain('</td><td>x');
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('NGO &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;td&gt;x&lt;/td&gt;&#39;');
    // The text version is for plain-text channels and keeps the characters as typed.
    expect(text).toContain('<script>alert("title")</script> & co');
    expect(missingMandatoryTerms(html)).toEqual([]);
  });

  it('is deterministic: the same input renders the same bytes', () => {
    expect(render()).toEqual(render());
  });

  it('records the justification of a term longer than twelve months', () => {
    const justification = '该服务需长期稳定开展，且已纳入三年财政预算安排，服务对象需要连续的照护关系。';
    const { text } = render(
      sampleProposal({ term: { start: '2026-01-01', end: '2027-12-31' }, justification }),
    );
    expect(text).toContain(`服务期限超过十二个月的理由：${justification}`);
  });

  it('renders a purchase without dedicated staff and without a final tranche', () => {
    const proposal = smallMinorProtectionProposal();
    proposal.staffPlan = [];
    proposal.trancheSchedule = [
      { milestone: 'CONTRACT_SIGNED', percent: 50 },
      { milestone: 'MIDTERM_PASSED', percent: 50 },
    ];
    const { text } = render(proposal);
    expect(text).toContain('本项目不配备专职人员。');
    expect(text).not.toContain('第三方评估等级为不合格的，甲方不支付');
    expect(missingMandatoryTerms(text)).toEqual([]);
  });

  it('refuses tranche amounts that do not add up to the contract total', () => {
    const proposal = sampleProposal();
    const plan = tranchePlan(proposal).map((t, i) => (i === 0 ? { ...t, amountFen: t.amountFen - 1 } : t));
    expect(() =>
      renderContract({
        purchaseId: 'PUR-1',
        proposal,
        approvedAt: '2026-01-01T00:00:00Z',
        bureau,
        trancheAmounts: plan,
      }),
    ).toThrow(ContractRenderError);
  });
});

describe('missingMandatoryTerms', () => {
  it('lists each term whose numbered heading is absent', () => {
    const { text } = render();
    const withoutLiability = text.replace('第八条 违约责任', '第八条 其他约定');
    expect(missingMandatoryTerms(withoutLiability)).toEqual(['LIABILITY']);
    const withoutEnglishPrice = text.replace('Clause 5. Price', 'Clause 5. Cost');
    expect(missingMandatoryTerms(withoutEnglishPrice)).toEqual(['PRICE']);
  });

  it('does not count a term mentioned in passing as its clause', () => {
    expect(missingMandatoryTerms('本合同的服务内容、服务期限、违约责任详见附件。')).toHaveLength(
      CONTRACT_MANDATORY_TERMS.length,
    );
  });

  it('covers the terms the purchase-of-services rules require', () => {
    expect(CONTRACT_MANDATORY_TERMS.map((t) => t.term)).toEqual([
      'CONTENT',
      'TERM',
      'QUANTITY',
      'QUALITY',
      'PRICE',
      'SETTLEMENT',
      'RIGHTS_AND_OBLIGATIONS',
      'LIABILITY',
      'DISPUTE_RESOLUTION',
    ]);
  });
});

describe('chineseCapitalAmount', () => {
  it('writes amounts in capital numerals with zeros read once', () => {
    const cases: [number, string][] = [
      [48_000_000, '人民币肆拾捌万元整'],
      [12_000_000, '人民币壹拾贰万元整'],
      [105, '人民币壹元零伍分'],
      [150, '人民币壹元伍角整'],
      [5, '人民币伍分'],
      [0, '人民币零元整'],
      [100_001_000, '人民币壹佰万零壹拾元整'],
      [1_000_100, '人民币壹万零壹元整'],
      [10_000_000_000, '人民币壹亿元整'],
      [1_001_000_000_000, '人民币壹佰亿壹仟万元整'],
      [1_234_567_891, '人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角壹分'],
    ];
    for (const [fen, words] of cases) expect(chineseCapitalAmount(fen), String(fen)).toBe(words);
  });

  it('refuses a negative or fractional amount', () => {
    expect(() => chineseCapitalAmount(-1)).toThrow(RangeError);
    expect(() => chineseCapitalAmount(1.5)).toThrow(RangeError);
  });
});
