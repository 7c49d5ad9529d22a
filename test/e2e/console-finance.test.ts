import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { ACTING_FINANCE_CLERK, type MailboxMail, UsersClient } from '../../infra/local/users.js';
import { formatYuan } from '../../shared/domain/money.js';
import { decideOnce, Inboxes, type JourneyContext, uploadFromMail } from '../support/journey.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_POLICY, TEST_SETTINGS } from '../support/settings.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  openSection,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * Finance in the browser: the clerk pays the first tranche in part from its confirmation page and
 * is given the link for the rest; the head of the finance section waives the rest with a reason
 * from Tranches due; the clerk corrects the mistyped bank reference of the part on the purchase
 * page, where the reference confirmed stays shown beside the correction. Each page is checked with
 * axe and photographed.
 */

const proposal = (() => {
  const sample = smallMinorProtectionProposalToday();
  return { ...sample, title: sample.title.replace('关爱', '关爱（财务）') };
})();
const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF.email;

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
let officer: string;
let purchaseId = '';

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  app = ui.app;
  officer = await app.users.devToken('officer-li', ['officer'], 'li.officer@civil-affairs.example.gov.cn');
  inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  inboxes.start();
  journey = { users: () => app.users, inboxes, officer, settings: TEST_SETTINGS };
  // Over HTTP as the journey suite does: approved by the section chief, signed and countersigned.
  const submitted = await app.users.submit(officer, proposal);
  purchaseId = String(submitted.body.purchaseId);
  const about = (subject: string) => (m: MailboxMail) =>
    (m.body.text ?? '').includes(purchaseId) && m.subject.includes(subject);
  await decideOnce(
    journey,
    UsersClient.linkIn(await inboxes.next(chief, about('Approval request'))),
    'APPROVE',
    {
      comment: '同意。',
    },
  );
  await uploadFromMail(journey, purchaseId, proposal.ngo.contactEmail, 'SIGNED_CONTRACT', 'signed.pdf');
  await decideOnce(
    journey,
    UsersClient.linkIn(await inboxes.next(chief, about('Countersign'))),
    'COUNTERSIGN',
    {
      comment: '已会签。',
    },
  );
  await app.users.waitForPurchase(
    officer,
    purchaseId,
    (v) => (v.payments ?? []).some((p) => p.tranche === 1 && p.status === 'NOTIFIED'),
    { expected: 'tranche 1 notified' },
  );
}, 240_000);

afterAll(async () => {
  inboxes?.stop();
  await ui?.stop();
});

async function signedInPage(accountName: RegExp): Promise<Page> {
  if (!ui) throw new Error('the console is not started');
  const { page } = await ui.newPage();
  await ui.signInAs(page, accountName);
  return page;
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(RESULTS_DIR, `console-finance-${name}.png`), fullPage: true });

const firstTranche = () => (proposal.totalFen * (proposal.trancheSchedule[0]?.percent ?? 0)) / 100;

describe('finance in the console', () => {
  it('the clerk confirms part of the first tranche: the page asks for the amount, shows the account in full, and gives the link for the rest', async () => {
    const page = await signedInPage(/Chen Jing/);
    await openSection(page, /Tranches due/);
    const row = page.getByRole('row').filter({ hasText: proposal.title });
    await row.getByRole('link', { name: /Confirm/ }).click();
    const amount = page.getByLabel(/Amount paid now/);
    await amount.waitFor();
    await expect(amount.inputValue()).resolves.toBe(formatYuan(firstTranche()).replace(/[¥,]/g, ''));
    await page.getByText(proposal.ngo.bankAccount?.bankName ?? '').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'confirm-part');

    await amount.fill('20,000');
    await page.getByLabel(/Bank transaction reference/).fill('ABC-2026-O777');
    await page.getByLabel(/Your own work e-mail address/).fill(ACTING_FINANCE_CLERK);
    await page.getByRole('button', { name: /Confirm payment made/ }).click();
    await page.getByRole('heading', { level: 1, name: /Your decision has been recorded/ }).waitFor();
    const left = formatYuan(firstTranche() - 2_000_000);
    await page.getByText(`${left} of this tranche is still due.`).waitFor();
    await page.getByRole('link', { name: /Confirm the rest/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'part-recorded');
  });

  it('the head of the finance section waives the rest from Tranches due, with a reason, after a deliberate second click', async () => {
    const page = await signedInPage(/Huang Min/);
    await openSection(page, /Tranches due/);
    const row = page.getByRole('row').filter({ hasText: proposal.title });
    await expect(row.textContent()).resolves.toContain('已付 ¥20,000.00');
    await row.getByRole('button', { name: '免于支付… · Waive…' }).click();
    // The form opens in a row of its own under the tranche's.
    const form = page.locator('tr.waive-row');
    const waive = form.getByRole('button', { name: '免于支付 · Waive', exact: true });
    const confirm = form.getByRole('button', { name: '确认免于支付 · Confirm: waive', exact: true });
    // Without a reason the server refuses, and says so under the reason in both languages.
    await waive.click();
    await confirm.click();
    await form.getByText(/免于支付必须说明理由/).waitFor();
    await form
      .getByLabel(/Why it will not be paid/)
      .fill('机构书面确认放弃余款 · the NGO renounced the rest in writing');
    await waive.click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'waive');
    await confirm.click();
    await page.getByText(/0 to pay, ¥0\.00 in all/).waitFor();

    const view = await app.users.purchase(officer, purchaseId);
    expect(view.payments?.[0]).toMatchObject({ tranche: 1, status: 'WAIVED', paidFen: 2_000_000 });
  });

  it('the clerk corrects the part’s mistyped reference on the purchase page; the reference confirmed stays beside the correction', async () => {
    const page = await signedInPage(/Chen Jing/);
    if (!ui) throw new Error('the console is not started');
    await page.goto(`${ui.consoleUrl}/#/purchases/${purchaseId}`);
    await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
    const transfer = page.locator('ol.transfers > li').first();
    await expect(transfer.textContent()).resolves.toContain('ABC-2026-O777');
    await transfer.getByText(/Correct the reference…/).click();
    await transfer.getByLabel(/The right bank transaction reference/).fill('ABC-2026-0777');
    await transfer
      .getByLabel(/Why it is corrected/)
      .fill('字母 O 误录为数字 0 · the letter O was typed for the digit 0');
    await transfer.getByRole('button', { name: '更正 · Correct', exact: true }).click();
    await transfer.getByRole('button', { name: '确认更正 · Confirm: correct', exact: true }).click();
    await page.getByText('as confirmed').waitFor();
    const shown = await page.locator('ol.transfers > li').first().textContent();
    expect(shown).toContain('ABC-2026-0777');
    expect(shown).toContain('ABC-2026-O777');
    expect(shown).toContain('the letter O was typed for the digit 0');
    // The purchase page masks the NGO's account number.
    expect(await page.content()).not.toContain(proposal.ngo.bankAccount?.accountNumber ?? '');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'corrected');
  });
});
