import { beforeAll, describe, expect, it } from 'vitest';
import { largeElderlyCareProposalToday } from '../../infra/local/samples/live-proposals.js';
import { ACTING_FINANCE_CLERK, UsersClient } from '../../infra/local/users.js';
import { decideOnce, type Inboxes, type JourneyContext, mailAbout } from '../support/journey.js';
import { useJourneyApp } from '../support/journey-app.js';
import type { LocalAppUnderTest } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';

/**
 * Issue 12: duties that cannot be merged. Each case is an attempt, over HTTP and the mailbox
 * only, to have one person decide what separation of duties gives to different people.
 */

const { approvers, deputy, administrator } = TEST_SETTINGS.policy.approval;
const chief = approvers.SECTION_CHIEF;
const REAL_CLOCK = { msPerSecond: 1000 };
/** Each approval attempt (three days with the configured settings) times out after 3 s of real time. */
const FAST_CLOCK = { msPerSecond: 3000 / TEST_SETTINGS.policy.approval.timeoutSeconds };

// The section chief, signed in with the officer's role, registers the proposals of these cases.
const journeyApp = useJourneyApp({ sub: 'chief-registering', email: chief.email });
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

describe('12 Medium 4: separation of duties', () => {
  it("never lets the chief approve their own proposal, nor the deputy decide two levels: the administrator's queue takes the rest", async (context) => {
    const submitted = await app.users.submit(journey.officer, largeElderlyCareProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = submitted.body.purchaseId as string;

    // Level 1: the chief registered it, so the deputy is asked, and told why.
    const first = await inboxes.next('', mailAbout(purchaseId), 30_000);
    expect(first.destination.to).toEqual([deputy.email]);
    expect(first.body.text).toContain('registered this proposal and may not approve it');
    await decideOnce(journey, UsersClient.linkIn(first), 'APPROVE', { comment: '同意。' });

    // Level 2: finance is asked and lets it lapse twice; the escalation may not go to the deputy.
    const second = await inboxes.next('', mailAbout(purchaseId), 30_000);
    expect(second.destination.to).toEqual([approvers.FINANCE_SECTION.email]);
    app.runtime.stepFunctions.setClock(FAST_CLOCK);
    let escalated: Awaited<ReturnType<Inboxes['next']>>;
    try {
      escalated = await inboxes.next(
        '',
        (m) => mailAbout(purchaseId)(m) && !m.destination.to.includes(approvers.FINANCE_SECTION.email),
        40_000,
      );
    } finally {
      app.runtime.stepFunctions.setClock(REAL_CLOCK);
    }
    expect(escalated.destination.to).toEqual([administrator?.email]);
    expect(escalated.body.text).toContain('one person may not decide two levels');

    const view = await app.users.purchase(journey.officer, purchaseId);
    const passedOver = view.audit
      .filter((e) => e.action === 'approval.requested' && e.detail.passedOver)
      .map((e) => `${e.detail.level}: ${JSON.stringify(e.detail.passedOver)}`);
    expect(passedOver).toHaveLength(2);

    recordCase(context, {
      case: '12-M4 Duties: own proposal, and one deputy for two levels',
      attempts: 2,
      expected:
        'the chief never asked to approve their own proposal; the deputy never asked for a second level',
      observed: `level 1 asked of ${first.destination.to[0]}; level 2 escalated to ${escalated.destination.to[0]}; passed over on the audit trail: ${passedOver.join(' | ')}`,
    });
  }, 180_000);
});

describe('12 Medium 6: who acted', () => {
  it('a scanner posting the approval form approves nothing; the shared finance mailbox records who acted', async (context) => {
    const officer = await app.users.devToken(
      'officer-who-acted',
      ['officer'],
      'who.acted@civil-affairs.example.gov.cn',
    );
    const submitted = await app.users.submit(officer, largeElderlyCareProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = submitted.body.purchaseId as string;

    // A mail scanner opens the chief's link and posts its form once, as it found it.
    const ask = await inboxes.next(chief.email, mailAbout(purchaseId), 30_000);
    const link = UsersClient.linkIn(ask);
    const page = await app.users.open(link);
    expect(page.html).toContain(`You are deciding as <strong>${chief.name}</strong>`);
    const scanned = await app.users.decide(link, { nonce: page.nonce, decision: 'APPROVE', comment: '' });
    expect(scanned.status).toBe(200);
    expect(scanned.html).toContain('Confirm your approval');
    const untouched = await app.users.purchase(officer, purchaseId);
    expect(untouched.approvals).toEqual({});

    // The chief confirms deliberately; then the finance section's shared mailbox is asked.
    const confirmed = await app.users.decide(link, {
      nonce: page.nonce,
      decision: 'APPROVE',
      comment: '',
      confirmed: true,
    });
    expect(confirmed.html).toContain('Your decision has been recorded');
    const financeAsk = await inboxes.next(approvers.FINANCE_SECTION.email, mailAbout(purchaseId), 30_000);
    const financeLink = UsersClient.linkIn(financeAsk);
    const financePage = await app.users.open(financeLink);
    expect(financePage.html).toContain('name="actingEmail"');
    const anonymous = await app.users.decide(financeLink, {
      nonce: financePage.nonce,
      decision: 'APPROVE',
      confirmed: true,
      comment: '',
    });
    expect(anonymous.status).toBe(400);
    const signed = await app.users.decide(financeLink, {
      nonce: financePage.nonce,
      decision: 'APPROVE',
      confirmed: true,
      actingEmail: ACTING_FINANCE_CLERK,
      comment: '',
    });
    expect(signed.html).toContain(`${ACTING_FINANCE_CLERK}（代表 for ${approvers.FINANCE_SECTION.name}`);
    const view = (await app.users.purchase(officer, purchaseId)) as {
      tasks?: { level?: string; decision?: { data?: unknown } }[];
    };
    const financeDecision = view.tasks?.find((t) => t.level === 'FINANCE_SECTION' && t.decision)?.decision;
    expect(financeDecision?.data).toMatchObject({ actedBy: ACTING_FINANCE_CLERK });

    recordCase(context, {
      case: '12-M6 Who acted: a scanner, and a shared mailbox',
      attempts: 4,
      expected:
        'one POST of Approve records nothing; the shared mailbox must say who acts, and the record says it',
      observed: `scanner POST HTTP ${scanned.status} (confirmation step, approvals empty); finance without an address HTTP ${anonymous.status}; recorded actedBy ${ACTING_FINANCE_CLERK}`,
    });
  }, 180_000);
});
