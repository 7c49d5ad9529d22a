import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../infra/local/samples/proposals.js';
import type { AuditEntry } from '../../shared/domain/audit.js';
import type { Decision } from '../../shared/domain/tasks.js';
import type { UploadKind } from '../../shared/domain/uploads.js';
import { type Ask, type Cast, InProcessLifecycle } from '../support/in-process-lifecycle.js';
import { LifecyclePeople, type Scores } from '../support/lifecycle-people.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../support/settings.js';

/**
 * A purchase played on the synthesized state machine with the real handlers, everyone answering
 * their first mail, except the first evaluation agency, which declines the assignment. The
 * decision resumes the waiting execution, which asks the next independent agency at once: no
 * reminder, no escalation, none of the agency's timeout waited out.
 */

const STARTS_AT = '2026-03-02T01:00:00.000Z';
const SCORES: Scores = { PROFESSIONAL_SERVICE: '86', OUTCOMES: '82', MANAGEMENT: '90' };
const DECLINE_REASON = '本机构本季度评估任务已满，无法按期完成。';

/** Everyone answers the first ask; the first agency asked declines, the next one evaluates. */
function firstAgencyDeclines(people: LifecyclePeople, ngo: string): Cast {
  const { approvers } = TEST_POLICY.approval;
  const agencies = TEST_LIFECYCLE.evaluation.agencies.map((agency) => agency.email);
  let evaluationAsks = 0;
  const reviewerDecision: Record<string, Decision> = {
    APPROVAL: 'APPROVE',
    COUNTERSIGN: 'COUNTERSIGN',
    MIDTERM_REVIEW: 'PASS',
    LATE_REPORT: 'EXTEND',
  };
  return {
    answerTo(ask: Ask) {
      if (ask.attempt !== 'FIRST') return undefined;
      const purchaseId = String(ask.input.purchaseId);
      switch (ask.step) {
        case 'RequestDecision': {
          const purpose = String(ask.input.purpose ?? 'APPROVAL');
          const level = String(ask.input.level) as keyof typeof approvers;
          const decision = reviewerDecision[purpose] as Decision;
          return () => people.decide(approvers[level].email, purchaseId, decision, '同意。');
        }
        case 'AwaitUpload':
          return () => people.upload(ngo, purchaseId, ask.input.kind as UploadKind);
        case 'RequestEvaluation':
          evaluationAsks += 1;
          return evaluationAsks === 1
            ? () => people.stepAside(agencies, purchaseId, 'DECLINE', DECLINE_REASON)
            : () => people.evaluate(agencies, purchaseId, SCORES);
      }
    },
    onPaymentNotice(notice) {
      return () => people.confirmPayment(notice, `BOC-2026-${notice.attributes.tranche}-0077`);
    },
  };
}

let lifecycle: InProcessLifecycle | undefined;
let purchaseId: string;
let audit: AuditEntry[];

beforeAll(async () => {
  const proposal = sampleProposal();
  lifecycle = await InProcessLifecycle.start({ startsAt: STARTS_AT, msPerSecond: 0.0001 });
  lifecycle.castAs(firstAgencyDeclines(new LifecyclePeople(lifecycle.people), proposal.ngo.contactEmail));
  purchaseId = await lifecycle.submit(proposal);
  await lifecycle.playUntilEnd(45_000);
  audit = await lifecycle.fakes.purchases.listAudit(purchaseId);
}, 60_000);

afterAll(async () => {
  await lifecycle?.close();
});

describe('an evaluation agency that declines', () => {
  it('is followed at once by the next independent agency: two first asks, no reminder or escalation', () => {
    const evaluationAsks = lifecycle?.asks.filter((a) => a.step === 'RequestEvaluation') ?? [];
    expect(evaluationAsks.map((a) => a.attempt)).toEqual(['FIRST', 'FIRST']);
  });

  it('has its decline and reason on the audit trail, and the next agency assigned well inside the agency timeout', () => {
    const declined = audit.find((e) => e.action === 'task.decided' && e.detail.decision === 'DECLINE');
    const assigned = audit.filter((e) => e.action === 'evaluation.assigned');
    expect(declined?.detail).toMatchObject({
      purpose: 'EVALUATION',
      stepKey: 'EVALUATION',
      comment: DECLINE_REASON,
    });
    expect(assigned.map((e) => e.detail.because)).toEqual([null, 'DECLINE']);
    expect(assigned[1]?.detail.replaces).toBe(assigned[0]?.detail.agencyId);
    const waitedMs = Date.parse(assigned[1]?.at ?? '') - Date.parse(declined?.at ?? '');
    expect(waitedMs).toBeGreaterThanOrEqual(0);
    // The engine runs fast between steps, so a few real milliseconds are engine minutes: still
    // far from the day-long timeout a silent agency waits out before its reminder.
    expect(waitedMs).toBeLessThan((TEST_LIFECYCLE.evaluation.timeoutSeconds * 1000) / 10);
  });

  it('ends CLOSED with the scores of the agency that took over', async () => {
    const purchase = await lifecycle?.fakes.purchases.getPurchase(purchaseId);
    expect(purchase?.stage).toBe('CLOSED');
    const assigned = audit.filter((e) => e.action === 'evaluation.assigned');
    const declared = audit.filter((e) => e.action === 'evaluation.independence-declared');
    const secondAgency = TEST_LIFECYCLE.evaluation.agencies.find(
      (a) => a.id === assigned[1]?.detail.agencyId,
    );
    expect(declared.map((e) => e.actor)).toEqual([secondAgency?.email]);
    expect(purchase?.decisions['EVALUATION:2']).toMatchObject({
      decision: 'SUBMIT',
      by: secondAgency?.email,
    });
    expect(purchase?.evaluation).toMatchObject({
      grade: 'GOOD',
      excludedAgencies: [assigned[0]?.detail.agencyId],
    });
  });
});
