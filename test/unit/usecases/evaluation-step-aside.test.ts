import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { NoIndependentAgencyError } from '../../../shared/domain/evaluation.js';
import type { TaskAttempt } from '../../../shared/domain/tasks.js';
import { planEvaluation, requestEvaluation } from '../../../shared/usecases/evaluation.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

/**
 * An agency that declines the assignment or declares a conflict of interest steps aside: the next
 * ask (the execution resumed with that decision) assigns the next independent agency at once and
 * mails it; when none is left the officer and the administrator are told and the step fails.
 */

const PURCHASE_ID = 'PUR-2026-STEPASIDEAAAAAAA';
const PROPOSAL = largeElderlyCareProposal();
const ROSTER = TEST_LIFECYCLE.evaluation.agencies;
const OFFICER = 'officer@civil-affairs.example.gov.cn';

let fakes: Fakes;

function deps() {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    deliverables: fakes.deliverables,
    waits: fakes.waits,
    payments: fakes.payments,
    trackRecords: fakes.trackRecords,
    policy: TEST_POLICY,
    lifecycle: TEST_LIFECYCLE,
    now: fakes.clock.now,
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: 'https://purchases.example.gov.cn',
  };
}

const request = (attempt: TaskAttempt, taskToken = `token-${attempt}-${fakes.clock.now()}`) =>
  requestEvaluation(deps(), { purchaseId: PURCHASE_ID, attempt, taskToken });

/** The agency answers on its page: the decision (with its reason) is recorded on the task and the purchase. */
async function stepAside(taskId: string, decision: 'DECLINE' | 'CONFLICT', comment: string) {
  const result = await fakes.tasks.decide({
    taskId,
    nonce: fakes.tasks.stored(taskId).nonce,
    decision,
    comment,
    now: fakes.clock.now(),
  });
  expect(result.outcome).toBe('DECIDED');
}

const emailOf = (agencyId: string) => ROSTER.find((a) => a.id === agencyId)?.email;
const assignedDetails = async () =>
  (await fakes.purchases.listAudit(PURCHASE_ID))
    .filter((e) => e.action === 'evaluation.assigned')
    .map((e) => e.detail);

beforeEach(() => {
  fakes = createFakes('2026-12-01T00:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, PROPOSAL, { stage: 'EVALUATION', createdBy: OFFICER }));
});

describe('an agency that steps aside', () => {
  it('a decline assigns the next independent agency at the next ask, on a task of its own, and mails it at once', async () => {
    const first = await request('FIRST');
    await stepAside(first.taskId, 'DECLINE', '本季度评估任务已满，无法按期完成');

    const next = await request('FIRST');
    const retried = await request('FIRST');

    expect(next.agencyId).not.toBe(first.agencyId);
    expect(retried).toEqual(next);
    expect(fakes.tasks.stored(next.taskId)).toMatchObject({
      stepKey: 'EVALUATION:2',
      status: 'PENDING',
      context: { agencyId: next.agencyId },
      assignee: { email: emailOf(next.agencyId), role: 'EVALUATOR' },
    });
    expect(fakes.tasks.stored(first.taskId).decision).toMatchObject({
      decision: 'DECLINE',
      comment: '本季度评估任务已满，无法按期完成',
    });
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.evaluation).toEqual({
      agencyId: next.agencyId,
      excludedAgencies: [first.agencyId],
      assignedIn: { round: 2, attempt: 'FIRST' },
    });
    expect(await assignedDetails()).toEqual([
      { agencyId: first.agencyId, replaces: null, because: null, round: 1 },
      { agencyId: next.agencyId, replaces: first.agencyId, because: 'DECLINE', round: 2 },
    ]);
    // Each agency got one invitation; the new one's link is to its own task.
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([emailOf(first.agencyId), emailOf(next.agencyId)]);
    expect(fakes.mailer.sent[1]?.text).toContain(`/tasks/${next.taskId}?sig=`);
  });

  it('the declaration of a conflict is on the purchase’s decisions and audit trail with what the conflict is', async () => {
    const first = await request('FIRST');
    await stepAside(first.taskId, 'CONFLICT', '评估组长为承接机构理事');
    await request('FIRST');

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.decisions.EVALUATION).toMatchObject({
      decision: 'CONFLICT',
      comment: '评估组长为承接机构理事',
    });
    const decided = (await fakes.purchases.listAudit(PURCHASE_ID)).find((e) => e.action === 'task.decided');
    expect(decided?.detail).toMatchObject({
      purpose: 'EVALUATION',
      decision: 'CONFLICT',
      comment: '评估组长为承接机构理事',
    });
    expect((await assignedDetails()).at(-1)).toMatchObject({ because: 'CONFLICT', replaces: first.agencyId });
  });

  it('the next round’s reminder goes to its own agency, and its escalation replaces that agency once', async () => {
    const first = await request('FIRST');
    await stepAside(first.taskId, 'DECLINE', '人手不足');
    const second = await request('FIRST');

    const reminded = await request('REMINDER');
    expect(reminded).toEqual(second);
    expect(fakes.mailer.sent.at(-1)?.to).toBe(emailOf(second.agencyId));

    // Two independent agencies for this NGO, both tried: the escalation finds nobody left.
    await expect(request('ESCALATION')).rejects.toBeInstanceOf(NoIndependentAgencyError);
  });

  it('when no independent agency is left, mails the officer and the administrator who was passed over and why, then fails the step', async () => {
    const first = await request('FIRST');
    await stepAside(first.taskId, 'DECLINE', '人手不足');
    const second = await request('FIRST');
    await stepAside(second.taskId, 'CONFLICT', '与采购单位有顾问合同');
    const mailsBefore = fakes.mailer.sent.length;

    const failed = request('FIRST');

    await expect(failed).rejects.toThrow(NoIndependentAgencyError);
    await expect(failed).rejects.toThrow(/excluded \(declined or declared a conflict\)/);
    const notice = fakes.mailer.sent.slice(mailsBefore);
    expect(notice).toHaveLength(1);
    expect(notice[0]?.to).toEqual([OFFICER, TEST_POLICY.approval.administrator?.email]);
    expect(notice[0]?.subject).toContain('No evaluation agency left');
    for (const agency of ROSTER) expect(notice[0]?.text).toContain(agency.id);
    expect(notice[0]?.text).toContain('tied to the NGO');
    expect(notice[0]?.text).toContain('npm run ops -- resume');
    // Nothing was assigned: the purchase still names the agency that stepped aside last.
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.evaluation?.agencyId).toBe(second.agencyId);
  });

  it('the scores of a later round’s agency end the evaluation', async () => {
    const first = await request('FIRST');
    await stepAside(first.taskId, 'DECLINE', '人手不足');
    const second = await request('FIRST');
    await fakes.tasks.decide({
      taskId: second.taskId,
      nonce: fakes.tasks.stored(second.taskId).nonce,
      decision: 'SUBMIT',
      comment: '',
      data: { grade: 'GOOD', totalTenths: 845 },
      now: fakes.clock.now(),
    });

    expect(await planEvaluation(deps(), PURCHASE_ID)).toEqual({
      next: 'DONE',
      grade: 'GOOD',
      totalTenths: 845,
    });
  });
});
