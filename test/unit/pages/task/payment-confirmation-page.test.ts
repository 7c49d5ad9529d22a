import { describe, expect, it } from 'vitest';
import { PAYMENT_REFERENCE_PATTERN } from '../../../../shared/domain/decision-rules.js';
import type { Proposal } from '../../../../shared/domain/proposal.js';
import type { HumanTask } from '../../../../shared/domain/tasks.js';
import {
  paymentConfirmationPage,
  paymentConfirmationPageModel,
} from '../../../../shared/presentation/pages/task/payment-confirmation-page.js';

import { count, ESCAPED_SCRIPT, paymentTask, proposal, SCRIPT } from './task-page-fixtures.js';

/** Finance's payment confirmation page: the tranche, the payee and the reference input. */

function payment(t: HumanTask = paymentTask, p: Proposal = proposal) {
  return paymentConfirmationPage(
    paymentConfirmationPageModel({ purchaseId: t.purchaseId, proposal: p, task: t }),
  );
}

describe('paymentConfirmationPage', () => {
  it('shows the tranche, milestone, amount in yuan, due date and the payee with its credit code', () => {
    const rendered = payment();

    expect(rendered.statusCode).toBe(200);
    const h1 = rendered.html.match(/<h1>(.*?)<\/h1>/s)?.[1] ?? '';
    expect(h1.indexOf('确认付款：')).toBeLessThan(h1.indexOf('Confirm payment:'));
    for (const fact of [
      '集美区农村留守老人关爱服务项目',
      'p-2026-0007',
      '第 1 笔 Tranche 1',
      '合同签订后 On contract signature',
      '¥30,000.00',
      '2026-04-30',
      '收款单位',
      '集美区乡村社工服务社',
      '52350211MJ0000002A',
      '陈会计 &lt;finance@civil-affairs.example.gov.cn&gt;',
    ]) {
      expect(rendered.html).toContain(fact);
    }
  });

  it("shows finance the NGO's registered account in full: bank, account name and the number in groups of four", () => {
    const account = {
      bankName: '厦门银行集美支行',
      accountName: '集美区乡村社工服务社',
      accountNumber: '80120100002345678',
    };
    const html = payment(paymentTask, { ...proposal, ngo: { ...proposal.ngo, bankAccount: account } }).html;

    for (const fact of ['开户银行', '厦门银行集美支行', '户名', 'Account name', '8012 0100 0023 4567 8']) {
      expect(html).toContain(fact);
    }
    expect(html).not.toContain('Check first');
  });

  it('warns finance to check an account in another name than the NGO’s, and says when none is registered', () => {
    const other = { bankName: '某银行', accountName: '张三', accountNumber: '6222000011112222' };
    const warned = payment(paymentTask, { ...proposal, ngo: { ...proposal.ngo, bankAccount: other } }).html;
    expect(warned).toContain('收款账户的户名与承接机构名称不一致');
    expect(warned).toContain('Check first: the account is not in the NGO&#39;s name.');

    const none = payment().html;
    expect(none).toContain('未登记：请向经办人索取并核实后再付款');
    expect(none).toContain('None registered: ask the officer for it, and check it, before paying');
  });

  it("has one POST form with the nonce, the acting person's address, a required reference input and only the Confirm button", () => {
    const html = payment().html;

    expect(count(html, /<form\b/)).toBe(1);
    expect(html).toContain('<input type="hidden" name="nonce" value="n0nce_Value-123">');
    const reference = html.match(/<input type="text" id="reference"[^>]*>/)?.[0] ?? '';
    expect(reference).toContain('name="reference"');
    expect(reference).toContain(' required ');
    expect(reference).toContain('minlength="4"');
    expect(reference).toContain('maxlength="64"');
    expect(html).toContain('<label for="reference">银行交易流水号');
    expect(html).toMatch(
      /<button type="submit"[^>]*name="decision" value="CONFIRM">确认已付款 <span lang="en">Confirm payment made<\/span><\/button>/,
    );
    expect(count(html, /<button\b/)).toBe(1);
    // Nonce, the amount paid now (filled in with what is due), the reference, the acting address.
    expect(html).toMatch(/<input type="text" id="amount" name="amount" value="30000.00" required/);
    expect(count(html, /<input\b/)).toBe(4);
    // The finance section's mailbox is shared: the page names it and asks who is acting.
    expect(html).toContain('You are deciding as');
    expect(html).toMatch(/<input type="email" id="actingEmail" name="actingEmail" required/);
    expect(html).not.toMatch(/<a\b|<script\b|value="REJECT"|value="REFUSE"/i);
  });

  it("the input's pattern (compiled as browsers do, with the v flag) accepts and refuses what the server does", () => {
    const pattern = payment().html.match(/pattern="([^"]*)"/)?.[1] ?? '';
    const browser = new RegExp(`^(?:${pattern})$`, 'v');

    for (const ok of ['ABCD', 'TX-2026/04_0001', 'a'.repeat(64)]) {
      expect(browser.test(ok)).toBe(true);
      expect(PAYMENT_REFERENCE_PATTERN.test(ok)).toBe(true);
    }
    for (const bad of ['abc', 'a'.repeat(65), 'TX 2026', '流水号1234', 'TX;DROP', '<b>1234']) {
      expect(browser.test(bad)).toBe(false);
      expect(PAYMENT_REFERENCE_PATTERN.test(bad)).toBe(false);
    }
  });

  it('says what was paid before on the rest of a tranche, and why a final tranche the grade reduced pays less', () => {
    const html = payment({
      ...paymentTask,
      context: {
        tranche: 3,
        milestone: 'EVALUATION_PASSED',
        amountFen: 1_520_000,
        trancheFen: 11_520_000,
        paidFen: 10_000_000,
        plannedFen: 14_400_000,
        sharePercent: 80,
        grade: 'PASS',
      },
    }).html;

    for (const fact of [
      '本期金额',
      '¥115,200.00',
      '已付',
      '¥100,000.00',
      '待付余额',
      'Left to pay',
      '¥15,200.00',
    ])
      expect(html).toContain(fact);
    expect(html).toContain('计划 ¥144,000.00，评估等级“合格”按 80% 支付');
    expect(html).toContain('value="15200.00"');
  });

  it('leaves out the facts its context lacks, and shows an unknown milestone code as it is', () => {
    const html = payment({ ...paymentTask, context: { tranche: 2, milestone: 'SOMETHING_NEW' } }).html;

    expect(html).toContain('第 2 笔 Tranche 2');
    expect(html).toContain('SOMETHING_NEW');
    expect(html).not.toContain('付款金额');
    expect(html).not.toContain('付款期限');
  });

  it('escapes the title, the payee and the context values', () => {
    const html = payment(
      {
        ...paymentTask,
        context: { tranche: `X ${SCRIPT}`, dueDate: `D ${SCRIPT}`, milestone: `M ${SCRIPT}` },
      },
      { ...proposal, title: `T ${SCRIPT}`, ngo: { ...proposal.ngo, name: `N ${SCRIPT}` } },
    ).html;

    expect(html).not.toMatch(/<script\b/i);
    for (const prefix of ['T', 'N', 'X', 'D', 'M']) expect(html).toContain(`${prefix} ${ESCAPED_SCRIPT}`);
  });
});
