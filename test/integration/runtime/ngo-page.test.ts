import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeElderlyCareProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../../infra/local/users.js';
import { approveAllLevels, type LocalAppUnderTest, startLocalApp } from '../../support/local-app.js';

/**
 * The NGO's side over HTTP and the mailbox: it is told of the approval, its one link lists all its
 * purchases under the same contact and opens each, and from a link it asks for a fresh one, which
 * goes to the registered contact once an hour.
 */

const proposal = largeElderlyCareProposalToday();
const contact = proposal.ngo.contactEmail;
let app: LocalAppUnderTest;
let officer: string;
const seen = new Set<string>();

beforeAll(async () => {
  app = await startLocalApp();
  officer = await app.users.devToken(
    'officer-qian',
    ['officer'],
    'qian.officer@civil-affairs.example.gov.cn',
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

async function approved(title: string): Promise<{ purchaseId: string; link: string }> {
  const submitted = await app.users.submit(officer, { ...proposal, title });
  expect(submitted.status).toBe(201);
  const purchaseId = String(submitted.body.purchaseId);
  await approveAllLevels(app.users, officer, purchaseId, seen);
  const ask = await app.users.waitForMail(contact, UsersClient.asksNgoToUpload(purchaseId), seen);
  return { purchaseId, link: UsersClient.ngoLinkIn(ask) };
}

describe("the NGO's page and mail on the local runtime", () => {
  it('tells the NGO of the approval, and one link opens every purchase of its contact', async () => {
    const first = await approved('2026年思明区居家养老上门服务项目（一期）');
    const second = await approved('2026年思明区居家养老上门服务项目（二期）');
    const told = await app.users.waitForMail(
      contact,
      (m) => (m.body.text ?? '').includes(first.purchaseId) && m.subject.includes('The purchase is approved'),
      seen,
    );
    expect(told.body.text).not.toMatch(/https?:\/\//);

    const page = await app.users.open(first.link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('All your purchases with the bureau');
    const href = page.html
      .match(new RegExp(`href="(${second.purchaseId}\\?[^"]+)"`))?.[1]
      ?.replaceAll('&amp;', '&');
    expect(href).toBeDefined();
    const other = await app.users.open(new URL(href ?? '', first.link).toString());
    expect(other.status).toBe(200);
    expect(other.html).toContain('（二期）');
  });

  it('mails a fresh link to the registered contact on request, once an hour', async () => {
    const { purchaseId, link } = await approved('2026年思明区居家养老上门服务项目（三期）');
    const url = new URL(link);
    const freshLink = `${url.origin}${url.pathname}/fresh-link${url.search}`;

    const asked = await fetch(freshLink, { method: 'POST' });
    const again = await fetch(freshLink, { method: 'POST' });

    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('A new link is on its way');
    expect(await again.text()).toContain('A new link was already sent');
    const mail = await app.users.waitForMail(
      contact,
      (m) => m.subject.includes('Your new page link') && (m.body.text ?? '').includes(purchaseId),
      seen,
    );
    expect((await app.users.open(UsersClient.ngoLinkIn(mail))).status).toBe(200);
    const sent = (await app.users.mails()).filter(
      (m) => m.subject.includes('Your new page link') && (m.body.text ?? '').includes(purchaseId),
    );
    expect(sent).toHaveLength(1);
    // A forged link has nothing sent.
    const forged = await fetch(freshLink.replace(/sig=([^&]+)/, 'sig=k1.AAAA'), { method: 'POST' });
    expect(forged.status).toBe(403);
  });
});
