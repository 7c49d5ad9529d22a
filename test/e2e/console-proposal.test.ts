import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeElderlyCareProposalToday } from '../../infra/local/samples/live-proposals.js';
import { expectedCheckCharacter } from '../../shared/domain/credit-code.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  fillMoney,
  fillProject,
  formRow,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * The new-proposal form in a real browser, as the purchasing officer uses it: amounts typed in
 * yuan, rows added and removed, the credit code checked as it is typed, the draft kept across a
 * reload, the server's refusal shown next to the field in both languages, and the registered
 * proposal opened on its purchase page.
 */

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest | undefined;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  app = ui.app;
}, 120_000);

afterAll(async () => ui?.stop());

async function newPage(width?: number): Promise<Page> {
  if (!ui) throw new Error('the console is not started');
  return (await ui.newPage(width)).page;
}

/** Signs in as the officer on the provider's page and opens the form from the main menu. */
async function openFormAsOfficer(page: Page): Promise<void> {
  if (!ui) throw new Error('the console is not started');
  await ui.signInAs(page, /Li Ming/);
  await page.getByRole('heading', { level: 1, name: /Purchases/ }).waitFor();
  await page
    .getByRole('navigation', { name: /Main menu/ })
    .getByRole('link', { name: /New proposal/ })
    .click();
  await page.getByRole('heading', { level: 1, name: /New proposal/ }).waitFor();
}

const errorOf = (page: Page, id: string) => page.locator(`#${id}-error`);
const overflow = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>;

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

describe('the new-proposal form', () => {
  const proposal = largeElderlyCareProposalToday();
  // A new NGO (no purchase yet), so its track record is empty; 5 民政, 2 民办非企业单位, 350206 湖里区.
  const creditCode = '52350206MJ0712345';

  it('registers a proposal typed in yuan: a wrong check digit caught as typed, the draft kept over a reload, the pay the server refuses shown at its field in both languages, then the purchase page', async () => {
    const page = await newPage();
    await openFormAsOfficer(page);
    expect(await accessibilityViolations(page)).toEqual([]);
    await fillProject(page, proposal);

    // The credit code: a wrong check character is named as soon as the 18th is typed.
    const check = expectedCheckCharacter(creditCode) ?? '';
    const wrong = check === '0' ? '1' : '0';
    const code = page.getByLabel('统一社会信用代码 Unified social credit code');
    await code.pressSequentially(`${creditCode}${wrong}`.toLowerCase());
    const codeError = errorOf(page, 'p-ngo-creditCode');
    await codeError.waitFor();
    expect(await textOf(codeError)).toContain(`第 18 位应为“${check}”`);
    expect(await textOf(codeError)).toContain(`call for '${check}'`);
    await expect(code.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(code.getAttribute('aria-describedby')).resolves.toContain('p-ngo-creditCode-error');
    await code.press('Backspace');
    await code.pressSequentially(check);
    await codeError.waitFor({ state: 'detached' });
    await page.getByText('✓ 校验位正确。').waitFor();
    // A valid code fetches the NGO's track record: a new NGO has none and is not barred.
    await page.getByText('No third-party evaluation on record yet.').waitFor();
    await page.getByText('The NGO may take new purchases.').waitFor();
    await page.getByLabel('机构名称 Name').fill('厦门市湖里区新芽社会工作服务中心');
    await page.getByLabel('联系邮箱 Contact e-mail').fill('office@xinya-sw.example.org');
    // Where finance pays: the number typed in groups, as it reads on a bank card or a letter.
    await page.getByLabel('开户银行 Bank and branch').fill('中国工商银行厦门湖里支行（示例）');
    await page.getByLabel('户名 Account name').fill('厦门市湖里区新芽社会工作服务中心');
    await page.getByLabel(/账号 Account number/).fill('4100 0212 0901 0012 345');

    // A reload half-way: the draft is still there, as typed.
    await page.reload();
    await page.getByText(/Your draft saved at .* is back/).waitFor();
    await expect(page.getByLabel('项目名称 Title').inputValue()).resolves.toBe(proposal.title);
    await expect(code.inputValue()).resolves.toBe(`${creditCode.toLowerCase()}${check}`);
    await expect(page.getByLabel('服务结束日期 Term ends').inputValue()).resolves.toBe(proposal.term.end);
    // All but the NGO's account number, which the browser's storage never keeps: typed again.
    const accountNumber = page.getByLabel(/账号 Account number/);
    await expect(accountNumber.inputValue()).resolves.toBe('');
    await accountNumber.fill('4100 0212 0901 0012 345');

    // The budget line of the term's year shows what is left on it.
    const line = page.getByLabel(/Budget line/);
    await line.locator(`option[value="${proposal.budgetLineRef}"]`).waitFor({ state: 'attached' });
    expect(await textOf(line)).toMatch(/剩余 left ¥[\d,]+\.\d\d \/ ¥5,000,000\.00/);

    // The second staff line's salary, ¥5,000.00 + ¥2,000.00 a month, is below the benchmark: only the server says so.
    await fillMoney(page, proposal, '5,000');
    await page.getByText(/Lines add up to ¥480,000\.00, the total\./).waitFor();
    await page.getByText(/Percentages add up to 100%\./).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-proposal.png'), fullPage: true });

    await page.getByRole('button', { name: /Submit proposal/ }).click();
    const salary = formRow(page, /staff line 2$/).getByLabel(/Monthly salary/);
    const salaryError = errorOf(page, 'p-staffPlan-1-monthlySalaryFen');
    await salaryError.waitFor();
    expect(await textOf(salaryError)).toMatch(
      /第 2 行人员（社工）：月工资 ¥5,000\.00 \+ 社会保障费 ¥2,000\.00.*低于工资基准/,
    );
    expect(await textOf(salaryError)).toMatch(/salary ¥5,000\.00 \+ social welfare ¥2,000\.00/);
    expect(await textOf(salaryError)).toContain(
      'Allowed: salary and social welfare together of at least ¥9,628.17',
    );
    await page.getByText(/1 problem to correct, each shown next to its field/).waitFor();
    // The focus is on the field the server refused.
    await expect
      .poll(() => page.evaluate('document.activeElement?.id'))
      .toBe('p-staffPlan-1-monthlySalaryFen');
    await expect(salary.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-proposal-errors.png'), fullPage: true });

    // Corrected and submitted twice in a row: one purchase, its page opened.
    await salary.fill('8,000');
    await salaryError.waitFor({ state: 'detached' });
    const submit = page.getByRole('button', { name: /Submit proposal/ });
    await submit.dblclick();
    await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
    const purchaseId = /#\/purchases\/(PUR-[A-Z0-9-]+)$/.exec(page.url())?.[1] ?? '';
    expect(purchaseId).toMatch(/^PUR-\d{4}-/);
    expect(
      await page.evaluate('Object.keys(localStorage).filter((k) => k.includes("proposal-draft"))'),
    ).toEqual([]);

    if (!app) throw new Error('no app');
    const token = await app.users.devToken(
      'officer-li',
      ['officer'],
      'li.officer@civil-affairs.example.gov.cn',
    );
    const view = await app.users.purchase(token, purchaseId);
    expect(view).toMatchObject({ title: proposal.title, totalYuan: '¥480,000.00' });
    const listed = await app.users.purchases(token, {
      year: proposal.term.start.slice(0, 4),
      q: proposal.title,
    });
    expect(listed.map((p) => p.purchaseId)).toEqual([purchaseId]);
  });

  it('works by keyboard at 390 px without overflowing: rows added and removed, errors of an empty submission at their fields, the draft discarded', async () => {
    const page = await newPage(390);
    await openFormAsOfficer(page);
    expect(await overflow(page)).toBeLessThanOrEqual(0);

    // From the page's content the keyboard reaches the first field.
    const title = page.getByLabel('项目名称 Title');
    await page.getByRole('heading', { level: 1, name: /New proposal/ }).click();
    for (let i = 0; i < 6 && !(await page.evaluate('document.activeElement?.id === "p-title"')); i++)
      await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.id === "p-title"')).resolves.toBe(true);
    await page.keyboard.type('键盘录入的项目');

    // Adding a row puts the focus in it; removing it brings the focus back to the add button.
    const addStaff = page.getByRole('button', { name: /Add staff line/ });
    await addStaff.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('p-staffPlan-1-role');
    await page.keyboard.type('社工');
    const remove = formRow(page, /staff line 2$/).getByRole('button', { name: /Remove/ });
    await remove.focus();
    await page.keyboard.press('Enter');
    await expect(formRow(page, /staff line 2$/).count()).resolves.toBe(0);
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toMatch(/Add staff line/);

    // An amount with three decimals is refused as it is typed.
    const total = page.getByLabel('项目总金额（元） Total (yuan)');
    await total.fill('1000.005');
    await errorOf(page, 'p-totalFen').getByText('At most two decimals (fen).').waitFor();
    await total.fill('1,000.05');
    await page.getByText('= ¥1,000.05').waitFor();

    // Submitting the half-empty form: the server names every missing field next to it, the focus on the first.
    await page.getByRole('button', { name: /Submit proposal/ }).focus();
    await page.keyboard.press('Enter');
    await errorOf(page, 'p-serviceArea').waitFor();
    expect(await textOf(errorOf(page, 'p-serviceArea'))).toContain('此项必须填写。');
    expect(await textOf(errorOf(page, 'p-serviceArea'))).toContain('Is required but was not given');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('p-serviceArea');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-proposal-390.png'), fullPage: true });

    // Discarding the draft empties the form, and a reload brings nothing back.
    await page.getByRole('button', { name: /Discard draft/ }).click();
    await page.getByText(/The draft was discarded/).waitFor();
    await expect(title.inputValue()).resolves.toBe('');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /New proposal/ }).waitFor();
    await expect(page.getByLabel('项目名称 Title').inputValue()).resolves.toBe('');
    expect(await page.getByText(/is back/).count()).toBe(0);
  });
});
