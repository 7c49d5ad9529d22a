import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { formatYuan } from '../../shared/domain/money.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { launchChromium } from './browser.js';

/** Where the browser tests write their screenshots, for people to look at. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');

/** The app on the local runtime, its console's URL, and a Chromium to use it with. */
export interface ConsoleUnderTest {
  readonly app: LocalAppUnderTest;
  readonly consoleUrl: string;
  /**
   * A fresh browser profile (no session at the provider, no tokens in the console). It is left
   * open until the browser closes: npm Chromium runs as one process, and closing a context there
   * ends the browser.
   */
  newPage(width?: number): Promise<{ context: BrowserContext; page: Page }>;
  /** From the console's front door through the provider's page and back, as the named account. */
  signInAs(page: Page, accountName: RegExp): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the app and Chromium at once (Chromium starts while the app synthesizes). */
export async function startConsoleUnderTest(): Promise<ConsoleUnderTest> {
  const [started, launched] = await Promise.allSettled([startLocalApp(), launchChromium()]);
  const app = started.status === 'fulfilled' ? started.value : undefined;
  const browser: Browser | undefined = launched.status === 'fulfilled' ? launched.value : undefined;
  const stop = async () => {
    await browser?.close();
    await app?.stop();
  };
  const consoleUrl = app?.runtime.urls.console;
  if (!app || !browser || !consoleUrl) {
    await stop();
    if (launched.status === 'rejected') throw launched.reason;
    if (started.status === 'rejected') throw started.reason;
    throw new Error('the app has no console');
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  return {
    app,
    consoleUrl,
    async newPage(width = 1000) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: 900 } });
      // A step that does not happen fails the test at that step, well before the test's own timeout.
      context.setDefaultTimeout(15_000);
      return { context, page: await context.newPage() };
    },
    async signInAs(page, accountName) {
      await page.goto(consoleUrl);
      await page.getByRole('button', { name: /Sign in/ }).click();
      await page.getByRole('button', { name: accountName }).click();
      await page.getByRole('navigation', { name: /Main menu/ }).waitFor();
    },
    stop,
  };
}

/** A section of the console, from its main menu; settles once its heading is shown. */
export async function openSection(page: Page, name: RegExp): Promise<void> {
  await page
    .getByRole('navigation', { name: /Main menu/ })
    .getByRole('link', { name })
    .click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** A row of the new-proposal form (a cost line, staff line, tranche or deliverable), by its group name. */
export const formRow = (page: Page, name: RegExp): Locator => page.getByRole('group', { name });

/** Fen as the officer types it into a yuan field: `12,345.60`. */
const typedYuan = (fen: number) => formatYuan(fen).replace('¥', '');

/** The project part of the new-proposal form, as the officer types it. */
export async function fillProject(page: Page, p: Proposal): Promise<void> {
  await page.getByLabel('项目名称 Title').fill(p.title);
  await page.getByLabel('服务领域 Service area').selectOption(p.serviceArea);
  await page.getByLabel(/Service \(from the catalogue\)/).selectOption(p.serviceItem);
  await page.getByLabel('服务区域 District').fill(p.district);
  await page.getByLabel('购买主体 Purchasing unit').fill(p.purchasingUnit);
  await page.getByLabel('采购方式 Procurement method').selectOption(p.procurementMethod);
  await page.getByLabel('服务开始日期 Term starts').fill(p.term.start);
  await page.getByLabel('服务结束日期 Term ends').fill(p.term.end);
}

/**
 * The money and the deliverables of the new-proposal form; `secondSalary` replaces the second staff
 * line's monthly salary (yuan, as typed).
 */
export async function fillMoney(page: Page, p: Proposal, secondSalary: string): Promise<void> {
  await page.getByLabel(/Budget line/).selectOption(p.budgetLineRef);
  await page.getByLabel('项目总金额（元） Total (yuan)').fill(typedYuan(p.totalFen));
  const addCostLine = page.getByRole('button', { name: /Add cost line/ });
  for (const [i, line] of p.budgetLines.entries()) {
    if (i > 0) await addCostLine.click();
    const group = formRow(page, new RegExp(`cost line ${i + 1}$`));
    await group.getByLabel(/Item/).fill(line.item);
    await group.getByLabel(/Amount/).fill(typedYuan(line.amountFen));
  }
  for (const [i, line] of p.staffPlan.entries()) {
    if (i > 0) await page.getByRole('button', { name: /Add staff line/ }).click();
    const group = formRow(page, new RegExp(`staff line ${i + 1}$`));
    await group.getByLabel(/Role/).fill(line.role);
    await group.getByLabel(/Headcount/).fill(String(line.headcount));
    await group
      .getByLabel(/Monthly salary/)
      .fill(i === 1 ? secondSalary : String(line.monthlySalaryFen / 100));
    await group.getByLabel(/Monthly social welfare/).fill(String(line.monthlySocialWelfareFen / 100));
  }
  for (const [i, tranche] of p.trancheSchedule.entries()) {
    const group = formRow(page, new RegExp(`tranche ${i + 1}$`));
    await group.getByLabel(/Paid when/).selectOption(tranche.milestone);
    await group.getByLabel(/Percent/).fill(String(tranche.percent));
  }
  for (const [i, d] of p.deliverables.entries()) {
    if (i >= 2) await page.getByRole('button', { name: /Add deliverable/ }).click();
    const group = formRow(page, new RegExp(`deliverable ${i + 1}$`));
    await group.getByLabel(/Kind/).selectOption(d.kind);
    await group.getByLabel(/Due/).fill(d.dueDate);
    await group.getByLabel(/What/).fill(d.description);
  }
}
