import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaCalendarDate, DAY_MS } from '../../shared/domain/china-time.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  openSection,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * The account page's out-of-office (外出委托) in a real browser: the section chief names a delegate,
 * a refused period is shown at its field in Chinese and English, the saved delegation is listed,
 * an "End now" the server refuses says so, and the next one ends it.
 */

let ui: ConsoleUnderTest | undefined;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
}, 120_000);

afterAll(async () => ui?.stop());

describe('out of office on the account page', () => {
  it('names a delegate, shows a refusal at its field in both languages, lists the delegation and ends it', async () => {
    if (!ui) throw new Error('the console is not started');
    const { page } = await ui.newPage();
    await ui.signInAs(page, /Section Chief/);
    await openSection(page, /Your account/);
    const section = page.getByRole('region', { name: /Out of office/ });
    await section.getByText(/No delegations/).waitFor();

    const now = Date.now();
    const today = chinaCalendarDate(new Date(now).toISOString());
    const yesterday = chinaCalendarDate(new Date(now - DAY_MS).toISOString());
    const inAWeek = chinaCalendarDate(new Date(now + 7 * DAY_MS).toISOString());
    await section.getByLabel(/Delegate's name/).fill('王五 Wang Wu');
    await section.getByLabel(/Delegate's e-mail/).fill('wang.wu@civil-affairs.example.gov.cn');
    await section.getByLabel(/^开始日期/).fill(yesterday);
    await section.getByLabel(/Until/).fill(inAWeek);
    await section.getByLabel(/Reason/).fill('年假 · annual leave');
    await section.getByRole('button', { name: /Save delegation/ }).click();

    const fromError = section.locator('#delegation-from-error');
    await fromError.waitFor();
    expect(await fromError.textContent()).toContain('早于今天');
    expect(await fromError.textContent()).toContain('before today');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-delegation-refused.png'), fullPage: true });

    await section.getByLabel(/^开始日期/).fill(today);
    await section.getByRole('button', { name: /Save delegation/ }).click();
    await section.getByRole('status').waitFor();
    const row = section.getByRole('row', { name: /Wang Wu/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${today} – ${inAWeek}`);
    expect(await row.textContent()).toContain('Active');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-delegation.png'), fullPage: true });

    // A refused end (here the service unavailable once) says so in both languages; the row stays active.
    const endRoute = '**/my/delegations/*/end';
    await page.route(endRoute, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: '{"message":"Service Unavailable"}',
      }),
    );
    await row.getByRole('button', { name: /End now/ }).click();
    const endError = section.locator('#delegation-end-error');
    await endError.waitFor();
    expect(await endError.textContent()).toContain('未能确认委托已结束');
    expect(await endError.textContent()).toContain('Could not confirm the delegation ended');
    expect(await row.textContent()).toContain('Active');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'console-delegation-end-refused.png'), fullPage: true });
    await page.unroute(endRoute);

    await row.getByRole('button', { name: /End now/ }).click();
    await row.getByText(/Ended/).waitFor();
    await expect(endError.count()).resolves.toBe(0);
    await expect(row.getByRole('button', { name: /End now/ }).count()).resolves.toBe(0);
  });
});
