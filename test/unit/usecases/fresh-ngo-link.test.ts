import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { signNgoLink, verifyNgoLink } from '../../../shared/links/ngo-link.js';
import {
  type FreshNgoLinkDeps,
  requestFreshNgoLink,
} from '../../../shared/usecases/ngo-uploads/fresh-ngo-link.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

const ID = 'PUR-2026-FRESHLINKAAAAAAA';
const BASE = 'https://purchases.example.gov.cn';
const PROPOSAL = largeElderlyCareProposal();
const CONTACT = PROPOSAL.ngo.contactEmail;
const OLD_EXPIRY = '2026-03-01T00:00:00.000Z';

let fakes: Fakes;
const deps = (): FreshNgoLinkDeps => ({
  purchases: fakes.purchases,
  mailer: fakes.mailer,
  linkKey: async () => TEST_LINK_KEY,
  baseUrl: BASE,
  settings: TEST_LIFECYCLE,
  now: fakes.clock.now,
});

function link(purchaseId = ID, expires = OLD_EXPIRY) {
  const url = new URL(signNgoLink(BASE, purchaseId, expires, TEST_LINK_KEY));
  return { purchaseId, exp: url.searchParams.get('exp') ?? '', sig: url.searchParams.get('sig') ?? '' };
}

const NGO_LINK = /https:\/\/purchases\.example\.gov\.cn\/ngo\/[A-Z0-9-]+\?exp=\d+&sig=[A-Za-z0-9_.-]+/;

beforeEach(() => {
  fakes = createFakes('2026-05-10T03:20:00.000Z');
  fakes.purchases.seed(purchaseRecord(ID, PROPOSAL, { stage: 'MIDTERM_REVIEW' }));
});

describe('requestFreshNgoLink', () => {
  it('mails a fresh, working page link to the registered contact only, and says where, masked', async () => {
    const page = await requestFreshNgoLink(deps(), link());

    expect(page.statusCode).toBe(200);
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([CONTACT]);
    const fresh = fakes.mailer.sent[0]?.text.match(NGO_LINK)?.[0] ?? '';
    const url = new URL(fresh);
    expect(url.pathname).toBe(`/ngo/${ID}`);
    expect(
      verifyNgoLink(
        ID,
        url.searchParams.get('exp') ?? '',
        url.searchParams.get('sig') ?? '',
        TEST_LINK_KEY,
        fakes.clock.now(),
      ),
    ).toBe('OK');
    // The page names the address masked and never carries the new link.
    expect(page.html).toContain(`${CONTACT.charAt(0)}***${CONTACT.slice(CONTACT.indexOf('@'))}`);
    expect(page.html).not.toContain(CONTACT);
    expect(page.html).not.toContain('/ngo/');
    const audit = await fakes.purchases.listAudit(ID);
    expect(audit.filter((e) => e.action === 'ngo.fresh-link')).toHaveLength(1);
  });

  it('sends at most one link an hour: a second press says it was sent and sends nothing', async () => {
    await requestFreshNgoLink(deps(), link());
    fakes.clock.advanceSeconds(20 * 60);
    const again = await requestFreshNgoLink(deps(), link());

    expect(again.html).toContain('A new link was already sent');
    expect(fakes.mailer.sent).toHaveLength(1);

    fakes.clock.advanceSeconds(60 * 60);
    await requestFreshNgoLink(deps(), link());
    expect(fakes.mailer.sent).toHaveLength(2);
  });

  it('also works from a link that has not expired yet (the page asks for it only once expired)', async () => {
    const page = await requestFreshNgoLink(deps(), link(ID, '2026-12-31T00:00:00.000Z'));
    expect(page.statusCode).toBe(200);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('refuses a forged or tampered link before reading anything, and sends nothing', async () => {
    const other = link('PUR-2026-SOMEONEELSEAAAA');
    const page = await requestFreshNgoLink(deps(), { ...link(), sig: other.sig });

    expect(page.statusCode).toBe(403);
    expect(fakes.mailer.sent).toEqual([]);
    expect((await fakes.purchases.listAudit(ID)).map((e) => e.action)).not.toContain('ngo.fresh-link');
  });

  it('answers 404 for a signed link to a purchase that does not exist', async () => {
    const page = await requestFreshNgoLink(deps(), link('PUR-2026-NOSUCHPURCHASE0'));
    expect(page.statusCode).toBe(404);
    expect(fakes.mailer.sent).toEqual([]);
  });
});
