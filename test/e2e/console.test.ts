import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  openSection,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * The staff console in a real browser. Signing in, as on AWS but against the local OpenID
 * provider: the console sends the browser to the provider, a development account is chosen on its
 * page, the console comes back signed in and shows what the server grants the person.
 */

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest | undefined;
let consoleUrl: string;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  ({ app, consoleUrl } = ui);
}, 120_000);

afterAll(async () => ui?.stop());

function newPage(width?: number) {
  if (!ui) throw new Error('the console is not started');
  return ui.newPage(width);
}

function signInAs(page: Page, accountName: RegExp): Promise<void> {
  if (!ui) throw new Error('the console is not started');
  return ui.signInAs(page, accountName);
}

describe('signing in to the staff console', () => {
  it('takes the officer through the local provider and back, and shows the roles the server read from the token', async () => {
    const { page } = await newPage();
    await page.goto(consoleUrl);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: /Sign in/ }).click();

    // The provider's page: every development account, the approvers under their deployed addresses.
    await page.getByRole('heading', { level: 1, name: /Sign in/ }).waitFor();
    expect(new URL(page.url()).origin).toBe(app?.runtime.urls.signin);
    await expect(page.getByRole('button', { name: /Section Chief/ }).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-sign-in.png'), fullPage: true });

    await page.getByRole('button', { name: /Li Ming/ }).click();
    await page.getByRole('heading', { level: 1, name: /Purchases/ }).waitFor();
    expect(new URL(page.url()).origin).toBe(consoleUrl);
    // The code and state are gone from the address bar once the sign-in is finished.
    expect(new URL(page.url()).search).toBe('');
    await openSection(page, /Your account/);
    const main = page.getByRole('main');
    // The page asks the server (GET /me) what it grants; the answer fills it in.
    await main.getByText('li.officer@civil-affairs.example.gov.cn').waitFor();
    await expect(main.getByText(/采购专员/).count()).resolves.toBe(1);
    await expect(main.getByText(/register proposals/).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-account.png'), fullPage: true });
  });

  it('lets an auditor read but the server refuses their proposal, whatever the browser sends', async () => {
    const { page } = await newPage();
    await signInAs(page, /Zhou Li/);
    await openSection(page, /Your account/);
    const main = page.getByRole('main');
    await main.getByText(/see every purchase/).waitFor();
    await expect(main.getByText(/register proposals/).count()).resolves.toBe(0);

    // The console hides what a role may not do; the server is what refuses it.
    // (Run in the page: its session storage holds the ID token oidc-client-ts keeps.)
    const status = await page.evaluate(`(async () => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
      const user = JSON.parse(sessionStorage.getItem(key) ?? '{}');
      const response = await fetch('/purchases', {
        method: 'POST',
        headers: { authorization: 'Bearer ' + user.id_token, 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: response.status, body: await response.json() };
    })()`);
    expect(status).toEqual({ status: 403, body: { message: 'this needs the role officer' } });
  });

  it('works by keyboard alone at 390 px: the sign-in, the account choice and the sign-out', async () => {
    const { page } = await newPage(390);
    await page.goto(consoleUrl);
    await page.getByRole('button', { name: /Sign in/ }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toMatch(/Sign in/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Sign in/ }).waitFor();
    // The first account's button is the first thing to tab to on the provider's page.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toMatch(/Li Ming/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Purchases/ }).waitFor();
    // Nothing is wider than the screen.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-purchases-390.png'), fullPage: true });

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('button', { name: /Sign out/ }).click(); // the provider's confirmation
    await page.getByRole('button', { name: /Sign in/ }).waitFor();
    expect(new URL(page.url()).origin).toBe(consoleUrl);
  });
});

describe('the purchases list', () => {
  const elderly = largeElderlyCareProposalToday();
  const minor = smallMinorProtectionProposalToday();

  beforeAll(async () => {
    if (!app) throw new Error('no app');
    const token = await app.users.devToken(
      'officer-li',
      ['officer'],
      'li.officer@civil-affairs.example.gov.cn',
    );
    for (const proposal of [elderly, minor])
      expect((await app.users.submit(token, proposal)).status).toBe(201);
  });

  const rowTitles = (page: Page) =>
    page.getByRole('table').getByRole('row').getByRole('link').allTextContents();

  it("lists the year's purchases and narrows them by service area and by the NGO's name", async () => {
    const { page } = await newPage();
    await signInAs(page, /Li Ming/);
    await page.getByRole('link', { name: elderly.title }).waitFor();
    expect((await rowTitles(page)).sort()).toEqual([elderly.title, minor.title].sort());
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-purchases.png'), fullPage: true });

    await page.getByLabel(/Service area/).selectOption('MINOR_PROTECTION');
    await page.getByRole('button', { name: /Search/ }).click();
    await page.getByRole('link', { name: elderly.title }).waitFor({ state: 'detached' });
    expect(await rowTitles(page)).toEqual([minor.title]);
    // The filter is in the address: a reload (or a bookmark) shows the same list.
    expect(page.url()).toContain('serviceArea=MINOR_PROTECTION');

    await page.getByLabel(/Service area/).selectOption('');
    await page.getByLabel(/Search/).fill(elderly.ngo.name);
    await page.getByRole('button', { name: /Search/ }).click();
    await page.getByRole('link', { name: minor.title }).waitFor({ state: 'detached' });
    expect(await rowTitles(page)).toEqual([elderly.title]);
  });

  it('shows an approver the purchases assigned to them and no other', async () => {
    const chief = await newPage();
    await signInAs(chief.page, /Section Chief/);
    // An approver lands on what waits on them; the purchases list is one click away.
    await chief.page.getByRole('heading', { level: 1, name: /My tasks/ }).waitFor();
    await openSection(chief.page, /Purchases/);
    // Both proposals start at the section chief (the workflow assigns the task a moment after submission).
    await chief.page.getByRole('link', { name: minor.title }).waitFor();
    await chief.page.getByRole('link', { name: elderly.title }).waitFor();

    const deputy = await newPage();
    await signInAs(deputy.page, /Deputy Director/);
    await openSection(deputy.page, /Purchases/);
    await deputy.page.getByText(/0 purchases in budget year/).waitFor();
    expect(await deputy.page.getByRole('table').count()).toBe(0);
  });

  it('opens a purchase: the lifecycle with its stage marked, who holds the pending task, and the verified timeline', async () => {
    const { page } = await newPage();
    await signInAs(page, /Li Ming/);
    await page.getByRole('link', { name: elderly.title }).click();
    await page.getByRole('heading', { level: 1, name: elderly.title }).waitFor();
    // The approval has been asked of the section chief by now (the chief saw it in the test above).
    const current = page.getByRole('list', { name: /Lifecycle/ }).locator('[aria-current="step"]');
    await expect(current.textContent()).resolves.toMatch(/Under approval/);
    const task = page.getByRole('row', { name: /approval/ });
    await expect(task.textContent()).resolves.toMatch(/section-chief@civil-affairs\.example\.gov\.cn/);
    await page.getByText(/entries verifies/).waitFor();
    await expect(page.getByText('proposal.submitted').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-purchase.png'), fullPage: true });
  });

  it("sends the section chief's link again from the purchase page: a new link works, the old one no longer does", async () => {
    if (!app) throw new Error('no app');
    const users = app.users;
    const chiefEmail = 'section-chief@civil-affairs.example.gov.cn';
    const seen = new Set<string>();
    const first = await users.waitForMail(chiefEmail, (m) => (m.body.text ?? '').includes(minor.title), seen);
    const oldLink = UsersClient.linkIn(first);

    const { page } = await newPage();
    await signInAs(page, /Li Ming/);
    await page.getByRole('link', { name: minor.title }).click();
    await page.getByRole('heading', { level: 1, name: minor.title }).waitFor();
    await page.getByRole('button', { name: /Send again/ }).click();
    await page
      .getByRole('status')
      .getByText(/A new link was mailed to section-chief@/)
      .waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'console-purchase-resent.png'), fullPage: true });

    const again = await users.waitForMail(chiefEmail, (m) => (m.body.text ?? '').includes(minor.title), seen);
    const newLink = UsersClient.linkIn(again);
    expect(newLink).not.toBe(oldLink);
    expect((await users.open(newLink)).status).toBe(200);
    expect((await users.open(oldLink)).status).toBe(410);
  });

  it('lets the section chief decide from My tasks, on the same page as the mail, and the purchase moves on', async () => {
    if (!app) throw new Error('no app');
    const { page } = await newPage();
    await signInAs(page, /Section Chief/);
    await page
      .getByRole('navigation', { name: /Main menu/ })
      .getByRole('link', { name: /My tasks/ })
      .click();
    await page.getByRole('heading', { level: 1, name: /My tasks/ }).waitFor();
    const task = page.getByRole('listitem').filter({ hasText: minor.title });
    await task.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-my-tasks.png'), fullPage: true });

    await task.getByRole('link', { name: /Open the decision page/ }).click();
    await page.getByRole('button', { name: /Approve/ }).waitFor();
    expect(new URL(page.url()).origin).toBe(app.runtime.urls.api);
    await page.getByRole('textbox', { name: /Comment/ }).fill('同意。');
    await page.getByRole('button', { name: /Approve/ }).click();
    await page.getByRole('checkbox', { name: /I confirm that I approve/ }).check();
    await page.getByRole('button', { name: /Confirm approval/ }).click();
    await page
      .getByText(/Approved/)
      .first()
      .waitFor();

    const token = await app.users.devToken(
      'officer-li',
      ['officer'],
      'li.officer@civil-affairs.example.gov.cn',
    );
    const listed = await app.users.purchases(token);
    const purchaseId = listed.find((p) => p.title === minor.title)?.purchaseId ?? '';
    await app.users.waitForStage(token, purchaseId, ['CONTRACTING']);
  });

  it('shows how the approval ended, its reason in Chinese and English', async () => {
    const { page } = await newPage();
    await signInAs(page, /Li Ming/);
    await page.getByRole('link', { name: minor.title }).click();
    await page.getByRole('heading', { level: 1, name: minor.title }).waitFor();
    const outcome = page.getByRole('definition').filter({ hasText: /Approved/ });
    await outcome.waitFor();
    await expect(outcome.textContent()).resolves.toMatch(/各级均已批准（科长）。/);
    await expect(outcome.getByText('Approved at every level (Section chief).').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-purchase-outcome.png'), fullPage: true });
  });

  it('shows a finance clerk the tranches due, and an approver no such page', async () => {
    const clerk = await newPage();
    await signInAs(clerk.page, /Chen Jing/);
    await clerk.page
      .getByRole('navigation', { name: /Main menu/ })
      .getByRole('link', { name: /Tranches due/ })
      .click();
    await clerk.page.getByRole('heading', { level: 1, name: /Tranches due/ }).waitFor();
    // No tranche is notified yet in this run (the contracts are not signed): the page says so in figures.
    await clerk.page.getByText(/0 to pay, ¥0\.00 in all, 0 overdue/).waitFor();
    expect(await accessibilityViolations(clerk.page)).toEqual([]);

    const chief = await newPage();
    await signInAs(chief.page, /Section Chief/);
    const menu = chief.page.getByRole('navigation', { name: /Main menu/ });
    await menu.getByRole('link', { name: /My tasks/ }).waitFor();
    expect(await menu.getByRole('link', { name: /Tranches due/ }).count()).toBe(0);
  });
});
