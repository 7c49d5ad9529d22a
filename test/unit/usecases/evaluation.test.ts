import { beforeEach, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { assignAgency } from '../../../shared/domain/evaluation.js';
import type { TaskAttempt } from '../../../shared/domain/tasks.js';
import { isBarred } from '../../../shared/domain/track-record.js';
import {
  closePurchase,
  concludeEvaluation,
  type EvaluationDeps,
  planEvaluation,
  recordMissingFinalReport,
  requestEvaluation,
} from '../../../shared/usecases/evaluation.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-EVALUATIONAAAAAA';
const SIGNED_AT = '2026-02-01T02:00:00.000Z';
const PASSED_AT = '2026-07-10T02:00:00.000Z';
const PROPOSAL = largeElderlyCareProposal();
const FINAL_DUE = PROPOSAL.deliverables.find((d) => d.kind === 'FINAL_REPORT')?.dueDate as string;
const ROSTER = TEST_LIFECYCLE.evaluation.agencies;
const BASE_URL = 'https://purchases.example.gov.cn';
const LINE_ID = PROPOSAL.budgetLineRef;
const DAY = 86_400_000;
const OTHER_NGO = smallMinorProtectionProposal().ngo.creditCode;

let fakes: Fakes;

function deps() {
  const base: EvaluationDeps = {
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
  };
  return {
    ...base,
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: BASE_URL,
  };
}

function seed(purchaseId = PURCHASE_ID) {
  fakes.purchases.seed(
    purchaseRecord(purchaseId, PROPOSAL, {
      stage: 'EVALUATION',
      contract: { key: 'contracts/x', sha256: 'c'.repeat(64), issuedAt: SIGNED_AT, signedAt: SIGNED_AT },
      midterm: { round: 1, dueDate: '2026-06-30', passedAt: PASSED_AT },
      budget: { lineId: LINE_ID, amountFen: PROPOSAL.totalFen, status: 'RESERVED', at: SIGNED_AT },
    }),
  );
}

async function finalReport(uploadId: string, uploadedAt: string, status: 'ACCEPTED' | 'REJECTED') {
  await fakes.deliverables.recordDeliverable(
    {
      purchaseId: PURCHASE_ID,
      uploadId,
      kind: 'FINAL_REPORT',
      key: `uploads/${PURCHASE_ID}/FINAL_REPORT/${uploadId}/final.pdf`,
      fileName: 'final.pdf',
      size: 4096,
      sha256: 'f'.repeat(64),
      detectedType: 'PDF',
      uploadedBy: `ngo:${PROPOSAL.ngo.creditCode}`,
      uploadedAt,
      eTag: `etag-${uploadId}`,
      status,
      reasons: [],
    },
    uploadedAt,
  );
}

const request = (attempt: TaskAttempt, taskToken = `token-${attempt}`) =>
  requestEvaluation(deps(), { purchaseId: PURCHASE_ID, attempt, taskToken });

/** The agency submits its scores through the link, as the task page records them. */
async function submitScores(taskId: string, grade: string, totalTenths: number, at: string) {
  const result = await fakes.tasks.decide({
    taskId,
    nonce: fakes.tasks.stored(taskId).nonce,
    decision: 'SUBMIT',
    comment: '',
    data: { grade, totalTenths },
    now: at,
  });
  expect(result.outcome).toBe('DECIDED');
}

const links = (text: string) => text.match(/https?:\/\/\S+/g) ?? [];

beforeEach(() => {
  fakes = createFakes('2026-12-01T00:00:00.000Z');
  seed();
});

describe('planEvaluation', () => {
  it('counts the final report’s grace, and its reminder’s and escalation’s, in working days when the settings do', async () => {
    const lifecycle = { ...TEST_LIFECYCLE, midterm: { ...TEST_LIFECYCLE.midterm, graceWorkingDays: 4 } };
    const step = await planEvaluation({ ...deps(), lifecycle }, PURCHASE_ID);
    expect(FINAL_DUE).toBe('2026-12-15');
    // Due Tuesday 15 December: 16, 17, 18, 21 December; then to 25 December; then to 31 December.
    const deadline = Date.parse('2026-12-21T23:59:59.999+08:00');
    expect(step).toEqual({
      next: 'AWAIT_FINAL_REPORT',
      since: PASSED_AT,
      deadline: new Date(deadline).toISOString(),
      waitSeconds: Math.ceil((deadline - Date.parse('2026-12-01T00:00:00.000Z')) / 1000),
      graceSeconds: 4 * 86_400,
      escalationSeconds: 6 * 86_400,
    });
  });

  it('waits for the final report until the end of its China due day plus the grace days', async () => {
    const step = await planEvaluation(deps(), PURCHASE_ID);
    const deadline = Date.parse(`${FINAL_DUE}T23:59:59.999+08:00`) + TEST_LIFECYCLE.midterm.graceDays * DAY;
    expect(step).toEqual({
      next: 'AWAIT_FINAL_REPORT',
      since: PASSED_AT,
      deadline: new Date(deadline).toISOString(),
      waitSeconds: Math.ceil((deadline - Date.parse('2026-12-01T00:00:00.000Z')) / 1000),
      graceSeconds: TEST_LIFECYCLE.midterm.graceDays * 86_400,
      escalationSeconds: TEST_LIFECYCLE.midterm.graceDays * 86_400,
    });
  });

  it('hands over at once when the wait for the final report could outlast its execution', async () => {
    // An execution 300 days old may go on 35 more days, not to the report's deadline and its grace periods.
    const startedAt = new Date(Date.parse('2026-12-01T00:00:00.000Z') - 300 * DAY).toISOString();
    const step = await planEvaluation(deps(), PURCHASE_ID, { startedAt });
    expect(step).toEqual({ next: 'HAND_OVER', handOverAt: '2026-12-01T00:00:00.000Z' });
    // A fresh one can hold it all (the deadline is months away, not a year).
    expect(
      await planEvaluation(deps(), PURCHASE_ID, { startedAt: '2026-12-01T00:00:00.000Z' }),
    ).toMatchObject({
      next: 'AWAIT_FINAL_REPORT',
    });
  });

  it('never waits less than a minute once the deadline has passed', async () => {
    fakes.clock.set('2027-06-01T00:00:00.000Z');
    expect(await planEvaluation(deps(), PURCHASE_ID)).toMatchObject({
      next: 'AWAIT_FINAL_REPORT',
      waitSeconds: 60,
    });
  });

  it('evaluates once an accepted final report after the mid-term pass is in; an older or refused one does not count', async () => {
    await finalReport('before-pass', '2026-07-01T00:00:00.000Z', 'ACCEPTED');
    await finalReport('refused', '2026-11-01T00:00:00.000Z', 'REJECTED');
    expect((await planEvaluation(deps(), PURCHASE_ID)).next).toBe('AWAIT_FINAL_REPORT');

    await finalReport('final', '2026-11-20T00:00:00.000Z', 'ACCEPTED');
    expect(await planEvaluation(deps(), PURCHASE_ID)).toMatchObject({ next: 'EVALUATE' });
  });

  it('evaluates anyway once the missing final report is recorded, and records it once', async () => {
    await recordMissingFinalReport(deps(), PURCHASE_ID);
    await recordMissingFinalReport(deps(), PURCHASE_ID);

    expect(await planEvaluation(deps(), PURCHASE_ID)).toMatchObject({ next: 'EVALUATE' });
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'final-report.missing')).toHaveLength(1);
  });

  it('is DONE with the grade and total once the agency submitted', async () => {
    await finalReport('final', '2026-11-20T00:00:00.000Z', 'ACCEPTED');
    const { taskId } = await request('FIRST');
    await submitScores(taskId, 'GOOD', 853, '2026-12-10T02:00:00.000Z');

    expect(await planEvaluation(deps(), PURCHASE_ID)).toEqual({
      next: 'DONE',
      grade: 'GOOD',
      totalTenths: 853,
    });
  });

  it('is DONE with the grade the reassigned agency submitted after an escalation', async () => {
    await request('FIRST');
    const { taskId } = await request('ESCALATION');
    await submitScores(taskId, 'FAIL', 512, '2026-12-05T02:00:00.000Z');

    expect(await planEvaluation(deps(), PURCHASE_ID)).toEqual({
      next: 'DONE',
      grade: 'FAIL',
      totalTenths: 512,
    });
  });
});

describe('requestEvaluation', () => {
  it('never assigns the agency linked to the NGO, even for purchases whose turn would fall to it', async () => {
    const linked = ROSTER.filter((a) => a.linkedNgoCreditCodes.includes(PROPOSAL.ngo.creditCode));
    expect(linked.map((a) => a.id)).toEqual(['ludao-eval']);
    for (const suffix of ['EVAL000000000003', 'EVAL000000000005', 'EVAL000000000006']) {
      const purchaseId = `PUR-2026-${suffix}`;
      // For an NGO it has no tie to, the roster's rotation gives this purchase to ludao-eval.
      expect(assignAgency(ROSTER, { ngoCreditCode: OTHER_NGO, purchaseId }).id).toBe('ludao-eval');
      seed(purchaseId);
      const { agencyId } = await requestEvaluation(deps(), {
        purchaseId,
        attempt: 'FIRST',
        taskToken: `token-${suffix}`,
      });
      expect(agencyId).not.toBe('ludao-eval');
      expect(ROSTER.map((a) => a.id)).toContain(agencyId);
    }
  });

  it('assigns an agency with an audit entry and opens an EVALUATION task for it as EVALUATOR', async () => {
    const { taskId, agencyId } = await request('FIRST');

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.evaluation).toEqual({
      agencyId,
      excludedAgencies: [],
      assignedIn: { round: 1, attempt: 'FIRST' },
    });
    const assigned = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'evaluation.assigned',
    );
    expect(assigned).toHaveLength(1);
    expect(assigned[0]?.detail).toEqual({ agencyId, replaces: null, because: null, round: 1 });

    const agency = ROSTER.find((a) => a.id === agencyId);
    const task = fakes.tasks.stored(taskId);
    expect(task).toMatchObject({
      purpose: 'EVALUATION',
      stepKey: 'EVALUATION',
      status: 'PENDING',
      taskToken: 'token-FIRST',
      context: { agencyId },
      assignee: { name: agency?.name, email: agency?.email, role: 'EVALUATOR' },
    });
    expect(task.level).toBeUndefined();
    expect(Date.parse(task.expiresAt) - Date.parse('2026-12-01T00:00:00.000Z')).toBe(
      TEST_LIFECYCLE.evaluation.timeoutSeconds * 1000,
    );
  });

  it('mails the agency once per attempt, one signed link and never the task token', async () => {
    const { taskId, agencyId } = await request('FIRST');
    await request('FIRST');
    expect(fakes.mailer.sent).toHaveLength(1);
    await request('REMINDER', 'token-REMINDER');
    await request('REMINDER', 'token-REMINDER');
    expect(fakes.mailer.sent).toHaveLength(2);

    const email = ROSTER.find((a) => a.id === agencyId)?.email;
    for (const mail of fakes.mailer.sent) {
      expect(mail.to).toBe(email);
      expect(new Set(links(mail.text))).toEqual(
        new Set([expect.stringContaining(`${BASE_URL}/tasks/${taskId}?sig=`)]),
      );
      expect(JSON.stringify(mail)).not.toContain('token-');
    }
    // The retry re-armed the one task with the newest token rather than opening another.
    expect(fakes.tasks.stored(taskId).taskToken).toBe('token-REMINDER');
    expect(await fakes.tasks.listTasks(PURCHASE_ID)).toHaveLength(1);
  });

  it('an escalation reassigns to another independent agency once, supersedes the first task and mails the new agency', async () => {
    const first = await request('FIRST');
    const escalated = await request('ESCALATION');
    const retry = await request('ESCALATION', 'token-ESCALATION-retry');

    expect(escalated.agencyId).not.toBe(first.agencyId);
    expect(escalated.agencyId).not.toBe('ludao-eval');
    expect(retry).toEqual(escalated);
    expect(fakes.tasks.stored(first.taskId).status).toBe('SUPERSEDED');
    expect(fakes.tasks.stored(escalated.taskId)).toMatchObject({
      stepKey: 'EVALUATION:ESCALATED',
      status: 'PENDING',
      context: { agencyId: escalated.agencyId },
      taskToken: 'token-ESCALATION-retry',
    });
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.evaluation).toEqual({
      agencyId: escalated.agencyId,
      excludedAgencies: [first.agencyId],
      assignedIn: { round: 1, attempt: 'ESCALATION' },
    });
    const assigned = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'evaluation.assigned',
    );
    expect(assigned.map((e) => e.detail)).toEqual([
      { agencyId: first.agencyId, replaces: null, because: null, round: 1 },
      { agencyId: escalated.agencyId, replaces: first.agencyId, because: 'NO_ANSWER', round: 1 },
    ]);
    const newEmail = ROSTER.find((a) => a.id === escalated.agencyId)?.email;
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([
      ROSTER.find((a) => a.id === first.agencyId)?.email,
      newEmail,
    ]);
    expect(links(fakes.mailer.sent[1]?.text ?? '')[0]).toContain(`/tasks/${escalated.taskId}?sig=`);
  });

  it('a task already decided is handed back to the new token and marked delivered, without another mail', async () => {
    const { taskId } = await request('FIRST');
    await submitScores(taskId, 'EXCELLENT', 921, '2026-12-05T02:00:00.000Z');

    const again = await request('REMINDER', 'token-resumed');

    expect(again.taskId).toBe(taskId);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-resumed',
        output: expect.objectContaining({ decision: 'SUBMIT', taskId }),
      },
    ]);
    expect(fakes.tasks.stored(taskId).deliveredAt).toBe('2026-12-01T00:00:00.000Z');
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('a second delivery of the request after the scores went through finds the token closed: no error, no mail', async () => {
    const { taskId } = await request('FIRST', 'token-first');
    await submitScores(taskId, 'EXCELLENT', 921, '2026-12-05T02:00:00.000Z');
    fakes.callbacks.closed.add('token-first');
    const deliveredBefore = fakes.tasks.stored(taskId).deliveredAt;

    const again = await request('FIRST', 'token-first');

    expect(again.taskId).toBe(taskId);
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(fakes.tasks.stored(taskId).deliveredAt).toBe(deliveredBefore);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('a mail that fails is sent again by the retry', async () => {
    fakes.mailer.failNext();
    await expect(request('FIRST')).rejects.toThrow(/rate exceeded/);
    await request('FIRST');
    expect(fakes.mailer.sent).toHaveLength(1);
  });
});

describe('concludeEvaluation', () => {
  async function graded(grade: string, totalTenths: number, at: string) {
    // The agency is asked a day before it submits, well within its time.
    fakes.clock.set(new Date(Date.parse(at) - DAY).toISOString());
    const { taskId } = await request('FIRST');
    await submitScores(taskId, grade, totalTenths, at);
  }

  it('GOOD pays the final tranche in full, records the grade and adds one track-record entry', async () => {
    await graded('GOOD', 853, '2026-12-10T02:00:00.000Z');

    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'PAY_IN_FULL' });
    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'PAY_IN_FULL' });

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.evaluation).toMatchObject({
      grade: 'GOOD',
      total: 853,
      evaluatedAt: '2026-12-10T02:00:00.000Z',
    });
    expect(await fakes.trackRecords.listEvaluations(PROPOSAL.ngo.creditCode)).toEqual([
      {
        purchaseId: PURCHASE_ID,
        grade: 'GOOD',
        total: 853,
        evaluatedAt: '2026-12-10T02:00:00.000Z',
        evaluatedOn: '2026-12-10',
      },
    ]);
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([]);
    const concluded = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'evaluation.concluded',
    );
    expect(concluded).toHaveLength(1);
  });

  it('PASS under settings that pay 80% reduces the final tranche: the award is kept on the evaluation and said in the audit', async () => {
    await graded('PASS', 705, '2026-12-10T02:00:00.000Z');

    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'REDUCE' });

    // The final tranche of the sample is 30% of ¥480,000: ¥144,000 planned, ¥115,200 paid.
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.evaluation?.finalTranche).toEqual({
      decision: 'REDUCE',
      grade: 'PASS',
      sharePercent: 80,
      plannedFen: 14_400_000,
      amountFen: 11_520_000,
      releasedFen: 2_880_000,
    });
    const concluded = (await fakes.purchases.listAudit(PURCHASE_ID)).find(
      (e) => e.action === 'evaluation.concluded',
    );
    expect(concluded?.detail).toEqual({
      grade: 'PASS',
      totalTenths: 705,
      finalTranche: 'REDUCE',
      sharePercent: 80,
      plannedFen: 14_400_000,
      amountFen: 11_520_000,
    });
    // Nothing is withheld: finance is told of the reduced tranche by the next step.
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([]);
  });

  it('a retry after the shares were changed keeps the award decided first', async () => {
    await graded('PASS', 705, '2026-12-10T02:00:00.000Z');
    await concludeEvaluation(deps(), PURCHASE_ID);
    const changed = structuredClone(TEST_LIFECYCLE);
    changed.evaluation.finalTrancheShare = { EXCELLENT: 100, GOOD: 100, PASS: 50, FAIL: 0 };

    await expect(concludeEvaluation({ ...deps(), lifecycle: changed }, PURCHASE_ID)).resolves.toEqual({
      finalTranche: 'REDUCE',
    });

    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.evaluation?.finalTranche?.amountFen).toBe(
      11_520_000,
    );
  });

  it('FAIL withholds the last tranche and bars the NGO through the following year', async () => {
    await graded('FAIL', 512, '2027-01-10T02:00:00.000Z');

    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'WITHHOLD' });

    const payments = await fakes.payments.listPayments(PURCHASE_ID);
    expect(payments).toEqual([
      expect.objectContaining({
        tranche: 3,
        milestone: 'EVALUATION_PASSED',
        amountFen: 14_400_000,
        status: 'WITHHELD',
        reason: expect.stringContaining('FAIL'),
      }),
    ]);
    const entries = await fakes.trackRecords.listEvaluations(PROPOSAL.ngo.creditCode);
    expect(isBarred(entries, '2028-06-01')).toMatchObject({ barred: true, until: '2028-12-31' });
    expect(isBarred(entries, '2029-01-01').barred).toBe(false);
  });

  it('with no submission withholds the last tranche with grade NONE and no track-record entry', async () => {
    await request('FIRST');

    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'WITHHOLD' });

    const concluded = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'evaluation.concluded',
    );
    expect(concluded.map((e) => e.detail)).toEqual([
      {
        grade: 'NONE',
        totalTenths: null,
        finalTranche: 'WITHHOLD',
        sharePercent: 0,
        plannedFen: 14_400_000,
        amountFen: 0,
      },
    ]);
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.evaluation?.grade).toBeUndefined();
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([
      expect.objectContaining({ tranche: 3, status: 'WITHHELD', reason: 'no evaluation was submitted' }),
    ]);
    expect(await fakes.trackRecords.listEvaluations(PROPOSAL.ngo.creditCode)).toEqual([]);
  });

  it('a repeat changes nothing more: one audit entry, one withheld tranche, one track-record entry', async () => {
    await graded('FAIL', 512, '2027-01-10T02:00:00.000Z');
    await concludeEvaluation(deps(), PURCHASE_ID);
    const auditBefore = await fakes.purchases.listAudit(PURCHASE_ID);
    const paymentsBefore = await fakes.payments.listPayments(PURCHASE_ID);

    fakes.clock.set('2027-01-11T00:00:00.000Z');
    await expect(concludeEvaluation(deps(), PURCHASE_ID)).resolves.toEqual({ finalTranche: 'WITHHOLD' });

    expect(await fakes.purchases.listAudit(PURCHASE_ID)).toEqual(auditBefore);
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual(paymentsBefore);
    expect(await fakes.trackRecords.listEvaluations(PROPOSAL.ngo.creditCode)).toHaveLength(1);
  });
});

describe('closePurchase', () => {
  const CLOSED_AT = '2027-01-20T03:00:00.000Z';

  beforeEach(async () => {
    await fakes.budgets.ensureBudgetLine({
      lineId: LINE_ID,
      year: 2026,
      description: 'elderly care',
      totalFen: 100_000_000,
    });
    await fakes.budgets.reserve({
      lineId: LINE_ID,
      purchaseId: PURCHASE_ID,
      amountFen: PROPOSAL.totalFen,
      now: SIGNED_AT,
    });
    for (const [tranche, milestone, amountFen] of [
      [1, 'CONTRACT_SIGNED', 14_400_000],
      [2, 'MIDTERM_PASSED', 19_200_000],
    ] as const) {
      await fakes.payments.openPayment(
        {
          purchaseId: PURCHASE_ID,
          tranche,
          milestone,
          amountFen,
          dueDate: '2026-08-01',
          notifiedAt: SIGNED_AT,
        },
        SIGNED_AT,
      );
    }
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 1,
      by: 'finance@civil-affairs.example.gov.cn',
      reference: 'BANK-1',
      now: SIGNED_AT,
    });
    await fakes.payments.closePayment({
      purchaseId: PURCHASE_ID,
      tranche: 3,
      milestone: 'EVALUATION_PASSED',
      amountFen: 14_400_000,
      status: 'WITHHELD',
      reason: 'third-party evaluation graded FAIL',
      now: SIGNED_AT,
    });
    fakes.clock.set(CLOSED_AT);
  });

  it('does not close while a tranche is neither paid nor waived, and changes nothing', async () => {
    const auditBefore = await fakes.purchases.listAudit(PURCHASE_ID);

    await expect(closePurchase(deps(), PURCHASE_ID)).rejects.toThrow(
      expect.objectContaining({
        name: 'TranchesOutstandingError',
        message: `purchase ${PURCHASE_ID} cannot close: tranche 2 is neither paid nor waived`,
      }),
    );

    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.stage).toBe('EVALUATION');
    expect(await fakes.purchases.listAudit(PURCHASE_ID)).toEqual(auditBefore);
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(52_000_000);
  });

  it('a waived tranche is settled: the purchase closes, its amount goes back to the line and its open link closes', async () => {
    const { task: rest } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'PAYMENT:2:2',
      purpose: 'PAYMENT_CONFIRMATION',
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      assignee: { name: 'Finance', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_SECTION' },
      expiresAt: '2027-06-01T00:00:00.000Z',
      now: SIGNED_AT,
    });
    await fakes.payments.waivePayment({
      purchaseId: PURCHASE_ID,
      tranche: 2,
      by: 'finance.head@civil-affairs.example.gov.cn',
      reason: 'the NGO declined the second tranche in writing',
      now: CLOSED_AT,
    });

    await closePurchase(deps(), PURCHASE_ID);

    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.stage).toBe('CLOSED');
    // Only the 14,400,000 paid stays spent: 100,000,000 - 14,400,000.
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(85_600_000);
    const closed = (await fakes.purchases.listAudit(PURCHASE_ID)).find((e) => e.action === 'purchase.closed');
    expect(closed?.detail).toMatchObject({
      paidFen: 14_400_000,
      tranches: ['1:CONFIRMED', '2:WAIVED', '3:WITHHELD'],
    });
    expect(fakes.tasks.stored(rest.taskId).status).toBe('EXPIRED');
  });

  it('closes once with closedAt, returns the withheld money to the line and keeps the confirmed tranches', async () => {
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 2,
      by: 'finance@civil-affairs.example.gov.cn',
      reference: 'BANK-2',
      now: CLOSED_AT,
    });
    await closePurchase(deps(), PURCHASE_ID);
    await closePurchase(deps(), PURCHASE_ID);

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase).toMatchObject({
      stage: 'CLOSED',
      closedAt: CLOSED_AT,
      budget: { lineId: LINE_ID, status: 'RELEASED', at: CLOSED_AT },
    });
    // 100,000,000 - 48,000,000 reserved + 14,400,000 withheld comes back.
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(66_400_000);
    const closed = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'purchase.closed',
    );
    expect(closed).toHaveLength(1);
    expect(closed[0]?.detail).toMatchObject({
      paidFen: 33_600_000,
      tranches: ['1:CONFIRMED', '2:CONFIRMED', '3:WITHHELD'],
      auditChainValid: true,
      closedOn: '2027-01-20',
      stageFrom: 'EVALUATION',
      stageTo: 'CLOSED',
    });
    expect((await fakes.purchases.verifyAuditChain(PURCHASE_ID)).valid).toBe(true);
  });

  it('a final tranche reduced by the grade returns what the reduction left unpaid to the line', async () => {
    const other = 'PUR-2026-REDUCEDFINALAAAA';
    fakes.purchases.seed(
      purchaseRecord(other, PROPOSAL, {
        stage: 'EVALUATION',
        budget: { lineId: LINE_ID, amountFen: PROPOSAL.totalFen, status: 'RESERVED', at: SIGNED_AT },
      }),
    );
    await fakes.budgets.reserve({
      lineId: LINE_ID,
      purchaseId: other,
      amountFen: PROPOSAL.totalFen,
      now: SIGNED_AT,
    });
    const plan: [number, 'CONTRACT_SIGNED' | 'MIDTERM_PASSED' | 'EVALUATION_PASSED', number][] = [
      [1, 'CONTRACT_SIGNED', 14_400_000],
      [2, 'MIDTERM_PASSED', 19_200_000],
      // 80% of the planned 14,400,000 on a pass.
      [3, 'EVALUATION_PASSED', 11_520_000],
    ];
    for (const [tranche, milestone, amountFen] of plan) {
      await fakes.payments.openPayment(
        { purchaseId: other, tranche, milestone, amountFen, dueDate: '2027-01-01', notifiedAt: SIGNED_AT },
        SIGNED_AT,
      );
      await fakes.payments.confirmPayment({
        purchaseId: other,
        tranche,
        by: 'f@x.cn',
        reference: `B-${tranche}`,
        now: SIGNED_AT,
      });
    }
    const before = (await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen ?? 0;

    await closePurchase(deps(), other);

    // 48,000,000 reserved, 45,120,000 paid: the 2,880,000 the grade took off goes back.
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(before + 2_880_000);
  });

  it('leaves a purchase that is not in EVALUATION as it is', async () => {
    const other = 'PUR-2026-NOTEVALUATINGAAA';
    fakes.purchases.seed(purchaseRecord(other, PROPOSAL, { stage: 'MIDTERM_REVIEW' }));

    await closePurchase(deps(), other);

    expect((await fakes.purchases.getPurchase(other))?.stage).toBe('MIDTERM_REVIEW');
    expect(await fakes.purchases.listAudit(other)).toHaveLength(1);
  });
});
