import { beforeAll, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposalToday } from '../../../infra/local/samples/live-proposals.js';
import { UsersClient } from '../../../infra/local/users.js';
import {
  decideOnce,
  type Inboxes,
  type JourneyContext,
  mailAbout,
  uploadFromMail,
  waitFor,
} from '../../support/journey.js';
import { useJourneyApp } from '../../support/journey-app.js';
import type { LocalAppUnderTest } from '../../support/local-app.js';
import { TEST_SETTINGS } from '../../support/settings.js';

/**
 * An amendment of a signed contract over HTTP, as the people do it: the purchase is approved and
 * its contract signed and countersigned from the mailed links, the officer asks for a higher value
 * and an earlier end with POST /purchases/{id}/amendments, the section chief approves it from the
 * mailed link, and the purchase shows the new values, the amendment and its reservation moved.
 */

const OFFICER = { sub: 'officer-amends', email: 'amending.officer@civil-affairs.example.gov.cn' };
const chief = TEST_SETTINGS.policy.approval.approvers.SECTION_CHIEF;
const journeyApp = useJourneyApp(OFFICER, {}, 360_000);
let app: LocalAppUnderTest;
let inboxes: Inboxes;
let journey: JourneyContext;
beforeAll(() => {
  ({ app, journey } = journeyApp());
  inboxes = journey.inboxes;
});

interface AmendmentView {
  id: string;
  status: string;
  changes: { field: string; former: unknown; value: unknown }[];
}
type Viewed = Record<string, unknown> & {
  totalFen: number;
  term: { start: string; end: string };
  budget: { lineId: string; amountFen: number };
  amendments: AmendmentView[];
};

describe('an amendment after signature', () => {
  it('the officer asks for a higher value and an earlier end, the chief approves it from the link, the contract and its reservation follow', async () => {
    const proposal = smallMinorProtectionProposalToday();
    const submitted = await app.users.submit(journey.officer, proposal);
    expect(submitted.status).toBe(201);
    const purchaseId = String(submitted.body.purchaseId);
    await decideOnce(
      journey,
      UsersClient.linkIn(await inboxes.next(chief.email, mailAbout(purchaseId), 60_000)),
      'APPROVE',
      {
        comment: '同意。',
      },
    );
    await uploadFromMail(journey, purchaseId, proposal.ngo.contactEmail, 'SIGNED_CONTRACT', 'signed.pdf');
    await decideOnce(
      journey,
      UsersClient.linkIn(await inboxes.next(chief.email, mailAbout(purchaseId), 60_000)),
      'COUNTERSIGN',
      {
        comment: '已会签。',
      },
    );
    // Signed, countersigned, and finance told to pay the first tranche.
    const signed = (await waitFor(
      journey,
      purchaseId,
      (v) =>
        Boolean((v as unknown as { contract?: { signedAt?: string } }).contract?.signedAt) &&
        (v.payments ?? []).some((p) => p.tranche === 1),
    )) as unknown as Viewed;
    expect(signed.budget.amountFen).toBe(12_000_000);

    const endDate = new Date(Date.parse(`${proposal.term.end}T00:00:00Z`) - 5 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const body = {
      rationale: '服务对象增加，追加课业辅导经费，并提前结束服务期。',
      totalFen: 15_000_000,
      budgetLines: [
        ...proposal.budgetLines.slice(0, 1),
        { item: '课业辅导与亲情陪伴活动', amountFen: 5_840_000 },
        ...proposal.budgetLines.slice(2),
      ],
      endDate,
    };
    // Before the tranche plan is given in amounts, the notified first tranche would move: refused.
    const refused = await app.users.requestAmendment(journey.officer, purchaseId, body);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('amendment-settled-tranche');

    const firstTranche = Math.floor((12_000_000 * (proposal.trancheSchedule[0]?.percent ?? 0)) / 100);
    const milestones = proposal.trancheSchedule.map((t) => t.milestone);
    const rest = 15_000_000 - firstTranche;
    const tranches = milestones.map((milestone, i) => ({
      milestone,
      amountFen:
        i === 0
          ? firstTranche
          : i === milestones.length - 1
            ? rest - Math.floor(rest / (milestones.length - 1)) * (milestones.length - 2)
            : Math.floor(rest / (milestones.length - 1)),
    }));
    const requested = await app.users.requestAmendment(journey.officer, purchaseId, { ...body, tranches });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({
      outcome: 'REQUESTED',
      amendment: { id: 'A1', status: 'PROPOSED', levels: ['SECTION_CHIEF'] },
    });
    // A second one while the first waits: 409.
    expect(
      (await app.users.requestAmendment(journey.officer, purchaseId, { ...body, tranches })).status,
    ).toBe(409);

    const ask = await inboxes.next(
      chief.email,
      (m) => mailAbout(purchaseId)(m) && m.subject.includes('合同变更'),
      60_000,
    );
    const link = UsersClient.linkIn(ask);
    const page = await app.users.open(link);
    expect(page.html).toContain('¥120,000.00');
    expect(page.html).toContain('¥150,000.00');
    expect(page.html).toContain('服务对象增加');
    await decideOnce(journey, link, 'APPROVE', { comment: '同意变更。' });

    const amended = (await waitFor(journey, purchaseId, (v) =>
      ((v as unknown as Viewed).amendments ?? []).some((a) => a.status !== 'PROPOSED'),
    )) as unknown as Viewed;
    expect(amended.amendments).toEqual([expect.objectContaining({ id: 'A1', status: 'APPROVED' })]);
    expect(amended.totalFen).toBe(15_000_000);
    expect(amended.term.end).toBe(endDate);
    expect(amended.budget.amountFen).toBe(15_000_000);
    const actions = ((amended.audit ?? []) as { action: string }[]).map((e) => e.action);
    expect(actions).toContain('amendment.applied');
    // The officer hears that it is in force.
    const told = await inboxes.next(
      OFFICER.email,
      (m) => mailAbout(purchaseId)(m) && m.subject.includes('合同变更已生效'),
      60_000,
    );
    expect(told.body.text).toContain('¥150,000.00');
  });
});
