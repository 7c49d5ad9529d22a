import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../../infra/local/samples/files.js';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
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

/** A purchase of the officer's, approved, signed by the NGO and countersigned from the mailed links. */
async function signedPurchase(): Promise<{ purchaseId: string; end: string }> {
  if (!app) throw new Error('the app is not started');
  const users = app.users;
  const token = await users.devToken(OFFICER.sub, ['officer'], OFFICER.email);
  const proposal = smallMinorProtectionProposalToday();
  const submitted = await users.submit(token, proposal);
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  const seen = new Set<string>();
  const about = (m: { body: { text?: string } }) => (m.body.text ?? '').includes(purchaseId);
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
  await users.waitForPurchase(
    token,
    purchaseId,
    (v) => Boolean((v as { contract?: { signedAt?: string } }).contract?.signedAt),
    {
      expected: 'countersigned',
      timeoutMs: 30_000,
    },
  );
  return { purchaseId, end: proposal.term.end };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS_DIR, name), fullPage: true });
}

describe('amending a signed contract in the console', () => {
  it('offers the form on the purchase page and lists the amendment awaiting approval, former → new', async () => {
    if (!ui || !app) throw new Error('the console is not started');
    const { purchaseId, end } = await signedPurchase();
    const { page } = await ui.newPage();
    await ui.signInAs(page, /Li Ming/);
    await page.goto(`${ui.consoleUrl}#/purchases/${purchaseId}`);

    const section = page.getByRole('region', { name: /Amendments/ });
    await section.waitFor();
    // The timeline below loads on its own: wait for it, so the screenshot is of the settled page.
    await page.getByText(/The chain of \d+ entries verifies/).waitFor();
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
});
