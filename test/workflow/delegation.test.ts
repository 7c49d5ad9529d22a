import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../infra/local/samples/proposals.js';
import { chinaCalendarDate } from '../../shared/domain/china-time.js';
import type { PurchaseRecord } from '../../shared/domain/purchase.js';
import type { Decision, PublicHumanTask } from '../../shared/domain/tasks.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import { type Cast, InProcessLifecycle } from '../support/in-process-lifecycle.js';
import { LifecyclePeople } from '../support/lifecycle-people.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../support/settings.js';

/**
 * A purchase played on the synthesized state machine with the real handlers while the section
 * chief is away: they named a delegate for the first days, so the chief's approval goes to the
 * delegate, who decides it from their own link, and the decision records for whom.
 */

const STARTS_AT = '2026-03-02T01:00:00.000Z';
const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF;
const delegate = { name: '王五', email: 'wang.wu@civil-affairs.example.gov.cn' };
const reviewerDecision: Record<string, Decision> = {
  APPROVAL: 'APPROVE',
  COUNTERSIGN: 'COUNTERSIGN',
  MIDTERM_REVIEW: 'PASS',
  LATE_REPORT: 'EXTEND',
};

/** Whoever holds the newest pending task of the purchase answers it, on the first ask. */
function whoeverIsAsked(lifecycle: InProcessLifecycle, people: LifecyclePeople, ngo: string): Cast {
  const agencies = TEST_LIFECYCLE.evaluation.agencies.map((agency) => agency.email);
  const pendingAssignee = async (purchaseId: string) => {
    const pending = (await lifecycle.fakes.tasks.listTasks(purchaseId)).filter(
      (t: PublicHumanTask) => t.status === 'PENDING',
    );
    const newest = pending.at(-1);
    if (!newest) throw new Error(`no pending task for ${purchaseId}`);
    return newest.assignee.email;
  };
  return {
    answerTo(ask) {
      if (ask.attempt !== 'FIRST') return undefined;
      const purchaseId = String(ask.input.purchaseId);
      switch (ask.step) {
        case 'RequestDecision': {
          const decision = reviewerDecision[String(ask.input.purpose ?? 'APPROVAL')] as Decision;
          return async () => people.decide(await pendingAssignee(purchaseId), purchaseId, decision, '同意。');
        }
        case 'AwaitUpload':
          return () => people.upload(ngo, purchaseId, ask.input.kind as UploadKind);
        case 'RequestEvaluation':
          return () =>
            people.evaluate(agencies, purchaseId, {
              PROFESSIONAL_SERVICE: '86',
              OUTCOMES: '82',
              MANAGEMENT: '90',
            });
      }
    },
    onPaymentNotice(notice) {
      return () => people.confirmPayment(notice, `BOC-2026-${notice.attributes.tranche}-0078`);
    },
  };
}

let lifecycle: InProcessLifecycle | undefined;
let purchase: PurchaseRecord | undefined;

beforeAll(async () => {
  const proposal = sampleProposal();
  lifecycle = await InProcessLifecycle.start({ startsAt: STARTS_AT, msPerSecond: 0.0001 });
  const today = chinaCalendarDate(STARTS_AT);
  await lifecycle.fakes.delegations.add({
    delegation: {
      id: 'DEL-WORKFLOW',
      approverEmail: chief.email,
      approverName: chief.name,
      delegate,
      from: today,
      until: today,
      reason: '出差',
      createdBy: chief.email,
      createdAt: STARTS_AT,
    },
    expectedVersion: 0,
    now: STARTS_AT,
  });
  lifecycle.castAs(
    whoeverIsAsked(lifecycle, new LifecyclePeople(lifecycle.people), proposal.ngo.contactEmail),
  );
  const purchaseId = await lifecycle.submit(proposal);
  await lifecycle.playUntilEnd(45_000);
  purchase = await lifecycle.fakes.purchases.getPurchase(purchaseId);
}, 60_000);

afterAll(async () => {
  await lifecycle?.close();
});

describe('an approver away with a delegate', () => {
  it("sends the section chief's approval to the delegate, who decides it for the chief", () => {
    expect(purchase?.approvals.SECTION_CHIEF).toMatchObject({
      decision: 'APPROVE',
      by: delegate.email,
      byName: delegate.name,
      onBehalfOf: { name: chief.name, email: chief.email, role: 'SECTION_CHIEF' },
    });
  });

  it('asks the chief again once the period is over (the mid-term review, months later)', () => {
    const midterm = Object.entries(purchase?.decisions ?? {}).find(([step]) =>
      step.startsWith('MIDTERM_REVIEW'),
    );
    expect(midterm?.[1]).toMatchObject({ by: chief.email });
    expect(midterm?.[1].onBehalfOf).toBeUndefined();
  });

  it('ends the purchase as usual', () => {
    expect(purchase?.stage).toBe('CLOSED');
  });
});
