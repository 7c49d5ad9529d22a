import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeElderlyCareProposalToday } from '../../infra/local/samples/live-proposals.js';
import { type PurchaseView, UsersClient } from '../../infra/local/users.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { TEST_POLICY } from '../support/settings.js';
import { accessibilityViolations, launchChromium } from './browser.js';

/**
 * The section chief's approval link in a real browser (Chromium: Debian's or the npm one): the e-mailed link
 * is opened, the form on the page is used as a person would, and the outcome is read back
 * from the staff API. The steps run in order on one purchase, as one person's visit.
 */

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');
const approvers = TEST_POLICY.approval.approvers;
const chief = approvers.SECTION_CHIEF;
const proposal = largeElderlyCareProposalToday();

let app: LocalAppUnderTest | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let users: UsersClient;
let officer: string;
let purchaseId: string;
let link: string;

beforeAll(async () => {
  // Chromium starts while the app synthesizes.
  const [started, launched] = await Promise.allSettled([startLocalApp(), launchChromium()]);
  if (started.status === 'fulfilled') app = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  if (launched.status === 'rejected') throw launched.reason;
  if (started.status === 'rejected') throw started.reason;
  if (!app || !browser) throw new Error('unreachable: both starts fulfilled');

  users = app.users;
  officer = await users.devToken('officer-li', ['officer'], 'li.officer@civil-affairs.example.gov.cn');
  const submitted = await users.submit(officer, proposal);
  expect(submitted.status).toBe(201);
  purchaseId = String(submitted.body.purchaseId);
  const mail = await users.waitForMail(chief.email, (m) => (m.body.text ?? '').includes(purchaseId));
  link = UsersClient.linkIn(mail);

  context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 900, height: 900 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Clicks a submit button and waits for the page the POST answers with; returns its HTTP status. */
async function submitWith(button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response.status();
}

/** The value cell of a facts-table row whose label matches. */
function fact(label: RegExp): Locator {
  return page.getByRole('row', { name: label }).getByRole('cell');
}

const approveButton = () => page.getByRole('button', { name: /Approve/ });
const rejectButton = () => page.getByRole('button', { name: /Reject/ });
const heading = () => page.getByRole('heading', { level: 1 });

async function openLink(): Promise<number | undefined> {
  const response = await page.goto(link, { waitUntil: 'load' });
  return response?.status();
}

async function view(): Promise<PurchaseView> {
  return users.purchase(officer, purchaseId);
}

describe('approval link in Chromium: the section chief decides from the e-mailed link', () => {
  it('opens a confirmation page with the title, the NGO, ¥480,000.00 and Approve / Reject buttons', async () => {
    expect(await openLink()).toBe(200);
    expect(await heading().textContent()).toContain(proposal.title);
    expect(await fact(/NGO/).textContent()).toBe(proposal.ngo.name);
    expect(
      await fact(/Amount/)
        .first()
        .textContent(),
    ).toBe('¥480,000.00');
    // The salary benchmark the workflow held the staff plan to, in both languages.
    const benchmark = await fact(/Salary benchmark applied/).textContent();
    expect(benchmark).toMatch(/^2025 年度 ¥115,538\.00，样例数据/);
    expect(benchmark).toContain('2025, ¥115,538.00 a year, sample data');
    expect(await approveButton().isVisible()).toBe(true);
    expect(await rejectButton().isVisible()).toBe(true);
    expect(await page.getByRole('textbox', { name: /Comment/ }).isEditable()).toBe(true);

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'approval-page.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('refuses a rejection without a comment, saying a reason is required, and records nothing', async () => {
    const before = await view();
    expect(await page.getByRole('textbox', { name: /Comment/ }).inputValue()).toBe('');

    expect(await submitWith(rejectButton())).toBe(400);
    const text = await page.locator('main').textContent();
    expect(text).toContain('A reason is required when rejecting');
    expect(text).toContain('Nothing was recorded');
    await page.screenshot({ path: join(RESULTS_DIR, 'approval-refused.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    const after = await view();
    expect(after.version).toBe(before.version);
    expect(after.approvals).toEqual({});
    expect(after.stage).toBe('APPROVAL');
  });

  it('approves with a comment and shows the decided page naming the approver', async () => {
    expect(await openLink()).toBe(200);
    await page.getByRole('textbox', { name: /Comment/ }).fill('同意立项，人员配置合理。');

    expect(await submitWith(approveButton())).toBe(200);
    // Approving takes a deliberate second step: nothing is recorded until the box is ticked.
    expect(await heading().textContent()).toContain('Confirm your approval');
    expect(await page.getByText(`You are deciding as ${chief.name}`).count()).toBe(1);
    await page.screenshot({ path: join(RESULTS_DIR, 'approval-confirm-step.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('checkbox', { name: /I confirm that I approve/ }).check();
    expect(await submitWith(page.getByRole('button', { name: /Confirm approval/ }))).toBe(200);
    expect(await heading().textContent()).toContain('Your decision has been recorded');
    expect(await fact(/Decided by/).textContent()).toBe(`${chief.name} <${chief.email}>`);
    expect(
      await fact(/Decision/)
        .first()
        .textContent(),
    ).toContain('Approved');
    expect(await fact(/Comment/).textContent()).toBe('同意立项，人员配置合理。');
    await page.screenshot({ path: join(RESULTS_DIR, 'approval-decided.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('shows the same decision and no form when the link is opened again (410: the link is used)', async () => {
    expect(await openLink()).toBe(410);
    expect(await heading().textContent()).toContain(`already decided by ${chief.name}`);
    expect(await fact(/Decided by/).textContent()).toBe(`${chief.name} <${chief.email}>`);
    expect(
      await fact(/Decision/)
        .first()
        .textContent(),
    ).toContain('Approved');
    expect(await page.locator('form').count()).toBe(0);
    expect(await approveButton().count()).toBe(0);
    expect(await rejectButton().count()).toBe(0);
  });

  it('records SECTION_CHIEF as approved in the purchase view and requests the finance section next', async () => {
    const finance = await users.waitForMail(approvers.FINANCE_SECTION.email, (m) =>
      (m.body.text ?? '').includes(purchaseId),
    );
    expect(UsersClient.linkIn(finance)).not.toBe(link);

    const purchase = await view();
    expect(purchase.stage).toBe('APPROVAL');
    expect(purchase.approvals.SECTION_CHIEF).toMatchObject({
      decision: 'APPROVE',
      by: chief.email,
      comment: '同意立项，人员配置合理。',
    });
    expect(Object.keys(purchase.approvals)).toEqual(['SECTION_CHIEF']);
    expect(purchase.pendingTasks.map((t) => t.level)).toEqual(['FINANCE_SECTION']);
    expect(purchase.audit.filter((e) => e.action === 'approval.decided')).toHaveLength(1);
  });
});
