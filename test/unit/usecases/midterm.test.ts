import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { Decision } from '../../../shared/domain/tasks.js';
import {
  awaitUpload,
  type ContractingDeps,
  terminatePurchase,
} from '../../../shared/usecases/contracting.js';
import { concludeMidterm, planMidterm } from '../../../shared/usecases/midterm.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE, TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-MIDTERMAAAAAAAAA';
const SIGNED_AT = '2026-02-01T02:00:00.000Z';
const PROPOSAL = largeElderlyCareProposal();
const MIDTERM_DUE = PROPOSAL.deliverables.find((d) => d.kind === 'MIDTERM_REPORT')?.dueDate as string;
const DAY = 86_400_000;

let fakes: Fakes;

function deps(): ContractingDeps {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    deliverables: fakes.deliverables,
    waits: fakes.waits,
    payments: fakes.payments,
    policy: TEST_POLICY,
    lifecycle: TEST_LIFECYCLE,
    now: fakes.clock.now,
  };
}

async function report(uploadId: string, uploadedAt: string, status: 'ACCEPTED' | 'REJECTED' = 'ACCEPTED') {
  await fakes.deliverables.recordDeliverable(
    {
      purchaseId: PURCHASE_ID,
      uploadId,
      kind: 'MIDTERM_REPORT',
      key: `uploads/${PURCHASE_ID}/MIDTERM_REPORT/${uploadId}/report.pdf`,
      fileName: 'report.pdf',
      size: 2048,
      sha256: 'b'.repeat(64),
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

/** The section chief's decision at a mid-term step, as the task link records it. */
async function decide(stepKey: string, decision: Decision, comment: string, at: string) {
  const purpose = stepKey.startsWith('LATE_REPORT') ? 'LATE_REPORT' : 'MIDTERM_REVIEW';
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey,
    purpose,
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...TEST_POLICY.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    taskToken: `token-${stepKey}`,
    expiresAt: '2026-12-31T00:00:00.000Z',
    now: at,
  });
  const result = await fakes.tasks.decide({
    taskId: task.taskId,
    nonce: fakes.tasks.stored(task.taskId).nonce,
    decision,
    comment,
    now: at,
  });
  expect(result.outcome).toBe('DECIDED');
}

beforeEach(() => {
  fakes = createFakes('2026-03-01T00:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, PROPOSAL, {
      stage: 'MIDTERM_REVIEW',
      contract: { key: 'contracts/x', sha256: 'c'.repeat(64), issuedAt: SIGNED_AT, signedAt: SIGNED_AT },
      midterm: { round: 1, dueDate: MIDTERM_DUE },
    }),
  );
});

describe('planMidterm', () => {
  it('waits for the report: reminder the configured days before the due date, deadline due date plus grace', async () => {
    const step = await planMidterm(deps(), PURCHASE_ID);
    const dueEnd = Date.parse(`${MIDTERM_DUE}T23:59:59.999+08:00`);
    expect(step).toMatchObject({
      next: 'AWAIT_REPORT',
      round: 1,
      since: SIGNED_AT,
      reminderAt: new Date(dueEnd - TEST_LIFECYCLE.midterm.reminderDaysBefore * DAY).toISOString(),
      deadline: new Date(dueEnd + TEST_LIFECYCLE.midterm.graceDays * DAY).toISOString(),
      waitSeconds: (TEST_LIFECYCLE.midterm.reminderDaysBefore + TEST_LIFECYCLE.midterm.graceDays) * 86_400,
      extensions: 0,
    });
  });

  it('counts the grace in working days when the settings do: a report due before the Spring Festival is not late during it', async () => {
    const record = await fakes.purchases.getPurchase(PURCHASE_ID);
    if (!record) throw new Error('seeded above');
    fakes.clock.set('2026-02-01T00:00:00.000Z');
    fakes.purchases.seed({ ...record, midterm: { round: 1, dueDate: '2026-02-13' } });
    const midterm = { ...TEST_LIFECYCLE.midterm, graceDays: 4, graceWorkingDays: 4 };

    const step = await planMidterm({ ...deps(), lifecycle: { ...TEST_LIFECYCLE, midterm } }, PURCHASE_ID);

    // Friday 13 February 2026; Saturday the 14th is a make-up working day, 15-23 the holiday: then
    // the 24th to the 26th. Four calendar days would have ended on the 17th, within the holiday.
    expect(step).toMatchObject({
      next: 'AWAIT_REPORT',
      deadline: new Date(Date.parse('2026-02-26T23:59:59.999+08:00')).toISOString(),
    });
  });

  it('hands over to a fresh execution rather than wait past its budget: in slices to a far reminder day', async () => {
    const dueEnd = Date.parse(`${MIDTERM_DUE}T23:59:59.999+08:00`);
    const reminderAt = dueEnd - TEST_LIFECYCLE.midterm.reminderDaysBefore * DAY;
    // An execution that started 340 days before the reminder day may go on only 335 days in all.
    const startedAt = new Date(reminderAt - 340 * DAY).toISOString();
    fakes.clock.set(new Date(reminderAt - 330 * DAY).toISOString());
    expect(await planMidterm(deps(), PURCHASE_ID, { startedAt })).toEqual({
      next: 'HAND_OVER',
      handOverAt: new Date(Date.parse(startedAt) + 335 * DAY).toISOString(),
    });
    // Its successor, started at the hand-over, waits for the reminder day itself.
    fakes.clock.set(new Date(Date.parse(startedAt) + 335 * DAY).toISOString());
    expect(await planMidterm(deps(), PURCHASE_ID, { startedAt: fakes.clock.now() })).toMatchObject({
      next: 'AWAIT_REPORT',
      reminderAt: new Date(reminderAt).toISOString(),
    });
  });

  it('hands over at once before a review that could outlast its execution', async () => {
    await report('r1', '2026-06-02T00:00:00.000Z');
    fakes.clock.set('2026-06-03T00:00:00.000Z');
    const startedAt = new Date(Date.parse('2026-06-03T00:00:00.000Z') - 330 * DAY).toISOString();
    expect(await planMidterm(deps(), PURCHASE_ID, { startedAt })).toEqual({
      next: 'HAND_OVER',
      handOverAt: '2026-06-03T00:00:00.000Z',
    });
    expect(await planMidterm(deps(), PURCHASE_ID, { startedAt: '2026-06-02T00:00:00.000Z' })).toMatchObject({
      next: 'REVIEW',
    });
  });

  it('reminds at once when the reminder day has passed, and never waits less than a minute', async () => {
    fakes.clock.set('2027-01-01T00:00:00.000Z');
    const step = await planMidterm(deps(), PURCHASE_ID);
    expect(step).toMatchObject({
      next: 'AWAIT_REPORT',
      reminderAt: '2027-01-01T00:00:00.000Z',
      waitSeconds: 60,
    });
  });

  it('asks for the review once an accepted report is in; a refused file does not count', async () => {
    await report('r-bad', '2026-06-01T00:00:00.000Z', 'REJECTED');
    expect((await planMidterm(deps(), PURCHASE_ID)).next).toBe('AWAIT_REPORT');
    await report('r1', '2026-06-02T00:00:00.000Z');
    expect(await planMidterm(deps(), PURCHASE_ID)).toMatchObject({
      next: 'REVIEW',
      round: 1,
      maxRounds: TEST_LIFECYCLE.midterm.maxRectificationRounds + 1,
      uploadId: 'r1',
    });
  });

  it('a rectification starts a new round that needs a newer report, due one grace period later', async () => {
    await report('r1', '2026-06-02T00:00:00.000Z');
    await decide('MIDTERM_REVIEW:1', 'RECTIFY', '补充服务记录', '2026-06-05T00:00:00.000Z');
    fakes.clock.set('2026-06-05T01:00:00.000Z');
    const step = await planMidterm(deps(), PURCHASE_ID);
    expect(step).toMatchObject({
      next: 'AWAIT_REPORT',
      round: 2,
      since: '2026-06-05T00:00:00.000Z',
      deadline: new Date(
        Date.parse('2026-06-05T00:00:00.000Z') + TEST_LIFECYCLE.midterm.graceDays * DAY,
      ).toISOString(),
    });
    await report('r2', '2026-06-10T00:00:00.000Z');
    expect(await planMidterm(deps(), PURCHASE_ID)).toMatchObject({
      next: 'REVIEW',
      round: 2,
      uploadId: 'r2',
    });
  });

  it('PASS ends the review; TERMINATE at review or on a late report ends the purchase with the reason', async () => {
    await report('r1', '2026-06-02T00:00:00.000Z');
    await decide('MIDTERM_REVIEW:1', 'PASS', '', '2026-06-05T00:00:00.000Z');
    expect(await planMidterm(deps(), PURCHASE_ID)).toEqual({ next: 'PASSED', round: 1 });

    fakes = createFakes('2026-08-01T00:00:00.000Z');
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, PROPOSAL, {
        stage: 'MIDTERM_REVIEW',
        contract: { key: 'contracts/x', sha256: 'c'.repeat(64), issuedAt: SIGNED_AT, signedAt: SIGNED_AT },
      }),
    );
    await decide('LATE_REPORT:1:1', 'TERMINATE', '逾期未交且无法联系', '2026-08-01T00:00:00.000Z');
    expect(await planMidterm(deps(), PURCHASE_ID)).toEqual({
      next: 'TERMINATE',
      round: 1,
      reason: '逾期未交且无法联系',
    });
  });

  it('each extension of a late report moves the deadline by one grace period', async () => {
    fakes.clock.set('2026-08-01T00:00:00.000Z');
    await decide('LATE_REPORT:1:1', 'EXTEND', '', '2026-08-01T00:00:00.000Z');
    const dueEnd = Date.parse(`${MIDTERM_DUE}T23:59:59.999+08:00`);
    expect(await planMidterm(deps(), PURCHASE_ID)).toMatchObject({
      next: 'AWAIT_REPORT',
      extensions: 1,
      deadline: new Date(dueEnd + 2 * TEST_LIFECYCLE.midterm.graceDays * DAY).toISOString(),
    });
  });
});

describe('asking the NGO for the report again', () => {
  /** Runs the waiting step the plan asks for, as the workflow does, and returns the mail it sent the NGO. */
  async function askAsPlanned(token: string) {
    const step = await planMidterm(deps(), PURCHASE_ID);
    if (step.next !== 'AWAIT_REPORT') throw new Error(`expected to wait for the report, not ${step.next}`);
    const before = fakes.mailer.sent.length;
    await awaitUpload(
      {
        ...deps(),
        mailer: fakes.mailer,
        callbacks: fakes.callbacks,
        linkKey: async () => TEST_LINK_KEY,
        baseUrl: 'https://purchases.example.gov.cn',
      },
      {
        purchaseId: PURCHASE_ID,
        kind: 'MIDTERM_REPORT',
        since: step.since,
        deadline: step.deadline,
        attempt: 'FIRST',
        taskToken: token,
      },
    );
    const sent = fakes.mailer.sent.slice(before).filter((m) => m.to === PROPOSAL.ngo.contactEmail);
    expect(sent).toHaveLength(1);
    return sent[0] as NonNullable<(typeof sent)[0]>;
  }

  it("after a rectification the NGO's request carries the reviewer's comment, which the first request did not", async () => {
    const first = await askAsPlanned('token-round-1');
    await report('r1', '2026-06-01T00:00:00.000Z');
    await decide('MIDTERM_REVIEW:1', 'RECTIFY', '服务对象签到表缺失，请补齐', '2026-06-05T00:00:00.000Z');
    fakes.clock.set('2026-06-05T00:00:05.000Z');

    const second = await askAsPlanned('token-round-2');

    expect(first.text).not.toContain('服务对象签到表缺失');
    expect(second.subject).toContain('rectify and submit again');
    expect(second.text).toContain('服务对象签到表缺失，请补齐');
    expect(second.html).toContain('服务对象签到表缺失，请补齐');
  });

  it("after an extension the NGO's request says why the deadline moved", async () => {
    fakes.clock.set(new Date(Date.parse(`${MIDTERM_DUE}T00:00:00+08:00`) + 20 * DAY).toISOString());
    await decide('LATE_REPORT:1:1', 'EXTEND', '机构负责人病假，延期两周', fakes.clock.now());

    const mail = await askAsPlanned('token-extended');

    expect(mail.subject).toContain('More time for the mid-term report');
    expect(mail.text).toContain('机构负责人病假，延期两周');
  });
});

describe('concludeMidterm', () => {
  it('moves a passed review to EVALUATION once', async () => {
    await report('r1', '2026-06-02T00:00:00.000Z');
    await decide('MIDTERM_REVIEW:1', 'PASS', '', '2026-06-05T00:00:00.000Z');
    await concludeMidterm(deps(), PURCHASE_ID);
    await concludeMidterm(deps(), PURCHASE_ID);
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.stage).toBe('EVALUATION');
    expect(purchase?.midterm?.passedAt).toBe('2026-06-05T00:00:00.000Z');
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'midterm.passed')).toHaveLength(1);
  });

  it('refuses to move on without a PASS', async () => {
    await expect(concludeMidterm(deps(), PURCHASE_ID)).rejects.toThrow(/has not passed/);
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.stage).toBe('MIDTERM_REVIEW');
  });
});

describe('terminating at the mid-term review', () => {
  it('cancels the tranches not yet notified and gives back the budget less the first tranche', async () => {
    const line = PROPOSAL.budgetLineRef;
    await fakes.budgets.ensureBudgetLine({
      lineId: line,
      year: 2026,
      description: 'x',
      totalFen: 100_000_000,
    });
    await fakes.budgets.reserve({
      lineId: line,
      purchaseId: PURCHASE_ID,
      amountFen: PROPOSAL.totalFen,
      now: 'x',
    });
    const seeded = await fakes.purchases.getPurchase(PURCHASE_ID);
    if (!seeded) throw new Error('no purchase');
    fakes.purchases.seed({
      ...seeded,
      budget: { lineId: line, amountFen: PROPOSAL.totalFen, status: 'RESERVED', at: SIGNED_AT },
    });
    await fakes.payments.openPayment(
      {
        purchaseId: PURCHASE_ID,
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 14_400_000,
        dueDate: '2026-03-03',
        notifiedAt: SIGNED_AT,
      },
      SIGNED_AT,
    );

    await terminatePurchase(deps(), {
      purchaseId: PURCHASE_ID,
      error: 'PurchaseTerminated',
      cause: '服务严重不达标',
    });
    await terminatePurchase(deps(), { purchaseId: PURCHASE_ID, error: 'PurchaseTerminated', cause: 'again' });

    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.stage).toBe('TERMINATED');
    expect(purchase?.termination?.reason).toBe('PurchaseTerminated: 服务严重不达标');
    const payments = await fakes.payments.listPayments(PURCHASE_ID);
    expect(payments.map((p) => [p.tranche, p.status])).toEqual([
      [1, 'NOTIFIED'],
      [2, 'CANCELLED'],
      [3, 'CANCELLED'],
    ]);
    expect((await fakes.budgets.getBudgetLine(line))?.availableFen).toBe(100_000_000 - 14_400_000);
  });
});
