import { beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../../infra/local/users.js';
import { decideOnce, type Inboxes, type JourneyContext, mailAbout, waitFor } from '../../support/journey.js';
import { useJourneyApp } from '../../support/journey-app.js';
import type { LocalAppUnderTest } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * Return for revision over HTTP, as the people do it: the section chief returns the proposal from
 * the mailed link, the officer is mailed (no link) and resubmits it corrected with PUT
 * /purchases/{id}/proposal, and the chief gets a new mail for the same level and approves.
 */

const OFFICER = { sub: 'officer-revises', email: 'revising.officer@civil-affairs.example.gov.cn' };
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;
const journeyApp = useJourneyApp(OFFICER, {}, 360_000);
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

describe('return for revision', () => {
  it('the chief returns it from the link, the officer resubmits it corrected, the chief is asked again and approves', async () => {
    const proposal = smallMinorProtectionProposalToday();
    const submitted = await app.users.submit(journey.officer, proposal);
    expect(submitted.status).toBe(201);
    const purchaseId = String(submitted.body.purchaseId);

    const ask = await inboxes.next(chief.email, mailAbout(purchaseId), 60_000);
    const firstLink = UsersClient.linkIn(ask);
    const returnedPage = await decideOnce(journey, firstLink, 'RETURN', {
      comment: '请补充驻村社工的资质说明 · add the social worker’s qualifications',
    });
    expect(returnedPage).toContain('退回修改');

    // The officer is told what to correct, by whom, and where: no link, no secret.
    const toOfficer = await inboxes.next(OFFICER.email, mailAbout(purchaseId), 60_000);
    expect(toOfficer.subject).toContain('退回修改');
    expect(toOfficer.body.text).toContain('请补充驻村社工的资质说明');
    expect(toOfficer.body.text).toContain(chief.email);
    expect(toOfficer.body.text).not.toMatch(/https?:\/\//);

    const returned = await waitFor(journey, purchaseId, (v) =>
      v.pendingTasks.some((t) => t.purpose === 'REVISION'),
    );
    expect(returned.stage).toBe('APPROVAL');
    expect(returned.approvals.SECTION_CHIEF?.decision).toBe('RETURN');

    // Another budget line is refused, naming the field; nothing changes.
    const otherLine = await app.users.reviseProposal(journey.officer, purchaseId, {
      ...proposal,
      budgetLineRef: '2026-MZ-ELDER-01',
    });
    expect(otherLine.status).toBe(400);
    expect(JSON.stringify(otherLine.body)).toContain('revision-budget-line-fixed');

    const corrected = {
      ...proposal,
      title: `${proposal.title}（修订）`,
      note: '已补充资质说明 · qualifications added',
    };
    const revised = await app.users.reviseProposal(journey.officer, purchaseId, corrected);
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({
      outcome: 'REVISED',
      revision: { round: 1, level: 'SECTION_CHIEF' },
    });
    // A second resubmission finds nothing waiting for a revision.
    expect((await app.users.reviseProposal(journey.officer, purchaseId, corrected)).status).toBe(409);

    // The same level is asked again, by a new link showing the corrected proposal and the note.
    const askedAgain = await inboxes.next(chief.email, mailAbout(purchaseId), 60_000);
    const secondLink = UsersClient.linkIn(askedAgain);
    expect(secondLink).not.toBe(firstLink);
    const page = await app.users.open(secondLink);
    expect(page.html).toContain('已补充资质说明 · qualifications added');
    expect(page.html).toContain('（修订）');
    await decideOnce(journey, secondLink, 'APPROVE', { comment: '同意。' });

    const approved = await waitFor(journey, purchaseId, (v) => v.stage !== 'APPROVAL', { awaitMail: true });
    expect(approved.stage).toBe('CONTRACTING');
    expect(approved.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
    expect(approved.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['revision.requested', 'proposal.revised']),
    );
  });
});
