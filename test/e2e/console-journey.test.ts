import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import {
  ACTING_FINANCE_CLERK,
  type MailboxMail,
  type PurchaseView,
  UsersClient,
} from '../../infra/local/users.js';
import { DynamoPurchaseRepository } from '../../shared/adapters/dynamodb/purchase-repository.js';
import { formatYuan } from '../../shared/domain/money.js';
import type { Proposal } from '../../shared/domain/proposal.js';
import type { BudgetLineOption } from '../../shared/usecases/proposal-options.js';
import { decideOnce, Inboxes, type JourneyContext, uploadFromMail } from '../support/journey.js';
import { type LocalAppUnderTest, localDocumentClient } from '../support/local-app.js';
import { TEST_POLICY, TEST_SETTINGS } from '../support/settings.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  fillMoney,
  fillProject,
  formRow,
  openSection,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * The staff's whole journey through the console, on one app: the officer registers a proposal
 * that needs the full approval chain (one field refused by the server on the way), the approvers
 * decide from their mail and from My tasks while the officer's purchase page follows, the NGO
 * signs and the section chief countersigns (over HTTP, as in the journey suite), finance confirms
 * the first tranche, the auditor can read but change nothing, and a second proposal is withdrawn
 * and gives its budget back. Each step leans on the one before it, as people's work does.
 */

const approvers = TEST_POLICY.approval.approvers;
const officerEmail = 'li.officer@civil-affairs.example.gov.cn';

/** Needs the section chief, the finance section and the bureau director (over ¥300,000). */
const large: Proposal = (() => {
  const sample = largeElderlyCareProposalToday();
  return { ...sample, title: sample.title.replace('居家养老', '居家养老全流程') };
})();
/** The section chief alone approves it; it is the one withdrawn. */
const small: Proposal = smallMinorProtectionProposalToday();

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
/** The officer's staff token, for setup and for reading what the server holds. */
let officer: string;

/** The officer's signed-in page, kept open from one step to the next. */
let officerPage: Page;
let largeId = '';
let smallId = '';
/** The section chief's mailed link to approve the small proposal. */
let smallChiefLink = '';
/** What was left on the small proposal's budget line before it was reserved. */
let smallLineLeftBefore: BudgetLineOption | undefined;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  app = ui.app;
  officer = await app.users.devToken('officer-li', ['officer'], officerEmail);
  inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  inboxes.start();
  journey = { users: () => app.users, inboxes, officer, settings: TEST_SETTINGS };
}, 120_000);

afterAll(async () => {
  inboxes?.stop();
  await ui?.stop();
});

function theConsole(): ConsoleUnderTest {
  if (!ui) throw new Error('the console is not started');
  return ui;
}

async function signedInPage(accountName: RegExp): Promise<Page> {
  const { page } = await theConsole().newPage();
  await theConsole().signInAs(page, accountName);
  return page;
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(RESULTS_DIR, `console-journey-${name}.png`), fullPage: true });

/** Mail about the purchase whose subject says what it asks (`Approval request`, `Countersign`). */
const mailAbout =
  (purchaseId: string, subject: string) =>
  (m: MailboxMail): boolean =>
    (m.body.text ?? '').includes(purchaseId) && m.subject.includes(subject);

/** The link in the next mail to `to` about the purchase that asks `subject`. */
async function mailedLink(to: string, purchaseId: string, subject: string): Promise<string> {
  return UsersClient.linkIn(await inboxes.next(to, mailAbout(purchaseId, subject), 30_000));
}

/** Opens the console's page of a purchase in the signed-in tab. */
async function openPurchase(page: Page, purchaseId: string, title: string): Promise<void> {
  await page.goto(`${theConsole().consoleUrl}/#/purchases/${purchaseId}`);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/**
 * Reloads the purchase page until `shown` is on it: the page shows what the server holds when it
 * is opened, and the workflow's steps land a moment after the click that starts them.
 */
async function reloadUntilShown(page: Page, title: string, shown: Locator): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        return shown.count();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBeGreaterThan(0);
}

/** The timeline's entries of an action (by one actor, when named). */
function timelineEntry(page: Page, action: string, actor?: string): Locator {
  const entries = page.locator('ol.timeline > li').filter({ hasText: action });
  return actor === undefined ? entries : entries.filter({ hasText: actor });
}
const currentStage = (page: Page) =>
  page.getByRole('list', { name: /Lifecycle/ }).locator('[aria-current="step"]');

/**
 * An approver opens the decision page (from the mail or from My tasks) and approves: from the
 * finance section's shared mailbox saying who acts, and confirming on the second step.
 */
async function approveOnPage(page: Page, comment: string): Promise<void> {
  await page.getByRole('button', { name: /Approve/ }).waitFor();
  const acting = page.getByLabel(/Your own work e-mail address/);
  if ((await acting.count()) > 0) await acting.fill(ACTING_FINANCE_CLERK);
  await page.getByRole('textbox', { name: /Comment/ }).fill(comment);
  await page.getByRole('button', { name: /Approve/ }).click();
  await page.getByRole('checkbox', { name: /I confirm that I approve/ }).check();
  await page.getByRole('button', { name: /Confirm approval/ }).click();
  await page.getByRole('heading', { level: 1, name: /Your decision has been recorded/ }).waitFor();
}

/** What is left on a budget line, as the new-proposal form lists it for the term's year. */
async function budgetLeftInForm(page: Page, p: Proposal): Promise<string> {
  // Options are read when the form opens: come to it afresh from another section.
  await openSection(page, /Purchases/);
  await openSection(page, /New proposal/);
  await page.getByLabel('服务开始日期 Term starts').fill(p.term.start);
  const option = page.getByLabel(/Budget line/).locator(`option[value="${p.budgetLineRef}"]`);
  await option.waitFor({ state: 'attached' });
  const text = (await option.textContent()) ?? '';
  const left = /剩余 left (¥[\d,]+\.\d\d) \//.exec(text)?.[1];
  if (!left) throw new Error(`the budget line option says no amount left: "${text}"`);
  return left;
}

/** The budget line as GET /proposal-options answers the officer. */
async function budgetLine(p: Proposal): Promise<BudgetLineOption> {
  const year = p.term.start.slice(0, 4);
  const res = await fetch(`${app.runtime.urls.api}/proposal-options?year=${year}`, {
    headers: { authorization: `Bearer ${officer}` },
  });
  expect(res.status).toBe(200);
  const { budgetLines } = (await res.json()) as { budgetLines: BudgetLineOption[] };
  const line = budgetLines.find((l) => l.lineId === p.budgetLineRef);
  if (!line) throw new Error(`no budget line ${p.budgetLineRef} in ${year}`);
  return line;
}

/**
 * A POST to the API from the page, with the ID token the console holds for the signed-in person
 * (oidc-client-ts keeps it in session storage): what a person could send whatever the page shows.
 */
async function postAsSignedIn(page: Page, path: string, body: unknown) {
  return (await page.evaluate(`(async () => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
    const user = JSON.parse(sessionStorage.getItem(key) ?? '{}');
    const response = await fetch(${JSON.stringify(path)}, {
      method: 'POST',
      headers: { authorization: 'Bearer ' + user.id_token, 'content-type': 'application/json' },
      body: ${JSON.stringify(JSON.stringify(body))},
    });
    return { status: response.status, body: await response.json() };
  })()`)) as { status: number; body: { message?: string } };
}

type PurchaseWithTasks = Omit<PurchaseView, 'pendingTasks'> & {
  pendingTasks: (PurchaseView['pendingTasks'][number] & { taskId: string })[];
  withdrawal?: unknown;
};

describe('the staff journey through the console', () => {
  it('registers a ¥480,000 proposal from the form: the pay the server refuses is shown at its field in Chinese and English, corrected it opens the purchase page, and the Purchases list finds it', async () => {
    officerPage = await signedInPage(/Li Ming/);
    const page = officerPage;
    await openSection(page, /New proposal/);
    await fillProject(page, large);
    await page.getByLabel('统一社会信用代码 Unified social credit code').fill(large.ngo.creditCode);
    await page.getByText('✓ 校验位正确。').waitFor();
    await page.getByLabel('机构名称 Name').fill(large.ngo.name);
    await page.getByLabel('联系邮箱 Contact e-mail').fill(large.ngo.contactEmail);
    const account = large.ngo.bankAccount;
    if (!account) throw new Error('the sample has no bank account');
    await page.getByLabel('开户银行 Bank and branch').fill(account.bankName);
    await page.getByLabel('户名 Account name').fill(account.accountName);
    await page.getByLabel('账号 Account number').fill(account.accountNumber);
    // Social workers at ¥5,000.00 + ¥2,000.00 a month: below the benchmark, which only the server checks.
    await fillMoney(page, large, '5,000');
    await page.getByText(/Lines add up to ¥480,000\.00, the total\./).waitFor();
    await page.getByRole('button', { name: /Submit proposal/ }).click();

    const salaryError = page.locator('#p-staffPlan-1-monthlySalaryFen-error');
    await salaryError.waitFor();
    const said = (await salaryError.textContent()) ?? '';
    expect(said).toMatch(/第 2 行人员（社工）：月工资 ¥5,000\.00 \+ 社会保障费 ¥2,000\.00.*低于工资基准/);
    expect(said).toMatch(/salary ¥5,000\.00 \+ social welfare ¥2,000\.00/);
    expect(said).toContain('Allowed: salary and social welfare together of at least ¥9,628.17');
    await page.getByText(/1 problem to correct, each shown next to its field/).waitFor();
    await screenshot(page, 'proposal-refused');

    await formRow(page, /staff line 2$/)
      .getByLabel(/Monthly salary/)
      .fill('8,000');
    await salaryError.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /Submit proposal/ }).click();
    await page.getByRole('heading', { level: 1, name: large.title }).waitFor();
    largeId = /#\/purchases\/(PUR-[A-Z0-9-]+)$/.exec(page.url())?.[1] ?? '';
    expect(largeId).toMatch(/^PUR-\d{4}-/);
    await page.locator('dl.facts').getByText('¥480,000.00').waitFor();

    await page.getByRole('link', { name: /← 采购项目 · Purchases/ }).click();
    await page.getByRole('heading', { level: 1, name: /Purchases/ }).waitFor();
    await page.getByRole('link', { name: large.title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: large.title }).waitFor();
    expect(page.url()).toContain(`#/purchases/${largeId}`);
  });

  it("lets the section chief and the director approve from their mailed links and the finance section from My tasks, the officer's purchase page showing each decision and then Contracting", async () => {
    const page = officerPage;
    const { SECTION_CHIEF: chief, FINANCE_SECTION: financeSection, BUREAU_DIRECTOR: director } = approvers;
    const decided = (email: string) => timelineEntry(page, 'approval.decided', email);
    const heldBy = (email: string) => page.getByRole('row', { name: /approval/ }).filter({ hasText: email });

    // The chain is planned and the chief asked: the officer sees who holds the task.
    await reloadUntilShown(page, large.title, heldBy(chief.email));
    await expect(currentStage(page).textContent()).resolves.toMatch(/Under approval/);
    await expect(timelineEntry(page, 'budget.reserved').count()).resolves.toBe(1);

    // The section chief, from the link in the mail, in a browser of their own.
    const mailPage = (await theConsole().newPage()).page;
    await mailPage.goto(await mailedLink(chief.email, largeId, 'Approval request'));
    await approveOnPage(mailPage, '同意。');
    await reloadUntilShown(page, large.title, decided(chief.email));
    await reloadUntilShown(page, large.title, heldBy(financeSection.email));
    expect(await decided(financeSection.email).count()).toBe(0);

    // The finance section, from My tasks in the console.
    const sectionPage = await signedInPage(/Finance Section/);
    await sectionPage.getByRole('heading', { level: 1, name: /My tasks/ }).waitFor();
    const task = sectionPage.getByRole('listitem').filter({ hasText: large.title });
    await task.waitFor();
    await expect(task.textContent()).resolves.toMatch(/Finance section/);
    await screenshot(sectionPage, 'my-tasks');
    await task.getByRole('link', { name: /Open the decision page/ }).click();
    await approveOnPage(sectionPage, '资金已落实，同意。');
    await reloadUntilShown(page, large.title, decided(financeSection.email));
    await reloadUntilShown(page, large.title, heldBy(director.email));
    await expect(currentStage(page).textContent()).resolves.toMatch(/Under approval/);

    // The bureau director, from the link in the mail.
    await mailPage.goto(await mailedLink(director.email, largeId, 'Approval request'));
    await approveOnPage(mailPage, '同意实施。');
    await reloadUntilShown(page, large.title, decided(director.email));
    await reloadUntilShown(page, large.title, currentStage(page).filter({ hasText: 'Contracting' }));
    await page.getByText('已批准 · Approved').waitFor();
    await expect(timelineEntry(page, 'purchase.approved').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'approved');
  }, 120_000);

  it('once the NGO has signed and the section chief countersigned, shows the finance clerk the first tranche on Tranches due, confirmed there with the bank reference and then paid on the purchase page', async () => {
    // The NGO and the section chief, over HTTP as in the journey suite.
    await uploadFromMail(journey, largeId, large.ngo.contactEmail, 'SIGNED_CONTRACT', 'signed-contract.pdf');
    const countersign = await mailedLink(approvers.SECTION_CHIEF.email, largeId, 'Countersign');
    await decideOnce(journey, countersign, 'COUNTERSIGN', { comment: '已会签。' });
    await app.users.waitForPurchase(
      officer,
      largeId,
      (v) => (v.payments ?? []).some((p) => p.tranche === 1 && p.status === 'NOTIFIED'),
      { expected: 'tranche 1 notified' },
    );

    const page = await signedInPage(/Chen Jing/);
    await openSection(page, /Tranches due/);
    const firstTranche = formatYuan((large.totalFen * 30) / 100);
    expect(firstTranche).toBe('¥144,000.00');
    await page.getByText(`1 to pay, ${firstTranche} in all`).waitFor();
    const row = page.getByRole('row').filter({ hasText: large.title });
    await expect(row.textContent()).resolves.toContain('1 · 合同签订后');
    await expect(row.textContent()).resolves.toContain(firstTranche);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tranches-due');

    await row.getByRole('link', { name: /Confirm/ }).click();
    const reference = page.getByLabel(/Bank transaction reference/);
    await reference.waitFor();
    expect(new URL(page.url()).origin).toBe(app.runtime.urls.api);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'confirm-payment');
    await reference.fill('BOC-20261206-000123');
    await page.getByLabel(/Your own work e-mail address/).fill(ACTING_FINANCE_CLERK);
    await page.getByRole('button', { name: /Confirm payment made/ }).click();
    await page.getByRole('heading', { level: 1, name: /Your decision has been recorded/ }).waitFor();
    await page.getByText('BOC-20261206-000123').waitFor();

    await openPurchase(page, largeId, large.title);
    const paid = page.getByRole('row').filter({ hasText: firstTranche }).filter({ hasText: '已付款 · paid' });
    await reloadUntilShown(page, large.title, paid);
    await expect(timelineEntry(page, 'payment.confirmed').count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'paid');

    // Nothing is left to pay.
    await openSection(page, /Tranches due/);
    await page.getByText(/0 to pay, ¥0\.00 in all/).waitFor();
  }, 120_000);

  it("downloads the signed contract from the officer's purchase page: an attachment of the version that was checked, whose bytes hash to the SHA-256 on record", async () => {
    const view = await app.users.purchase(officer, largeId);
    const signed = (view.deliverables ?? []).find(
      (d) => d.kind === 'SIGNED_CONTRACT' && d.status === 'ACCEPTED',
    );
    if (!signed) throw new Error('the signed contract is not recorded');
    // The local S3 keeps versions as S3 does: the check recorded the one it read.
    expect(signed.versionId).toMatch(/^[A-Za-z0-9._-]{16,}$/);

    const page = await signedInPage(/Li Ming/);
    await openPurchase(page, largeId, large.title);
    const row = page.getByRole('row').filter({ hasText: signed.fileName });
    await expect(row.textContent()).resolves.toContain(signed.versionId);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: /Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(signed.fileName);
    const path = await download.path();
    if (!path) throw new Error('the download was not saved');
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(signed.sha256);
    expect(new URL(download.url()).searchParams.get('versionId')).toBe(signed.versionId);
  });

  it('reserves a second proposal on its budget line, as the new-proposal form shows what is left', async () => {
    smallLineLeftBefore = await budgetLine(small);
    await expect(budgetLeftInForm(officerPage, small)).resolves.toBe(smallLineLeftBefore.availableYuan);

    const submitted = await app.users.submit(officer, small);
    expect(submitted.status).toBe(201);
    smallId = String(submitted.body.purchaseId);
    smallChiefLink = await mailedLink(approvers.SECTION_CHIEF.email, smallId, 'Approval request');

    const reserved = await budgetLine(small);
    expect(reserved.availableFen).toBe(smallLineLeftBefore.availableFen - small.totalFen);
    await expect(budgetLeftInForm(officerPage, small)).resolves.toBe(reserved.availableYuan);
  });

  it("shows the auditor a proposal under approval with no Send again and no Withdraw, and the server answers the auditor's token 403 for both, changing nothing", async () => {
    // The officer's page of the same purchase offers both.
    await openPurchase(officerPage, smallId, small.title);
    const chiefRow = (page: Page) =>
      page.getByRole('row', { name: /approval/ }).filter({ hasText: approvers.SECTION_CHIEF.email });
    await chiefRow(officerPage).waitFor();
    await expect(officerPage.getByRole('button', { name: /Send again/ }).count()).resolves.toBe(1);
    await expect(officerPage.getByText('Withdraw this proposal').count()).resolves.toBe(1);

    const page = await signedInPage(/Zhou Li/);
    await page.getByRole('link', { name: small.title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: small.title }).waitFor();
    await chiefRow(page).waitFor();
    await expect(currentStage(page).textContent()).resolves.toMatch(/Under approval/);
    await expect(page.getByRole('button', { name: /Send again/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('columnheader', { name: /Link/ }).count()).resolves.toBe(0);
    await expect(page.getByText(/Withdraw/).count()).resolves.toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor');

    const view = (await app.users.purchase(officer, smallId)) as PurchaseWithTasks;
    const taskId = view.pendingTasks[0]?.taskId ?? '';
    expect(taskId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await expect(
      postAsSignedIn(page, `/purchases/${smallId}/withdraw`, { reason: '审计员试图撤回' }),
    ).resolves.toEqual({ status: 403, body: { message: 'this needs the role officer or admin' } });
    await expect(postAsSignedIn(page, `/purchases/${smallId}/resend-link`, { taskId })).resolves.toEqual({
      status: 403,
      body: { message: 'this needs the role officer or admin' },
    });

    // Nothing moved: still under approval, no withdrawal or resend recorded, the chief's link still open.
    const after = (await app.users.purchase(officer, smallId)) as PurchaseWithTasks;
    expect(after.stage).toBe('APPROVAL');
    expect(after.withdrawal).toBeUndefined();
    expect(after.audit.map((a) => a.action)).not.toContain('purchase.withdrawal-requested');
    expect(after.audit.map((a) => a.action)).not.toContain('task.link-resent');
    expect(after.pendingTasks.map((t) => t.taskId)).toEqual([taskId]);
    expect((await app.users.open(smallChiefLink)).status).toBe(200);
  });

  it("withdraws the second proposal with a reason and a confirming click: after a reload the page shows it Withdrawn, the section chief's mailed link answers 410 and the budget line has its amount back", async () => {
    const page = officerPage;
    await openPurchase(page, smallId, small.title);
    await page.getByText('Withdraw this proposal').click();
    const reason = page.getByLabel(/Reason for withdrawing/);
    await reason.fill('服务对象已由区级项目覆盖，本项目不再需要。');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'withdraw-panel');

    await page.getByRole('button', { name: '撤回项目 · Withdraw proposal' }).click();
    const confirm = page.getByRole('button', { name: '确认撤回 · Confirm: withdraw' });
    await confirm.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await confirm.click();

    await reloadUntilShown(page, small.title, page.getByText('已撤回 · Withdrawn'));
    await expect(page.getByText('服务对象已由区级项目覆盖').count()).resolves.toBeGreaterThan(0);
    await expect(currentStage(page).textContent()).resolves.toMatch(/Rejected/);
    // It ended under approval: the row does not show contracting or anything after it as done.
    await expect(
      page
        .getByRole('list', { name: /Lifecycle/ })
        .getByRole('listitem')
        .evaluateAll((items) => items.map((li) => li.querySelector('[lang="en"]')?.textContent)),
    ).resolves.toEqual(['Proposal', 'Under approval', 'Rejected']);
    await expect(page.getByText('Withdraw this proposal').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /Send again/ }).count()).resolves.toBe(0);
    for (const action of ['purchase.withdrawal-requested', 'purchase.withdrawn', 'budget.released'])
      await expect(timelineEntry(page, action).count()).resolves.toBe(1);
    await expect(timelineEntry(page, 'purchase.withdrawal-requested', officerEmail).count()).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'withdrawn');

    expect((await app.users.open(smallChiefLink)).status).toBe(410);
    const view = await app.users.purchase(officer, smallId);
    expect(view).toMatchObject({ stage: 'REJECTED', outcome: { result: 'WITHDRAWN' } });

    const released = await budgetLine(small);
    expect(released.availableFen).toBe(smallLineLeftBefore?.availableFen);
    await expect(budgetLeftInForm(page, small)).resolves.toBe(smallLineLeftBefore?.availableYuan);
  });

  it('shows a long timeline a page at a time: the newest 100 entries, then the earlier ones on Show earlier entries', async () => {
    // 120 more entries on the withdrawn proposal's trail, each an audited change as the functions
    // write them (straight in the table: nothing a person does adds a hundred at once).
    const [table] = app.runtime.app.tables;
    const client = localDocumentClient(app.runtime.urls.dynamodb);
    const purchases = new DynamoPurchaseRepository({ client, tableName: table?.tableName ?? '' });
    for (let i = 0; i < 120; i++) {
      await purchases.change({
        purchaseId: smallId,
        audit: { actor: 'system', action: 'operator.noted', detail: { note: i } },
        eventId: `console-journey-note:${i}`,
        now: new Date().toISOString(),
      });
    }
    client.destroy();
    const view = await app.users.purchase(officer, smallId);
    const total = view.auditChain.entries ?? 0;
    expect(total).toBeGreaterThan(120);

    const page = officerPage;
    await openPurchase(page, smallId, small.title);
    const entries = page.locator('ol.timeline > li');
    await expect(entries.count()).resolves.toBe(100);
    await expect(page.getByText(`The chain of ${total} entries verifies`).count()).resolves.toBe(1);
    await expect(timelineEntry(page, 'proposal.submitted').count()).resolves.toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '显示更早的记录 · Show earlier entries' }).click();
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(total);
    await expect(timelineEntry(page, 'proposal.submitted').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /Show earlier entries/ }).count()).resolves.toBe(0);
    // Oldest first, numbered by their place on the trail.
    await expect(entries.first().getAttribute('value')).resolves.toBe('1');
    await screenshot(page, 'timeline-earlier');
  });
});
