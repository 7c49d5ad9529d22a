import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { accessibilityViolations } from './browser.js';
import { type ConsoleUnderTest, RESULTS_DIR, startConsoleUnderTest } from './console-under-test.js';

/**
 * A proposal returned for revision, in a real browser as its officer meets it: the purchase page
 * says who returned it and why, "Revise and resubmit" opens the proposal form filled with it, and
 * the corrected proposal goes back to the same level.
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
const RETURN_COMMENT = '请补充驻村社工的资质说明 · add the social worker’s qualifications';

/** A purchase of the officer's that the section chief returned from the mailed link. */
async function returnedPurchase(): Promise<{ purchaseId: string; title: string }> {
  if (!app) throw new Error('the app is not started');
  const token = await app.users.devToken(OFFICER.sub, ['officer'], OFFICER.email);
  const proposal = smallMinorProtectionProposalToday();
  const submitted = await app.users.submit(token, proposal);
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  const ask = await app.users.waitForMail(
    chief.email,
    (m) => (m.body.text ?? '').includes(purchaseId),
    new Set(),
    60_000,
  );
  const { answer } = await app.users.decideAsPerson(UsersClient.linkIn(ask), {
    decision: 'RETURN',
    comment: RETURN_COMMENT,
  });
  expect(answer.status).toBe(200);
  await app.users.waitForMail(
    OFFICER.email,
    (m) => m.subject.includes('退回修改') && (m.body.text ?? '').includes(purchaseId),
    new Set(),
    60_000,
  );
  return { purchaseId, title: proposal.title };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS_DIR, name), fullPage: true });
}

describe('revise and resubmit in the console', () => {
  it('shows the return on the purchase page, opens the form filled with the proposal, and resubmits it to the same level', async () => {
    if (!ui || !app) throw new Error('the console is not started');
    const { purchaseId, title } = await returnedPurchase();
    const { page } = await ui.newPage();
    await ui.signInAs(page, /Li Ming/);
    await page.goto(`${ui.consoleUrl}#/purchases/${purchaseId}`);

    const notice = page.getByRole('region', { name: /Returned for revision/ });
    await notice.waitFor();
    expect(await notice.textContent()).toContain(RETURN_COMMENT);
    expect(await notice.textContent()).toContain(chief.email);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-revision-returned.png');

    await notice.getByRole('link', { name: /Revise and resubmit/ }).click();
    await page.getByRole('heading', { level: 1, name: /Revise and resubmit/ }).waitFor();
    const titleField = page.getByLabel(/项目名称/).first();
    expect(await titleField.inputValue()).toBe(title);
    await titleField.fill(`${title}（修订）`);
    await page.getByLabel(/A note for the approver/).fill('已补充资质说明 · qualifications added');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-revision-form.png');

    await page.getByRole('button', { name: /Resubmit/ }).click();
    await page
      .getByRole('heading', { level: 1, name: /（修订）/ })
      .waitFor()
      .catch(async (error: unknown) => {
        await screenshot(page, 'console-revision-refused.png');
        throw error;
      });
    await page.getByRole('heading', { name: /Revisions/ }).waitFor();
    expect(await page.getByRole('region', { name: /Returned for revision/ }).count()).toBe(0);
    await screenshot(page, 'console-revision-resubmitted.png');

    // The same level is asked again, with the officer's note on its page.
    const again = await app.users.waitForMail(
      chief.email,
      (m) => (m.body.text ?? '').includes(purchaseId) && (m.body.text ?? '').includes('（修订）'),
      new Set(),
      60_000,
    );
    expect((await app.users.open(UsersClient.linkIn(again))).html).toContain(
      '已补充资质说明 · qualifications added',
    );
  });
});
