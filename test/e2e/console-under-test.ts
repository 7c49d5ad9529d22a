import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
