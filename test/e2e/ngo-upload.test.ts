import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { largeElderlyCareProposalToday } from '../../infra/local/samples/live-proposals.js';
import { type PurchaseView, sleep, UsersClient } from '../../infra/local/users.js';
import { ngoLinkExpiredPage } from '../../shared/presentation/pages/ngo-link-pages.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { accessibilityViolations, launchChromium } from './browser.js';

/**
 * The NGO's page in a real browser (Chromium: Debian's or the npm one): one purchase is approved over HTTP
 * until the NGO is mailed its page link; the NGO opens it, is refused a file type the form
 * does not take, then uploads its signed contract through the form (presigned POST straight
 * to the local S3) and sees it accepted. The outcome is read back from the staff API.
 * The steps run in order on one purchase, as one visit.
 */

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');
const SIGNED_NAME = 'signed-contract-stamped.pdf';
const proposal = largeElderlyCareProposalToday();

let app: LocalAppUnderTest | undefined;
let browser: Browser | undefined;
let page: Page;
let users: UsersClient;
let officer: string;
let purchaseId: string;
let ngoLink: string;
let filesDir: string | undefined;
/** Requests the page sent to the bucket's origin (the presigned POST's target). */
const storageRequests: string[] = [];

beforeAll(async () => {
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
  await approveAllLevels(users, officer, purchaseId);
  const invitation = await users.waitForMail(
    proposal.ngo.contactEmail,
    (m) => m.subject.includes('Please upload: signed contract') && (m.body.text ?? '').includes(purchaseId),
  );
  ngoLink = UsersClient.ngoLinkIn(invitation);

  filesDir = mkdtempSync(join(tmpdir(), 'ngo-upload-files-'));
  writeFileSync(join(filesDir, SIGNED_NAME), samplePdf(`Signed service contract ${purchaseId}`));
  writeFileSync(join(filesDir, 'notes.txt'), 'Contract notes: signed on paper, scan to follow.\n');

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1000, height: 900 } });
  page = await context.newPage();
  const pageOrigin = new URL(ngoLink).origin;
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== pageOrigin) storageRequests.push(`${r.method()} ${r.url()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

const heading = () => page.getByRole('heading', { level: 1 });
const uploadStatus = () => page.locator('#upload-status');

/** The row of a table whose text matches, inside the section under the h2 that matches. */
function rowIn(section: RegExp, row: RegExp | string): Locator {
  return page
    .locator('h2', { hasText: section })
    .locator('xpath=following-sibling::div[contains(@class,"table-wrap")][1]')
    .getByRole('row')
    .filter({ hasText: row });
}

async function openNgoPage(): Promise<number | undefined> {
  const response = await page.goto(ngoLink, { waitUntil: 'load' });
  return response?.status();
}

async function chooseAndSubmit(kind: string, file: string): Promise<void> {
  await page.getByLabel(/Kind/).selectOption(kind);
  await page.getByLabel(/File/).setInputFiles(join(filesDir as string, file));
  await page.getByRole('button', { name: /Upload/ }).click();
}

async function view(): Promise<PurchaseView> {
  return users.purchase(officer, purchaseId);
}

describe('NGO page in Chromium: the NGO uploads its signed contract from the e-mailed link', () => {
  it('opens the page showing the purchase, the contracting stage and the signed contract due', async () => {
    expect(await openNgoPage()).toBe(200);
    expect(await heading().textContent()).toContain('Deliverables of your purchase');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(proposal.title);
    expect(main).toContain(proposal.ngo.name);
    expect(main).toContain('Contracting');
    // The bureau's notices: the approval the NGO was also mailed.
    expect(main).toContain('From the bureau');
    expect(main).toContain('The purchase is approved');

    const due = rowIn(/What is due/, /Signed contract/);
    expect(await due.count()).toBe(1);
    expect(await due.textContent()).toContain('Open');
    expect(await page.getByRole('option', { name: /Signed contract/ }).count()).toBe(1);
    expect(await page.locator('body').textContent()).toContain('No file has arrived yet');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-page-opened.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('refuses a .txt file before anything is sent to storage, says why on the page, and records nothing', async () => {
    const before = await view();
    await chooseAndSubmit('SIGNED_CONTRACT', 'notes.txt');

    await expect
      .poll(async () => uploadStatus().textContent(), { timeout: 5_000 })
      .toContain('This kind of file cannot be uploaded');
    // The NGO is told in words which kinds of file it may upload, not a list of MIME types.
    expect(await uploadStatus().textContent()).toContain('PDF document');
    expect(await uploadStatus().textContent()).not.toContain('application/vnd');
    expect(await page.getByRole('button', { name: /Upload/ }).isEnabled()).toBe(true);
    expect(storageRequests).toEqual([]);

    const after = await view();
    expect(after.deliverables ?? []).toEqual([]);
    expect(after.version).toBe(before.version);
    expect(after.stage).toBe('CONTRACTING');
  });

  it('uploads a PDF as the signed contract and, once it is checked, lists it as accepted', async () => {
    expect(await openNgoPage()).toBe(200);
    // The page reloads itself a few seconds after the upload; listen before uploading, so a slow
    // poll below cannot miss it.
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await chooseAndSubmit('SIGNED_CONTRACT', SIGNED_NAME);
    await expect.poll(async () => uploadStatus().textContent(), { timeout: 20_000 }).toContain('Uploaded');
    expect(storageRequests.some((r) => r.startsWith('POST '))).toBe(true);
    await reloaded;

    // The ObjectCreated event records the file asynchronously: reload until it is listed.
    const received = rowIn(/Files received/, SIGNED_NAME);
    const deadline = Date.now() + 20_000;
    while ((await received.count()) === 0 && Date.now() < deadline) {
      await sleep(500);
      await openNgoPage();
    }
    expect(await received.count()).toBe(1);
    expect(await received.textContent()).toContain('Accepted');
    expect(await received.textContent()).toContain('Signed contract');

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-page.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('records the deliverable as ACCEPTED and asks for the countersignature, as the staff API shows', async () => {
    const countersignPending = (v: PurchaseView) =>
      (v.pendingTasks as { purpose?: string }[]).some((t) => t.purpose === 'COUNTERSIGN');
    await expect.poll(async () => countersignPending(await view()), { timeout: 20_000 }).toBe(true);

    const purchase = await view();
    expect(purchase.stage).toBe('CONTRACTING');
    expect(purchase.deliverables).toHaveLength(1);
    expect(purchase.deliverables?.[0]).toMatchObject({
      kind: 'SIGNED_CONTRACT',
      fileName: SIGNED_NAME,
      status: 'ACCEPTED',
      reasons: [],
    });
  });

  it("once the day's upload requests of the kind are used up, says why above the form and on Upload, in both languages, and sends nothing to storage", async () => {
    const file = {
      kind: 'SIGNED_CONTRACT',
      name: 'copy.pdf',
      type: 'application/pdf',
      bytes: samplePdf('copy'),
    };
    let asked = 1;
    while ((await users.requestUploadGrant(ngoLink, file)).status === 200 && asked <= 100) asked += 1;
    const posts = storageRequests.filter((r) => r.startsWith('POST ')).length;

    expect(await openNgoPage()).toBe(200);
    const limit = `今天已为“已签署合同”申请 ${asked} 次上传，已达每日上限`;
    expect(await page.locator('#upload-form .notice').textContent()).toContain(limit);
    await chooseAndSubmit('SIGNED_CONTRACT', SIGNED_NAME);

    await expect
      .poll(async () => uploadStatus().textContent(), { timeout: 5_000 })
      .toContain(`无法上传：${limit}`);
    expect(await uploadStatus().textContent()).toContain(
      `The upload was refused: Uploads of “Signed contract” were requested ${asked} times today, the daily limit`,
    );
    expect(await page.getByRole('button', { name: /Upload/ }).isEnabled()).toBe(true);
    expect(storageRequests.filter((r) => r.startsWith('POST ')).length).toBe(posts);
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-page-daily-limit.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });
  it('an expired link offers to mail a fresh one; the button sends it to the registered contact, named masked', async () => {
    // A link of ours that has expired shows this page (unit-tested); here its HTML is put in the
    // browser at the link's address (answered by a status page, which has the status and expired
    // pages' CSP, not the upload page's), so its button posts to the running app's route.
    const statusPage = await page.goto(ngoLink.replace(/sig=[^&]+/, 'sig=tampered'));
    expect(statusPage?.status()).toBe(403);
    const link = new URL(ngoLink);
    const query = new URLSearchParams({
      exp: link.searchParams.get('exp') ?? '',
      sig: link.searchParams.get('sig') ?? '',
    });
    await page.setContent(ngoLinkExpiredPage(`${purchaseId}/fresh-link?${query}`).html);
    expect(await heading().textContent()).toContain('This link has expired');
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-link-expired.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: /Send me a new link/ }).click(),
    ]);

    expect(await heading().textContent()).toContain('A new link is on its way');
    const body = (await page.locator('body').textContent()) ?? '';
    const contact = proposal.ngo.contactEmail;
    expect(body).toContain(`${contact.charAt(0)}***${contact.slice(contact.indexOf('@'))}`);
    expect(body).not.toContain(contact);
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-fresh-link-sent.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    const mail = await users.waitForMail(
      contact,
      (m) => m.subject.includes('Your new page link') && (m.body.text ?? '').includes(purchaseId),
    );
    expect((await users.open(UsersClient.ngoLinkIn(mail))).status).toBe(200);
  });

  it('once the contract is countersigned and finance confirms part of the first tranche, the page lists the part paid and what is still due', async () => {
    const about = (m: { body: { text?: string } }) => (m.body.text ?? '').includes(purchaseId);
    const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF.email;
    const countersign = await users.waitForMail(chief, (m) => about(m) && m.subject.includes('Countersign'));
    const signed = await users.decideAsPerson(UsersClient.linkIn(countersign), { decision: 'COUNTERSIGN' });
    expect(signed.answer.status).toBe(200);
    const finance = TEST_SETTINGS.lifecycle.payments.financeSubscribers[0] as string;
    const notice = await users.waitForMail(finance, (m) => about(m) && m.subject.startsWith('Payment due'));
    const link = UsersClient.linkIn(notice);
    const confirmation = await users.open(link);
    const confirmed = await users.decide(link, {
      nonce: confirmation.nonce,
      decision: 'CONFIRM',
      reference: 'CCB-2026-0101',
      actingEmail: 'finance.clerk@civil-affairs.example.gov.cn',
      fields: { amount: '100,000' },
    });
    expect(confirmed.status).toBe(200);
    await users.waitForMail(proposal.ngo.contactEmail, (m) => about(m) && m.subject.includes('part paid'));

    expect(await openNgoPage()).toBe(200);
    const part = page.locator('.notices li', { hasText: '已部分支付' });
    expect(await part.count()).toBe(1);
    const text = (await part.textContent()) ?? '';
    for (const fact of ['¥100,000.00', '¥44,000.00', 'CCB-2026-0101', '****4215'])
      expect(text).toContain(fact);
    expect((await page.locator('body').textContent()) ?? '').not.toContain(
      proposal.ngo.bankAccount?.accountNumber ?? 'no account',
    );
    await part.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'ngo-page-part-paid.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
