import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeElderlyCareProposalToday } from '../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../infra/local/users.js';
import { decideOnce, Inboxes, type JourneyContext } from '../support/journey.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
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

let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;

beforeAll(async () => {
  app = await startLocalApp();
  // The section chief, signed in with the officer's role, registers a proposal of their own.
  const chiefAsOfficer = await app.users.devToken('chief-registering', ['officer'], chief.email);
  inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  inboxes.start();
  journey = { users: () => app.users, inboxes, officer: chiefAsOfficer, settings: TEST_SETTINGS };
}, 120_000);

afterAll(async () => {
  inboxes?.stop();
  app?.runtime.stepFunctions.setClock(REAL_CLOCK);
  await app?.stop();
});

const about = (purchaseId: string) => (m: { body: { text?: string } }) =>
  (m.body.text ?? '').includes(purchaseId);

describe('12 Medium 4: separation of duties', () => {
  it("never lets the chief approve their own proposal, nor the deputy decide two levels: the administrator's queue takes the rest", async (context) => {
    const submitted = await app.users.submit(journey.officer, largeElderlyCareProposalToday());
    expect(submitted.status).toBe(201);
    const purchaseId = submitted.body.purchaseId as string;

    // Level 1: the chief registered it, so the deputy is asked, and told why.
    const first = await inboxes.next('', about(purchaseId), 30_000);
    expect(first.destination.to).toEqual([deputy.email]);
    expect(first.body.text).toContain('registered this proposal and may not approve it');
    await decideOnce(journey, UsersClient.linkIn(first), 'APPROVE', { comment: '同意。' });

    // Level 2: finance is asked and lets it lapse twice; the escalation may not go to the deputy.
    const second = await inboxes.next('', about(purchaseId), 30_000);
    expect(second.destination.to).toEqual([approvers.FINANCE_SECTION.email]);
    app.runtime.stepFunctions.setClock(FAST_CLOCK);
    let escalated: Awaited<ReturnType<Inboxes['next']>>;
    try {
      escalated = await inboxes.next(
        '',
        (m) => about(purchaseId)(m) && !m.destination.to.includes(approvers.FINANCE_SECTION.email),
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
