import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import { mailAbout } from '../support/journey.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { accessibilityViolations } from './browser.js';
import { type ConsoleUnderTest, RESULTS_DIR, startConsoleUnderTest } from './console-under-test.js';

/**
 * An amendment of a signed contract in a real browser, as its officer asks for it: the purchase
 * page's Amendments section offers the form once the contract is in force, and lists the
 * amendment awaiting approval with each change, former → new.
 */

let ui: ConsoleUnderTest | undefined;
let app: LocalAppUnderTest | undefined;

beforeAll(async () => {
  ui = await startConsoleUnderTest();
  app = ui.app;
}, 360_000);

afterAll(async () => ui?.stop());

const OFFICER = { sub: 'officer-li', email: 'li.officer@civil-affairs.example.gov.cn' };
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;

/**
 * A purchase of the officer's (¥120,000 in 30 / 40 / 30), approved, signed by the NGO and
 * countersigned from the mailed links, finance told to pay the first tranche.
 */
async function signedPurchase(): Promise<{ purchaseId: string; end: string }> {
  if (!app) throw new Error('the app is not started');
  const users = app.users;
  const token = await users.devToken(OFFICER.sub, ['officer'], OFFICER.email);
  const proposal = smallMinorProtectionProposalToday();
  const submitted = await users.submit(token, proposal);
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  const seen = new Set<string>();
  const about = mailAbout(purchaseId);
  const ask = await users.waitForMail(chief.email, about, seen, 60_000);
  expect((await users.decideAsPerson(UsersClient.linkIn(ask), { decision: 'APPROVE' })).answer.status).toBe(
    200,
  );
  const invitation = await users.waitForMail(
    proposal.ngo.contactEmail,
    UsersClient.asksNgoToUpload(purchaseId),
    seen,
    60_000,
  );
  await users.ngoUpload(UsersClient.ngoLinkIn(invitation), {
    kind: 'SIGNED_CONTRACT',
    name: 'signed.pdf',
    type: 'application/pdf',
    bytes: samplePdf(`signed ${purchaseId}`),
  });
  const countersign = await users.waitForMail(chief.email, about, seen, 60_000);
  const { answer } = await users.decideAsPerson(UsersClient.linkIn(countersign), { decision: 'COUNTERSIGN' });
  expect(answer.status).toBe(200);
  // Countersigned, and finance told to pay the first tranche (the form shows it read-only).
  await users.waitForPurchase(
    token,
    purchaseId,
    (v) => {
      const view = v as { contract?: { signedAt?: string }; payments?: { notifiedAt?: string }[] };
      return Boolean(view.contract?.signedAt) && Boolean(view.payments?.some((p) => p.notifiedAt));
    },
    {
      expected: 'countersigned, the first tranche notified',
      timeoutMs: 30_000,
    },
  );
  return { purchaseId, end: proposal.term.end };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS_DIR, name), fullPage: true });
}

/** The officer's purchase page, settled, and its Amendments section. */
async function openAmendments(purchaseId: string) {
  if (!ui) throw new Error('the console is not started');
  const { page } = await ui.newPage();
  await ui.signInAs(page, /Li Ming/);
  await page.goto(`${ui.consoleUrl}#/purchases/${purchaseId}`);
  const section = page.getByRole('region', { name: /Amendments/ });
  await section.waitFor();
  // The timeline below loads on its own: wait for it, so a screenshot is of the settled page.
  await page.getByText(/The chain of \d+ entries verifies/).waitFor();
  return { page, section };
}

describe('amending a signed contract in the console', () => {
  it('offers the form on the purchase page and lists the amendment awaiting approval, former → new', async () => {
    const { purchaseId, end } = await signedPurchase();
    const { page, section } = await openAmendments(purchaseId);
    expect(await section.textContent()).toContain('The contract has not been amended.');
    const earlier = new Date(Date.parse(`${end}T00:00:00Z`) - 5 * 86_400_000).toISOString().slice(0, 10);
    await section.getByLabel(/New end of the term/).fill(earlier);
    await section.getByLabel(/Rationale/).fill('服务提前完成，缩短服务期 · the service finishes early');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-amendment-form.png');

    await section.getByRole('button', { name: /Request the amendment/ }).click();
    await section.getByRole('cell', { name: 'A1' }).waitFor();
    const text = (await section.textContent()) ?? '';
    expect(text).toContain(`${end} → ${earlier}`);
    expect(text).toContain('Awaiting approval');
    // One at a time: the form is gone while A1 waits.
    expect(await section.getByRole('button', { name: /Request the amendment/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-amendment-requested.png');
  });

  it('asks for a higher value with its cost breakdown and tranche amounts, the refused sum shown at the tranches, and lists it former → new', async () => {
    const { purchaseId } = await signedPurchase();
    const { page, section } = await openAmendments(purchaseId);

    const value = section.getByRole('group', { name: /New value and tranche plan/ });
    const lines = value.getByRole('group', { name: /Cost breakdown/ });
    const tranches = value.getByRole('group', { name: /Tranche amounts/ });
    // Pre-filled from the contract; the first tranche, notified at signature, is not an input.
    expect(await value.getByLabel(/Contract value/).inputValue()).toBe('120000.00');
    expect(await lines.textContent()).toContain('Lines add up to ¥120,000.00, the total.');
    expect(await tranches.textContent()).toContain(
      'On contract signature: ¥36,000.00 (finance was told to pay it: it stays as it is)',
    );
    expect(await tranches.getByRole('textbox').count()).toBe(2);

    await value.getByLabel(/Contract value/).fill('130000');
    await lines
      .getByRole('group', { name: /cost line 2/ })
      .getByLabel(/Amount/)
      .fill('38400');
    expect(await lines.textContent()).toContain('Lines add up to ¥130,000.00, the total.');
    await tranches.getByLabel(/After the mid-term review passes/).fill('52000');
    await tranches.getByLabel(/After the third-party evaluation passes/).fill('40000');
    expect(await tranches.textContent()).toContain(
      'Tranches add up to ¥128,000.00, ¥2,000.00 short of the total.',
    );
    await section.getByLabel(/Rationale/).fill('服务对象增加，追加课业辅导经费 · more children to tutor');
    await section.getByRole('button', { name: /Request the amendment/ }).click();

    // The server refuses tranches that do not make up the value: the error is at the tranches, in both languages.
    const trancheError = tranches.locator('#p-tranches-error');
    await trancheError.waitFor();
    expect(await trancheError.textContent()).toContain('各期金额合计 ¥128,000.00');
    expect(await trancheError.textContent()).toContain(
      'The tranche amounts add up to ¥128,000.00 but the value is ¥130,000.00',
    );
    expect(await tranches.getAttribute('aria-describedby')).toBe('p-tranches-error');
    expect(await section.getByRole('cell', { name: 'A1' }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-amendment-value-refused.png');

    await tranches.getByLabel(/After the third-party evaluation passes/).fill('42000');
    expect(await tranches.textContent()).toContain('Tranches add up to ¥130,000.00, the total.');
    // The edit took the error about the tranches away.
    expect(await trancheError.count()).toBe(0);
    await screenshot(page, 'console-amendment-value-form.png');
    await section.getByRole('button', { name: /Request the amendment/ }).click();

    await section.getByRole('cell', { name: 'A1' }).waitFor();
    const text = (await section.textContent()) ?? '';
    expect(text).toContain('Value: ¥120,000.00 → ¥130,000.00');
    expect(text).toContain('课业辅导与亲情陪伴活动 ¥28,400.00');
    expect(text).toContain('课业辅导与亲情陪伴活动 ¥38,400.00');
    expect(text).toContain('After the mid-term review passes: 40% ¥52,000.00');
    expect(text).toContain('Awaiting approval');
    expect(await section.getByRole('button', { name: /Request the amendment/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-amendment-value-requested.png');
  });
});
