import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { signTaskId } from '../../../shared/links/signing.js';
import { stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import {
  evaluationDepsOf,
  humanStepPortsOf,
  invokeStep,
  recordingCalls,
  TEST_BASE_URL,
} from '../../support/handler-harness.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

// The modules wire their default handlers to AWS at import, from the function's environment.
stubFunctionEnv('LIFECYCLE_SETTINGS', 'DOCUMENTS_BUCKET', 'PAYMENTS_TOPIC_ARN');
const create = {
  planEvaluation: (await import('../../../functions/plan-evaluation/handler.js')).createHandler,
  recordMissingReport: (await import('../../../functions/record-missing-report/handler.js')).createHandler,
  requestEvaluation: (await import('../../../functions/request-evaluation/handler.js')).createHandler,
  concludeEvaluation: (await import('../../../functions/conclude-evaluation/handler.js')).createHandler,
  closePurchase: (await import('../../../functions/close-purchase/handler.js')).createHandler,
};

const PURCHASE_ID = 'PUR-2026-EVALSTEPSAAAAAAA';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-of-the-evaluation-wait';
const PROPOSAL = largeElderlyCareProposal();
const PASSED_AT = '2026-07-10T02:00:00.000Z';
const NOW = '2026-12-01T00:00:00.000Z';
const LINE_ID = PROPOSAL.budgetLineRef;
const LIFECYCLE = TEST_LIFECYCLE;

let fakes: Fakes;
/** Every call any step made on a port. */
let calls: string[];
let steps: Record<keyof typeof create, unknown>;

const run = (step: keyof typeof create, input: unknown) => invokeStep(steps[step], input, step);

function storePurchase(overrides: Partial<PurchaseRecord> = {}): void {
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, PROPOSAL, {
      version: 12,
      stage: 'EVALUATION',
      updatedAt: PASSED_AT,
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      midterm: { round: 1, dueDate: '2026-06-30', passedAt: PASSED_AT },
      budget: { lineId: LINE_ID, amountFen: PROPOSAL.totalFen, status: 'RESERVED', at: PASSED_AT },
      ...overrides,
    }),
  );
}

/** The audit entries written after the seed (the first entry is the submission). */
const auditWritten = async () => (await fakes.purchases.listAudit(PURCHASE_ID)).slice(1);

const logged: string[] = [];

beforeAll(() => {
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  expect(logged.join('\n')).not.toContain(TOKEN);
});

beforeEach(() => {
  fakes = createFakes(NOW);
  calls = [];
  const deps = recordingCalls(
    { ...evaluationDepsOf(fakes, { lifecycle: LIFECYCLE }), ...humanStepPortsOf(fakes) },
    calls,
  ).deps;
  steps = {
    planEvaluation: create.planEvaluation(deps),
    recordMissingReport: create.recordMissingReport(deps),
    requestEvaluation: create.requestEvaluation(deps),
    concludeEvaluation: create.concludeEvaluation(deps),
    closePurchase: create.closePurchase(deps),
  };
});

describe('an evaluation step given a malformed input', () => {
  const malformed: [keyof typeof create, unknown][] = [
    ['planEvaluation', {}],
    ['planEvaluation', { purchaseId: 'PUR-2026-short' }],
    ['recordMissingReport', null],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'FIRST' }],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'LATER', taskToken: TOKEN }],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'FIRST', taskToken: '' }],
    ['concludeEvaluation', { purchaseId: 42 }],
    ['closePurchase', { purchaseId: 'pur-2026-evalstepsaaaaaaa' }],
  ];

  it.each(malformed)('%s throws ValidationError for %j and makes no AWS call', async (step, input) => {
    const error = await run(step, input).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.length).toBeGreaterThan(0);
    expect(calls).toEqual([]);
  });
});

describe('evaluation steps over the table', () => {
  it('plan-evaluation waits for the final report until its due day plus the grace days', async () => {
    storePurchase();

    const step = await run('planEvaluation', { purchaseId: PURCHASE_ID });

    const dueDate = PROPOSAL.deliverables.find((d) => d.kind === 'FINAL_REPORT')?.dueDate;
    const deadline = Date.parse(`${dueDate}T23:59:59.999+08:00`) + LIFECYCLE.midterm.graceDays * 86_400_000;
    expect(step).toEqual({
      next: 'AWAIT_FINAL_REPORT',
      since: PASSED_AT,
      deadline: new Date(deadline).toISOString(),
      waitSeconds: Math.ceil((deadline - Date.parse(NOW)) / 1000),
      graceSeconds: LIFECYCLE.midterm.graceDays * 86_400,
      escalationSeconds: LIFECYCLE.midterm.graceDays * 86_400,
    });
    expect(await auditWritten()).toEqual([]);
  });

  it('record-missing-report writes the final-report.missing audit entry', async () => {
    storePurchase();

    await expect(run('recordMissingReport', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    expect(await auditWritten()).toEqual([
      expect.objectContaining({ action: 'final-report.missing', eventId: 'final-report.missing', seq: 2 }),
    ]);
  });

  it('request-evaluation assigns an independent agency, opens its task and mails it one link, never the token', async () => {
    storePurchase();

    const result = (await run('requestEvaluation', {
      purchaseId: PURCHASE_ID,
      attempt: 'FIRST',
      taskToken: TOKEN,
    })) as { taskId: string; agencyId: string };

    expect(result.agencyId).not.toBe('ludao-eval');
    const agency = LIFECYCLE.evaluation.agencies.find((a) => a.id === result.agencyId);
    expect(agency).toBeDefined();
    expect(await auditWritten()).toContainEqual(
      expect.objectContaining({
        action: 'evaluation.assigned',
        detail: { agencyId: result.agencyId, replaces: null, because: null, round: 1 },
      }),
    );
    expect(fakes.tasks.stored(result.taskId)).toMatchObject({
      taskId: result.taskId,
      purpose: 'EVALUATION',
      stepKey: 'EVALUATION',
      taskToken: TOKEN,
      context: { agencyId: result.agencyId },
      assignee: { email: agency?.email, role: 'EVALUATOR' },
    });
    expect(fakes.mailer.sent).toHaveLength(1);
    const mail = fakes.mailer.sent[0];
    expect(mail?.to).toBe(agency?.email);
    const text = mail?.text ?? '';
    expect(new Set(text.match(/https?:\/\/\S+/g))).toEqual(
      new Set([
        expect.stringContaining(
          `${TEST_BASE_URL}/tasks/${result.taskId}?sig=${signTaskId(result.taskId, TEST_LINK_KEY)}`,
        ),
      ]),
    );
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('conclude-evaluation of a GOOD grade pays in full and writes the track-record entry once', async () => {
    storePurchase({
      evaluation: { agencyId: 'mingjian-eval', excludedAgencies: [] },
      decisions: {
        EVALUATION: {
          decision: 'SUBMIT',
          by: 'projects@mingjian-eval.example.org',
          byName: 'Mingjian',
          comment: '',
          at: '2026-12-10T02:00:00.000Z',
          taskId: 'evaluation-task-1',
          data: { grade: 'GOOD', totalTenths: 853 },
        },
      },
    });

    await expect(run('concludeEvaluation', { purchaseId: PURCHASE_ID })).resolves.toEqual({
      finalTranche: 'PAY_IN_FULL',
    });
    // A retry of the step changes nothing.
    await expect(run('concludeEvaluation', { purchaseId: PURCHASE_ID })).resolves.toEqual({
      finalTranche: 'PAY_IN_FULL',
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
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase?.evaluation).toMatchObject({
      grade: 'GOOD',
      total: 853,
      evaluatedAt: '2026-12-10T02:00:00.000Z',
    });
    // The NGO is told its grade once, though the step ran twice.
    expect((await auditWritten()).map((e) => e.action)).toEqual(['evaluation.concluded', 'ngo.told']);
    expect(fakes.mailer.sent.map((m) => m.subject)).toEqual([
      expect.stringContaining('Third-party evaluation: Good'),
    ]);
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([]);
  });

  it('close-purchase moves EVALUATION to CLOSED, returns the unpaid budget and reports a valid audit chain', async () => {
    storePurchase();
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
      now: NOW,
    });
    const notice = (tranche: number, milestone: 'CONTRACT_SIGNED' | 'MIDTERM_PASSED', amountFen: number) => ({
      purchaseId: PURCHASE_ID,
      tranche,
      milestone,
      amountFen,
      dueDate: '2026-08-01',
      notifiedAt: PASSED_AT,
    });
    await fakes.payments.openPayment(notice(1, 'CONTRACT_SIGNED', 14_400_000), PASSED_AT);
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 1,
      by: 'finance@civil-affairs.example.gov.cn',
      reference: 'BOC-1',
      now: PASSED_AT,
    });
    await fakes.payments.openPayment(notice(2, 'MIDTERM_PASSED', 19_200_000), PASSED_AT);
    await fakes.payments.confirmPayment({
      purchaseId: PURCHASE_ID,
      tranche: 2,
      by: 'finance@civil-affairs.example.gov.cn',
      reference: 'BOC-2',
      now: PASSED_AT,
    });
    await fakes.payments.closePayment({
      purchaseId: PURCHASE_ID,
      tranche: 3,
      milestone: 'EVALUATION_PASSED',
      amountFen: 14_400_000,
      status: 'WITHHELD',
      reason: 'third-party evaluation graded FAIL',
      now: PASSED_AT,
    });
    const available = (await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen ?? 0;
    const before = (await auditWritten()).length;

    await expect(run('closePurchase', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    // 48,000,000 reserved less the 33,600,000 paid: the withheld tranche goes back.
    expect((await fakes.budgets.getBudgetLine(LINE_ID))?.availableFen).toBe(available + 14_400_000);
    const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(purchase).toMatchObject({ stage: 'CLOSED', closedAt: NOW, budget: { status: 'RELEASED' } });
    expect((await auditWritten()).slice(before)).toEqual([
      expect.objectContaining({
        action: 'purchase.closed',
        detail: expect.objectContaining({
          paidFen: 33_600_000,
          auditChainValid: true,
          stageFrom: 'EVALUATION',
          stageTo: 'CLOSED',
        }),
      }),
      expect.objectContaining({ action: 'ngo.told', detail: expect.objectContaining({ notice: 'CLOSED' }) }),
    ]);
  });

  it('close-purchase of a purchase already CLOSED only sends the closing notice it still owes, then writes nothing', async () => {
    storePurchase({ stage: 'CLOSED', closedAt: NOW });

    await expect(run('closePurchase', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();
    expect((await auditWritten()).map((e) => e.action)).toEqual(['ngo.told']);
    const version = (await fakes.purchases.getPurchase(PURCHASE_ID))?.version;

    await expect(run('closePurchase', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    expect((await auditWritten()).map((e) => e.action)).toEqual(['ngo.told']);
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.version).toBe(version);
    expect(fakes.mailer.sent).toHaveLength(1);
  });
});
