import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import { formatYuan, yuanText } from '../../shared/domain/money.js';
import type { referenceDataView } from '../../shared/usecases/reference-data.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../support/settings.js';
import { accessibilityViolations } from './browser.js';
import {
  type ConsoleUnderTest,
  formRow,
  openSection,
  RESULTS_DIR,
  startConsoleUnderTest,
} from './console-under-test.js';

/**
 * The reference data page (基础数据) in a real browser: the administrator reads the four sections
 * and their audit trail, edits a budget line and an approver and the functions act on the edit at
 * once, a refused edit is shown at its fields, a save over someone else's is refused with a way to
 * reload, the auditor only reads, and the page works by keyboard on a phone. The steps share one
 * app and build on each other, as the administrator's day does.
 */

const ADMIN_EMAIL = 'admin@civil-affairs.example.gov.cn';
const OFFICER_EMAIL = 'li.officer@civil-affairs.example.gov.cn';
const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF;
const NEW_CHIEF_EMAIL = 'chief.wang@civil-affairs.example.gov.cn';

/** Drawn on before the refused edit (¥120,000 on its minor-protection line). */
const small = smallMinorProtectionProposalToday();
/** Submitted after the section chief's address changed (¥480,000 on the elderly-care line). */
const large = largeElderlyCareProposalToday();
/** What the administrator raises the large proposal's budget line to (from ¥5,000,000.00). */
const RAISED_TOTAL_FEN = 550_000_000;

/** A budget line of the settings and its place in the list (row `index + 1` of the editor). */
function budgetLineOf(lineId: string) {
  const index = TEST_POLICY.budgetLines.findIndex((l) => l.lineId === lineId);
  const line = TEST_POLICY.budgetLines[index];
  if (!line) throw new Error(`no budget line ${lineId} in the settings`);
  return { index, line };
}
/** The line whose total the administrator raises: the one the large proposal draws on. */
const raisedLine = budgetLineOf(large.budgetLineRef);

type ReferenceDataAnswer = Awaited<ReturnType<typeof referenceDataView>>;

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest;
/** The officer's staff token, for proposals submitted over the API. */
let officer: string;
/** The administrator's signed-in page, kept open from one step to the next. */
let adminPage: Page;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  app = ui.app;
  officer = await app.users.devToken('officer-li', ['officer'], OFFICER_EMAIL);
}, 120_000);

afterAll(async () => ui?.stop());

function theConsole(): ConsoleUnderTest {
  if (!ui) throw new Error('the console is not started');
  return ui;
}

async function signedInPage(accountName: RegExp, width?: number): Promise<Page> {
  const { page } = await theConsole().newPage(width);
  await theConsole().signInAs(page, accountName);
  return page;
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(RESULTS_DIR, `console-reference-data-${name}.png`), fullPage: true });

/** One section of the page (a region named by its heading). */
const section = (page: Page, name: RegExp): Locator => page.getByRole('region', { name });
const budgetLines = (page: Page) => section(page, /Budget lines/);
const changesList = (page: Page) => section(page, /Changes/).locator('ol.timeline > li');

/** The cells of the budget lines table's row of a line: id, year, description, total, reserved, left. */
const budgetRowCells = (page: Page, lineId: string) =>
  budgetLines(page).getByRole('row').filter({ hasText: lineId }).getByRole('cell').allTextContents();

/** The page's Chinese-and-English error under the input of `path` (`budgetLines[4].totalFen`). */
const errorAt = (page: Page, path: string) =>
  page.locator(`#p-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}-error`);

const overflow = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>;

/** What has the keyboard focus (its tag, id and text) and whether the browser draws its focus ring. */
const focused = (page: Page) =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName ?? '',
      id: el?.id ?? '',
      text: (el?.textContent ?? '').trim(),
      visible: !!el && el.matches(':focus-visible') && style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
    };
  })()`) as Promise<{ tag: string; id: string; text: string; visible: boolean }>;

/** Presses Tab until a button named `name` has the focus (at most 15 times); what then has it. */
async function tabToButton(page: Page, name: RegExp) {
  for (let presses = 0; presses < 15; presses++) {
    const now = await focused(page);
    if (now.tag === 'BUTTON' && name.test(now.text)) return now;
    await page.keyboard.press('Tab');
  }
  throw new Error(`no button ${name} within 15 presses of Tab; the focus is on ${(await focused(page)).tag}`);
}

/**
 * A call to the staff API from the page, with the ID token the console holds for the signed-in
 * person (oidc-client-ts keeps it in session storage): what a person could send whatever the page shows.
 */
async function apiAsSignedIn<T>(page: Page, method: 'GET' | 'PUT', path: string, body?: unknown) {
  return (await page.evaluate(`(async () => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
    const user = JSON.parse(sessionStorage.getItem(key) ?? '{}');
    const body = ${body === undefined ? 'undefined' : JSON.stringify(JSON.stringify(body))};
    const response = await fetch(${JSON.stringify(path)}, {
      method: ${JSON.stringify(method)},
      headers: { authorization: 'Bearer ' + user.id_token, 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, body: await response.json() };
  })()`)) as { status: number; body: T };
}

/** The reference data as the server holds it, read with the signed-in person's token. */
async function referenceData(page: Page): Promise<ReferenceDataAnswer> {
  const { status, body } = await apiAsSignedIn<ReferenceDataAnswer>(page, 'GET', '/reference-data');
  expect(status).toBe(200);
  return body;
}

/** Opens the page from the main menu and waits for its sections. */
async function openReferenceData(page: Page): Promise<void> {
  await openSection(page, /Reference data/);
  await section(page, /Changes/).waitFor();
}

/** Submits a proposal over the API and waits until its budget is reserved (it is then under approval). */
async function submitAndReserve(proposal: typeof small): Promise<string> {
  const submitted = await app.users.submit(officer, proposal);
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  await app.users.waitForPurchase(
    officer,
    purchaseId,
    (v) => v.audit.some((a) => a.action === 'budget.reserved'),
    { expected: 'its budget reserved' },
  );
  return purchaseId;
}

describe('the reference data page', () => {
  it('shows the administrator, from the menu, the four sections as seeded (budget lines with what is left, benchmarks with their source, the approvers and deputy, the agencies with their ties) and the verified Changes list', async () => {
    adminPage = await signedInPage(/Wu Qiang/);
    const page = adminPage;
    await openReferenceData(page);

    // Budget lines: every line of the settings, nothing reserved yet, all of it left.
    const lines = budgetLines(page);
    await expect(lines.getByRole('columnheader', { name: /Left/ }).count()).resolves.toBe(1);
    await expect(lines.locator('tbody tr').count()).resolves.toBe(TEST_POLICY.budgetLines.length);
    const total = formatYuan(raisedLine.line.totalFen);
    await expect(budgetRowCells(page, large.budgetLineRef)).resolves.toEqual([
      large.budgetLineRef,
      large.budgetLineRef.slice(0, 4),
      raisedLine.line.description,
      total,
      '¥0.00',
      total,
    ]);

    // Salary benchmarks with their source, marked as sample data.
    const [benchmark] = TEST_POLICY.salaryBenchmarks;
    const benchmarkRow = section(page, /Salary benchmarks/)
      .getByRole('row')
      .filter({ hasText: benchmark?.source ?? '' });
    await expect(benchmarkRow.textContent()).resolves.toContain(formatYuan(benchmark?.annualWageFen ?? 0));
    await expect(benchmarkRow.textContent()).resolves.toContain(benchmark?.source);
    await expect(benchmarkRow.textContent()).resolves.toContain('样例数据 · sample data');

    // The approvers in the order a purchase meets them, the deputy and the administrator's queue.
    const roster = section(page, /Approvers/);
    await expect(
      roster
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.querySelector('th [lang="en"]')?.textContent)),
    ).resolves.toEqual([
      'Section chief',
      'Finance section',
      'Bureau director',
      'Deputy',
      'Administrator (when no one else may decide)',
    ]);
    await expect(roster.getByRole('row', { name: /Section chief/ }).textContent()).resolves.toContain(
      chief.email,
    );
    await expect(roster.getByRole('row', { name: /Deputy/ }).textContent()).resolves.toContain(
      TEST_POLICY.approval.deputy.email,
    );
    await expect(roster.getByRole('row', { name: /Administrator/ }).textContent()).resolves.toContain(
      TEST_POLICY.approval.administrator?.email,
    );

    // The agencies with the NGOs they have ties with.
    const agencies = section(page, /Evaluation agencies/);
    for (const agency of TEST_LIFECYCLE.evaluation.agencies) {
      const row = agencies.getByRole('row').filter({ hasText: agency.id });
      await expect(row.textContent()).resolves.toContain(agency.name);
      for (const code of agency.linkedNgoCreditCodes)
        await expect(row.textContent()).resolves.toContain(code);
    }

    // Each section is version 1 from the settings; the trail holds the seeding, and it verifies.
    await expect(page.getByText(/Version 1, seeded from the deployment's settings/).count()).resolves.toBe(4);
    await expect(changesList(page).count()).resolves.toBe(1);
    await expect(changesList(page).first().textContent()).resolves.toContain(
      "Budget lines, Salary benchmarks, Approvers, Evaluation agencies v1 (seeded from the deployment's settings)",
    );
    await page.getByText('The chain of 1 entries verifies').waitFor();
    // Each section offers the administrator its Edit button.
    await expect(page.getByRole('button', { name: /^修改.* Edit / }).count()).resolves.toBe(4);

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'view');
  });

  it("raises a budget line's total typed in yuan: the section shows it as version 2, the Changes list the administrator's change, and the officer's new-proposal form the raised amount left", async () => {
    const page = adminPage;
    const lines = budgetLines(page);
    await lines.getByRole('button', { name: /Edit budget lines/ }).click();
    const row = formRow(page, new RegExp(`line ${raisedLine.index + 1}$`));
    await expect(row.getByLabel(/Line id/).inputValue()).resolves.toBe(large.budgetLineRef);
    await row.getByLabel(/Total \(yuan\)/).fill('5,500,000');
    await row.getByText(`= ${formatYuan(RAISED_TOTAL_FEN)}`).waitFor();
    await lines.getByRole('button', { name: /Save/ }).click();

    await lines.getByRole('status').getByText('Saved as version 2.').waitFor();
    await lines.getByText(`Version 2, changed by ${ADMIN_EMAIL}`).waitFor();
    const raised = formatYuan(RAISED_TOTAL_FEN);
    expect(await budgetRowCells(page, large.budgetLineRef)).toEqual([
      large.budgetLineRef,
      large.budgetLineRef.slice(0, 4),
      raisedLine.line.description,
      raised,
      '¥0.00',
      raised,
    ]);
    // The page reads itself again after a save: the change heads the list, and the chain verifies.
    await page.getByText('The chain of 2 entries verifies').waitFor();
    const newest = changesList(page).first();
    await expect(newest.textContent()).resolves.toContain('Budget lines v2');
    await expect(newest.textContent()).resolves.toContain(ADMIN_EMAIL);
    const { changes, sections } = await referenceData(page);
    expect(changes[0]).toMatchObject({
      action: 'reference.changed',
      actor: ADMIN_EMAIL,
      detail: { section: 'budgetLines', version: 2 },
    });
    expect(sections.budgetLines.value.find((l) => l.lineId === large.budgetLineRef)?.totalFen).toBe(
      RAISED_TOTAL_FEN,
    );

    // The officer's form reads the budget lines through the functions: the raised total is there.
    const officerPage = await signedInPage(/Li Ming/);
    await openSection(officerPage, /New proposal/);
    await officerPage.getByLabel('服务开始日期 Term starts').fill(large.term.start);
    const option = officerPage.getByLabel(/Budget line/).locator(`option[value="${large.budgetLineRef}"]`);
    await option.waitFor({ state: 'attached' });
    await expect(option.textContent()).resolves.toContain(`剩余 left ${raised} / ${raised}`);
  });

  it('shows a refused edit at its fields in Chinese and English (a total below what is reserved, a line id given twice) and saves nothing', async () => {
    await submitAndReserve(small);
    const page = adminPage;
    const minorLine = small.budgetLineRef;
    const { index: minorIndex, line: minor } = budgetLineOf(minorLine);
    const reserved = formatYuan(small.totalFen);
    // The page shows what is reserved once it reads the table again.
    await page.reload();
    await openReferenceData(page);
    await expect(budgetRowCells(page, minorLine)).resolves.toEqual([
      minorLine,
      minorLine.slice(0, 4),
      minor.description,
      formatYuan(minor.totalFen),
      reserved,
      formatYuan(minor.totalFen - small.totalFen),
    ]);
    const before = await referenceData(page);

    const lines = budgetLines(page);
    await lines.getByRole('button', { name: /Edit budget lines/ }).click();
    const minorRow = formRow(page, new RegExp(`line ${minorIndex + 1}$`));
    await minorRow.getByText(`${reserved} is reserved: the total cannot be less.`).waitFor();
    await minorRow.getByLabel(/Total \(yuan\)/).fill('100,000');
    // A new line, its id typed in lower case, that another line already has.
    const duplicated = TEST_POLICY.budgetLines.find(
      (l) => ![minorLine, large.budgetLineRef].includes(l.lineId),
    );
    if (!duplicated) throw new Error('the settings have no third budget line');
    const newIndex = TEST_POLICY.budgetLines.length;
    await lines.getByRole('button', { name: /Add line/ }).click();
    const newRow = formRow(page, new RegExp(`line ${newIndex + 1}$`));
    await newRow.getByLabel(/Line id/).fill(duplicated.lineId.toLowerCase());
    await newRow.getByLabel(/Year/).fill(String(duplicated.year));
    await newRow.getByLabel(/Description/).fill(`${duplicated.year} 追加指标`);
    await newRow.getByLabel(/Total \(yuan\)/).fill('1,000,000');
    await lines.getByRole('button', { name: /Save/ }).click();

    const totalError = errorAt(page, `budgetLines[${minorIndex}].totalFen`);
    await totalError.waitFor();
    await expect(totalError.textContent()).resolves.toContain('预算指标总额不能低于其上已预留的金额。');
    await expect(totalError.textContent()).resolves.toContain(
      `${reserved} is reserved on ${minorLine}: its total cannot be less`,
    );
    const idError = errorAt(page, `budgetLines[${newIndex}].lineId`);
    await expect(idError.textContent()).resolves.toContain('同一编号或年度只能出现一次。');
    await expect(idError.textContent()).resolves.toContain(`${duplicated.lineId} is listed twice`);
    await lines.getByText(/2 problems to correct, each shown next to its field/).waitFor();
    // The focus is on the first field the server refused.
    await expect.poll(async () => (await focused(page)).id).toBe(`p-budgetLines-${minorIndex}-totalFen`);
    await expect(minorRow.getByLabel(/Total \(yuan\)/).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'refused');

    // Nothing was saved: the section and the trail are as they were.
    const after = await referenceData(page);
    expect(after.sections.budgetLines).toEqual(before.sections.budgetLines);
    expect(after.changes).toEqual(before.changes);
    await lines.getByRole('button', { name: /Cancel/ }).click();
    await expect(budgetRowCells(page, minorLine)).resolves.toContain(formatYuan(minor.totalFen));
    await expect(lines.locator('tbody tr').count()).resolves.toBe(TEST_POLICY.budgetLines.length);
  });

  it("changes the section chief's e-mail: a proposal submitted afterwards asks for its first approval at the new address, not the old", async () => {
    const page = adminPage;
    const roster = section(page, /Approvers/);
    await roster.getByRole('button', { name: /Edit approvers/ }).click();
    const chiefEmail = formRow(page, /Section chief/).getByLabel(/E-mail/);
    await expect(chiefEmail.inputValue()).resolves.toBe(chief.email);
    await chiefEmail.fill(NEW_CHIEF_EMAIL);
    await roster.getByRole('button', { name: /Save/ }).click();
    await roster.getByRole('status').getByText('Saved as version 2.').waitFor();
    await expect(roster.getByRole('row', { name: /Section chief/ }).textContent()).resolves.toContain(
      NEW_CHIEF_EMAIL,
    );
    // The page reads itself again after a save: the change heads the list.
    await section(page, /Changes/)
      .getByText(`Approvers v2: SECTION_CHIEF is now ${chief.name} <${NEW_CHIEF_EMAIL}>`)
      .waitFor();
    await expect(changesList(page).first().textContent()).resolves.toContain('Approvers v2');

    const purchaseId = await submitAndReserve(large);
    const asked = (m: { subject: string; body: { text?: string } }) =>
      m.subject.includes('Approval request') && (m.body.text ?? '').includes(purchaseId);
    const mail = await app.users.waitForMail(NEW_CHIEF_EMAIL, asked);
    expect(mail.destination.to).toEqual([NEW_CHIEF_EMAIL]);
    const view = await app.users.purchase(officer, purchaseId);
    expect(view.pendingTasks.map((t) => t.assignee.email)).toEqual([NEW_CHIEF_EMAIL]);
    expect(
      (await app.users.mails()).filter((m) => m.destination.to.includes(chief.email) && asked(m)),
    ).toEqual([]);
  });

  it("refuses a save over someone else's: the second of two open edits shows the bilingual notice with a reload button, saves nothing, and reloads the latest version to edit again", async () => {
    const first = adminPage;
    const second = await signedInPage(/Wu Qiang/);
    await openReferenceData(second);
    const [benchmark] = TEST_POLICY.salaryBenchmarks;
    const source = `${benchmark?.source} — checked 2026`;
    const editOn = async (page: Page) => {
      await section(page, /Salary benchmarks/)
        .getByRole('button', { name: /Edit salary benchmarks/ })
        .click();
      return formRow(page, /benchmark 1$/);
    };
    const firstRow = await editOn(first);
    const secondRow = await editOn(second);

    await firstRow.getByLabel(/Source/).fill(source);
    await section(first, /Salary benchmarks/)
      .getByRole('button', { name: /Save/ })
      .click();
    await section(first, /Salary benchmarks/)
      .getByRole('status')
      .getByText('Saved as version 2.')
      .waitFor();

    await secondRow.getByLabel(/Annual wage/).fill('99,000');
    const benchmarks = section(second, /Salary benchmarks/);
    await benchmarks.getByRole('button', { name: /Save/ }).click();
    const conflict = benchmarks.locator('.conflict[role="alert"]');
    await conflict.waitFor();
    const said = (await conflict.textContent()) ?? '';
    expect(said).toContain('您修改期间，有人保存了此部分（您修改的是第 1 版）。您的修改没有保存。');
    expect(said).toContain(
      'Someone saved this section while you were editing version 1. Your changes were not saved',
    );
    const reload = benchmarks.getByRole('button', { name: '载入最新版本 · Reload this section' });
    await reload.waitFor();
    // The draft is still on the screen, and nothing of it reached the server.
    await expect(secondRow.getByLabel(/Annual wage/).inputValue()).resolves.toBe('99,000');
    const held = (await referenceData(second)).sections.salaryBenchmarks;
    // The first row is the one both edited; the sample rows after it are as seeded.
    expect(held.version).toBe(2);
    expect(held.value[0]).toMatchObject({
      year: benchmark?.year,
      annualWageFen: benchmark?.annualWageFen,
      source,
    });
    expect(held.value).toHaveLength(TEST_POLICY.salaryBenchmarks.length);
    expect(await accessibilityViolations(second)).toEqual([]);
    await screenshot(second, 'stale');

    await reload.click();
    await benchmarks.getByText('Version 2, the latest, is loaded: make your changes again on it.').waitFor();
    await expect(secondRow.getByLabel(/Source/).inputValue()).resolves.toBe(source);
    await expect(secondRow.getByLabel(/Annual wage/).inputValue()).resolves.toBe(
      yuanText(benchmark?.annualWageFen ?? 0),
    );
    await benchmarks.getByRole('button', { name: /Cancel/ }).click();
    await benchmarks.getByText(`Version 2, changed by ${ADMIN_EMAIL}`).waitFor();
  });

  it("shows the auditor the page read-only, with no Edit button, and the server answers the auditor's PUT 403 and changes nothing", async () => {
    const page = await signedInPage(/Zhou Li/);
    await openReferenceData(page);
    await page.getByText('The administrator keeps the reference data.').waitFor();
    for (const name of [/Budget lines/, /Salary benchmarks/, /Approvers/, /Evaluation agencies/])
      await expect(section(page, name).getByRole('table').count()).resolves.toBe(1);
    await expect(section(page, /Approvers/).textContent()).resolves.toContain(NEW_CHIEF_EMAIL);
    await expect(page.getByRole('button', { name: /Edit/ }).count()).resolves.toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    const before = await referenceData(page);
    const { approvers } = before.sections;
    const answer = await apiAsSignedIn(page, 'PUT', '/reference-data/approvers', {
      value: {
        ...approvers.value,
        SECTION_CHIEF: { name: '审计员', email: 'auditor@civil-affairs.example.gov.cn' },
      },
      version: approvers.version,
    });
    expect(answer).toEqual({ status: 403, body: { message: 'this needs the role admin' } });
    const after = await referenceData(page);
    expect(after.sections.approvers).toEqual(approvers);
    expect(after.changes).toEqual(before.changes);
  });

  it('works by keyboard at 390 px: a section opened for editing with the focus in its first field, cancelled with the focus back on its Edit button, and nothing wider than the screen', async () => {
    const page = await signedInPage(/Wu Qiang/, 390);
    await openReferenceData(page);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    // From the page's content (focused on arrival) the keyboard reaches the approvers' Edit button.
    await expect(tabToButton(page, /Edit approvers/)).resolves.toMatchObject({ visible: true });
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('p-approvers-SECTION_CHIEF-name');
    await expect(focused(page)).resolves.toMatchObject({ visible: true });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, '390');

    await expect(tabToButton(page, /Cancel/)).resolves.toMatchObject({
      text: '取消 · Cancel',
      visible: true,
    });
    await page.keyboard.press('Enter');
    await expect(
      section(page, /Approvers/)
        .getByRole('form')
        .count(),
    ).resolves.toBe(0);
    await expect
      .poll(() => focused(page))
      .toMatchObject({ tag: 'BUTTON', text: expect.stringMatching(/Edit approvers/), visible: true });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });
});
