import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import type { PolicySettings } from '../../../shared/domain/policy-settings.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';
import { trackRecordEntry } from '../../../shared/domain/track-record.js';
import { PurchaseRefused, workflowEnding } from '../../../shared/domain/workflow-errors.js';
import { concludeApproval, rejectPurchase } from '../../../shared/usecases/approval-outcome.js';
import { PurchaseMissingError } from '../../../shared/usecases/load-purchase.js';
import { planApproval } from '../../../shared/usecases/plan-approval.js';
import { reserveBudget } from '../../../shared/usecases/reserve-budget.js';
import { validateProposal } from '../../../shared/usecases/validate-proposal.js';
import type { WorkflowDeps } from '../../../shared/usecases/workflow-deps.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const ELDER_LINE = '2026-MZ-ELDER-01';
let fakes: Fakes;
let settings: PolicySettings;

function deps(): WorkflowDeps {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    settings,
    now: fakes.clock.now,
  };
}

function seed(proposal: Proposal, overrides: Partial<PurchaseRecord> = {}): void {
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, proposal, overrides));
}

async function stored(): Promise<PurchaseRecord> {
  const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
  if (!purchase) throw new Error('the test purchase is gone');
  return purchase;
}

async function refusalOf(promise: Promise<unknown>): Promise<PurchaseRefused> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PurchaseRefused);
  return error as PurchaseRefused;
}

function decision(level: string, verdict: 'APPROVE' | 'REJECT', comment = ''): RecordedDecision {
  return {
    decision: verdict,
    by: `${level.toLowerCase()}@civil-affairs.example.gov.cn`,
    byName: `Approver ${level}`,
    comment,
    at: '2026-03-03T09:00:00.000Z',
    taskId: `task-of-${level}-0000000000`.slice(0, 24),
  };
}

const auditActions = async () => (await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action);

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  settings = structuredClone(TEST_POLICY);
});

describe('every step', () => {
  it('fails with PurchaseMissingError (not a refusal) for a purchase that does not exist', async () => {
    await expect(validateProposal(deps(), PURCHASE_ID)).rejects.toBeInstanceOf(PurchaseMissingError);
    await expect(planApproval(deps(), PURCHASE_ID)).rejects.toMatchObject({ name: 'PurchaseMissingError' });
  });
});

describe('validateProposal', () => {
  it('passes a proposal that keeps every rule with the settings in force', async () => {
    seed(largeElderlyCareProposal());
    await expect(validateProposal(deps(), PURCHASE_ID)).resolves.toBeUndefined();
  });

  it('refuses with reason NGO_BARRED when the NGO failed an evaluation last year (checked again at validation)', async () => {
    const proposal = largeElderlyCareProposal();
    seed(proposal);
    await fakes.trackRecords.addEvaluation(
      proposal.ngo.creditCode,
      trackRecordEntry({
        purchaseId: 'PUR-2025-FAILEDAAAAAAAAAA',
        grade: 'FAIL',
        total: 480,
        evaluatedAt: '2025-12-01T02:00:00.000Z',
      }),
    );

    const refusal = await refusalOf(
      validateProposal({ ...deps(), trackRecords: fakes.trackRecords }, PURCHASE_ID),
    );

    expect(refusal.reason).toBe('NGO_BARRED');
    expect(refusal.message).toContain('PUR-2025-FAILEDAAAAAAAAAA');
  });

  it('refuses with reason POLICY, naming the field, when the settings changed since submission', async () => {
    seed(largeElderlyCareProposal());
    // The benchmark was raised after the proposal went in: the pay no longer meets it.
    settings.salaryBenchmarks = settings.salaryBenchmarks.map((b) => ({ ...b, annualWageFen: 20_000_000 }));

    const refusal = await refusalOf(validateProposal(deps(), PURCHASE_ID));

    expect(refusal.name).toBe('PurchaseRefused');
    expect(refusal.reason).toBe('POLICY');
    expect(refusal.message).toMatch(/^POLICY: /);
    expect(refusal.message).toContain('staffPlan[0].monthlySalaryFen');
  });
});

describe('the salary benchmark window in the workflow', () => {
  /** The large sample moved to a term starting in 2027: it wants the 2026 figure, which the settings lack. */
  const in2027 = (): Proposal => {
    const p = largeElderlyCareProposal();
    const move = (date: string) => `2027${date.slice(4)}`;
    return {
      ...p,
      term: { start: move(p.term.start), end: move(p.term.end) },
      deliverables: p.deliverables.map((d) => ({ ...d, dueDate: move(d.dueDate) })),
      budgetLineRef: move(p.budgetLineRef),
    };
  };

  it('validation refuses with POLICY, in both languages, once the figure that stood in is past its window', async () => {
    seed(in2027());
    await expect(validateProposal(deps(), PURCHASE_ID)).resolves.toBeUndefined();
    // The 2026 figure was due by 2027-06-30; the purchase is validated (say, resumed) after that.
    fakes.clock.set('2027-07-01T02:00:00.000Z');
    const refusal = await refusalOf(validateProposal(deps(), PURCHASE_ID));
    expect(refusal.reason).toBe('POLICY');
    expect(refusal.text.en).toContain('the 2026 salary benchmark was due by 2027-06-30');
    expect(refusal.text.zh).toContain('2026 年度职工平均工资基准应于 2027-06-30 前公布');
  });

  it('planning records the benchmark applied, judged on the day of submission, for the approval page', async () => {
    seed(in2027(), { createdAt: '2026-03-01T08:00:00.000Z' });
    // A retry long after the window closed still records what held when the proposal went in.
    fakes.clock.set('2027-08-01T02:00:00.000Z');
    await planApproval(deps(), PURCHASE_ID);
    expect((await stored()).salaryBenchmark).toEqual({
      year: 2025,
      wantedYear: 2026,
      annualWageFen: 11_553_800,
      source: expect.stringContaining('sample'),
      sample: true,
      standsInUntil: '2027-06-30',
    });
    const planned = (await fakes.purchases.listAudit(PURCHASE_ID)).find(
      (e) => e.action === 'approval.planned',
    );
    expect(planned?.detail).toMatchObject({ salaryBenchmarkYear: 2025 });
  });

  it('planning records no benchmark for a proposal without staff', async () => {
    seed({ ...largeElderlyCareProposal(), staffPlan: [] });
    await planApproval(deps(), PURCHASE_ID);
    expect((await stored()).salaryBenchmark).toBeUndefined();
  });
});

describe('reserveBudget', () => {
  it('creates the configured line on first use, reserves the total and records the hold on the purchase', async () => {
    seed(largeElderlyCareProposal());
    const configured = settings.budgetLines.find((l) => l.lineId === ELDER_LINE);

    await reserveBudget(deps(), PURCHASE_ID);

    expect(await fakes.budgets.getBudgetLine(ELDER_LINE)).toMatchObject({
      totalFen: configured?.totalFen,
      availableFen: (configured?.totalFen ?? 0) - 48_000_000,
    });
    expect((await stored()).budget).toEqual({
      lineId: ELDER_LINE,
      amountFen: 48_000_000,
      status: 'RESERVED',
      at: '2026-03-02T08:00:00.000Z',
    });
    expect(await auditActions()).toEqual(['proposal.submitted', 'budget.reserved']);
  });

  it('does not refill a line that reservations already drew on', async () => {
    await fakes.budgets.ensureBudgetLine({
      lineId: ELDER_LINE,
      year: 2026,
      description: 'x',
      totalFen: 60_000_000,
    });
    await fakes.budgets.reserve({ lineId: ELDER_LINE, purchaseId: 'other', amountFen: 10_000_000, now: 'x' });
    seed(largeElderlyCareProposal());

    await reserveBudget(deps(), PURCHASE_ID);

    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(2_000_000);
  });

  const SECOND_PURCHASE_ID = 'PUR-2026-SECONDPURCHASE01';

  it('reads a line that is there and does not seed it again (every write to a line waits behind the others)', async () => {
    seed(largeElderlyCareProposal());
    await reserveBudget(deps(), PURCHASE_ID);
    const seeding = vi.spyOn(fakes.budgets, 'ensureBudgetLine');
    fakes.purchases.seed(purchaseRecord(SECOND_PURCHASE_ID, largeElderlyCareProposal()));

    await reserveBudget(deps(), SECOND_PURCHASE_ID);

    expect(seeding).not.toHaveBeenCalled();
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(
      (settings.budgetLines.find((l) => l.lineId === ELDER_LINE)?.totalFen ?? 0) - 2 * 48_000_000,
    );
  });

  it('run twice (a Step Functions retry) reserves once and audits once', async () => {
    seed(largeElderlyCareProposal());
    await reserveBudget(deps(), PURCHASE_ID);
    fakes.clock.advanceSeconds(30);
    await reserveBudget(deps(), PURCHASE_ID);

    const configured = settings.budgetLines.find((l) => l.lineId === ELDER_LINE);
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(
      (configured?.totalFen ?? 0) - 48_000_000,
    );
    expect(await auditActions()).toEqual(['proposal.submitted', 'budget.reserved']);
  });

  it('refuses with BUDGET, both amounts in yuan, when the line has too little left, and records no hold', async () => {
    settings.budgetLines = settings.budgetLines.map((l) =>
      l.lineId === ELDER_LINE ? { ...l, totalFen: 2_000_000 } : l,
    );
    seed(largeElderlyCareProposal());

    const refusal = await refusalOf(reserveBudget(deps(), PURCHASE_ID));

    expect(refusal.reason).toBe('BUDGET');
    expect(refusal.message).toContain('¥20,000.00');
    expect(refusal.message).toContain('¥480,000.00');
    expect(refusal.message).not.toMatch(/2000000|48000000/);
    expect((await stored()).budget).toBeUndefined();
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(2_000_000);
  });

  it('refuses with BUDGET when the proposal names a line that is neither configured nor stored', async () => {
    seed({ ...largeElderlyCareProposal(), budgetLineRef: '2026-MZ-UNKNOWN-09' });

    const refusal = await refusalOf(reserveBudget(deps(), PURCHASE_ID));

    expect(refusal.reason).toBe('BUDGET');
    expect(refusal.message).toContain('2026-MZ-UNKNOWN-09');
    expect(fakes.budgets.lines.has('2026-MZ-UNKNOWN-09')).toBe(false);
  });

  it('two proposals racing for the last money: the second is refused', async () => {
    settings.budgetLines = settings.budgetLines.map((l) =>
      l.lineId === ELDER_LINE ? { ...l, totalFen: 60_000_000 } : l,
    );
    seed(largeElderlyCareProposal());
    const second = 'PUR-2026-SRQPNMKJHGFEDCBA';
    fakes.purchases.seed(purchaseRecord(second, largeElderlyCareProposal()));

    const results = await Promise.allSettled([
      reserveBudget(deps(), PURCHASE_ID),
      reserveBudget(deps(), second),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(12_000_000);
  });
});

describe('planApproval', () => {
  it('moves a small purchase from PROPOSAL to APPROVAL with the section chief alone', async () => {
    seed(smallMinorProtectionProposal());

    const plan = await planApproval(deps(), PURCHASE_ID);

    expect(plan).toMatchObject({ next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'] });
    const purchase = await stored();
    expect(purchase.stage).toBe('APPROVAL');
    expect(purchase.approvalLevels).toEqual(['SECTION_CHIEF']);
  });

  it('gives a purchase above the threshold the full chain, in order', async () => {
    seed(largeElderlyCareProposal());
    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({
      next: 'SECTION_CHIEF',
      remaining: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    });
    expect((await stored()).approvalLevels).toEqual(['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR']);
  });

  it('follows the configured threshold, not a constant', async () => {
    settings.approval.fullChainAboveFen = 50_000_000;
    seed(largeElderlyCareProposal());
    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({ remaining: ['SECTION_CHIEF'] });
  });

  it('on resume returns only the levels not decided yet, and changes nothing', async () => {
    seed(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });
    const before = await stored();

    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({
      next: 'FINANCE_SECTION',
      remaining: ['FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    });
    expect(await stored()).toEqual(before);
  });

  it('names no next level once every level approved', async () => {
    seed(smallMinorProtectionProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });
    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({ next: null, remaining: [] });
  });

  it('run twice plans once: one stage move and one audit entry', async () => {
    seed(largeElderlyCareProposal());
    await planApproval(deps(), PURCHASE_ID);
    await planApproval(deps(), PURCHASE_ID);
    expect(await auditActions()).toEqual(['proposal.submitted', 'approval.planned']);
  });

  it('a recorded rejection refuses with reason REJECTED, naming the approver and the comment', async () => {
    seed(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {
        SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE'),
        FINANCE_SECTION: decision('FINANCE_SECTION', 'REJECT', '人员经费测算依据不足'),
      },
    });

    const refusal = await refusalOf(planApproval(deps(), PURCHASE_ID));

    expect(refusal.reason).toBe('REJECTED');
    expect(refusal.message).toContain('Approver FINANCE_SECTION');
    expect(refusal.message).toContain('人员经费测算依据不足');
  });
});

describe('concludeApproval', () => {
  const fullChain = ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'] as const;

  it('moves a purchase approved at every level to CONTRACTING with an APPROVED outcome by the last approver', async () => {
    seed(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: [...fullChain],
      approvals: Object.fromEntries(fullChain.map((l) => [l, decision(l, 'APPROVE')])),
    });

    await concludeApproval(deps(), PURCHASE_ID);

    const purchase = await stored();
    expect(purchase.stage).toBe('CONTRACTING');
    expect(purchase.outcome).toEqual({
      result: 'APPROVED',
      reason: expect.stringContaining('SECTION_CHIEF → FINANCE_SECTION → BUREAU_DIRECTOR'),
      reasonText: {
        zh: '各级均已批准（科长 → 财务科 → 局长）。',
        en: 'Approved at every level (Section chief → Finance section → Bureau director).',
      },
      by: 'bureau_director@civil-affairs.example.gov.cn',
      at: '2026-03-02T08:00:00.000Z',
    });
  });

  it('run again after the move changes nothing', async () => {
    seed(smallMinorProtectionProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });
    await concludeApproval(deps(), PURCHASE_ID);
    const after = await stored();
    fakes.clock.advanceSeconds(60);

    await concludeApproval(deps(), PURCHASE_ID);

    expect(await stored()).toEqual(after);
  });

  it('refuses loudly, and leaves the stage alone, when a level has not approved', async () => {
    seed(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: [...fullChain],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });

    await expect(concludeApproval(deps(), PURCHASE_ID)).rejects.toThrow(/FINANCE_SECTION, BUREAU_DIRECTOR/);
    expect((await stored()).stage).toBe('APPROVAL');
  });
});

describe('the officer hears how the approval ended', () => {
  const withMail = (): WorkflowDeps => ({ ...deps(), mailer: fakes.mailer });

  it('gets one APPROVED mail, with no link, even when the step runs twice', async () => {
    seed(smallMinorProtectionProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });

    await concludeApproval(withMail(), PURCHASE_ID);
    await concludeApproval(withMail(), PURCHASE_ID);

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe('officer@civil-affairs.example.gov.cn');
    expect(mail?.subject).toContain('Approved');
    expect(mail?.text).not.toMatch(/https?:\/\//);
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'officer.notified')).toHaveLength(1);
  });

  it('gets the REJECTED mail with the reason; a retry after a failed send sends it then', async () => {
    seed(smallMinorProtectionProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'REJECT', '人员配置不足') },
    });
    fakes.mailer.failNext(1);

    await expect(rejectPurchase(withMail(), { purchaseId: PURCHASE_ID })).rejects.toThrow();
    expect((await stored()).stage).toBe('REJECTED');
    await rejectPurchase(withMail(), { purchaseId: PURCHASE_ID });

    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.mailer.sent[0]?.text).toContain('人员配置不足');
  });

  it('is not mailed when the creator is not an e-mail address', async () => {
    seed(smallMinorProtectionProposal(), {
      createdBy: 'staff-subject-123',
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
      approvals: { SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE') },
    });
    await concludeApproval(withMail(), PURCHASE_ID);
    expect(fakes.mailer.sent).toEqual([]);
  });
});

describe('rejectPurchase', () => {
  function seedRejectedByFinance(): void {
    seed(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {
        SECTION_CHIEF: decision('SECTION_CHIEF', 'APPROVE'),
        FINANCE_SECTION: decision('FINANCE_SECTION', 'REJECT', '预算测算偏高，请核减后重报'),
      },
      budget: {
        lineId: ELDER_LINE,
        amountFen: 48_000_000,
        status: 'RESERVED',
        at: '2026-03-01T09:00:00.000Z',
      },
    });
  }

  beforeEach(async () => {
    await fakes.budgets.ensureBudgetLine({
      lineId: ELDER_LINE,
      year: 2026,
      description: 'x',
      totalFen: 100_000_000,
    });
    await fakes.budgets.reserve({
      lineId: ELDER_LINE,
      purchaseId: PURCHASE_ID,
      amountFen: 48_000_000,
      now: 'x',
    });
  });

  it("gives the budget back and ends REJECTED with the approver's comment as the reason", async () => {
    seedRejectedByFinance();

    await rejectPurchase(deps(), {
      purchaseId: PURCHASE_ID,
      error: 'PurchaseRejected',
      cause: 'an approver rejected the proposal',
    });

    const purchase = await stored();
    expect(purchase.stage).toBe('REJECTED');
    expect(purchase.outcome).toMatchObject({
      result: 'REJECTED',
      by: 'finance_section@civil-affairs.example.gov.cn',
      reason: expect.stringContaining('预算测算偏高，请核减后重报'),
      reasonText: {
        zh: 'Approver FINANCE_SECTION（finance_section@civil-affairs.example.gov.cn）驳回：预算测算偏高，请核减后重报',
        en: 'rejected by Approver FINANCE_SECTION (finance_section@civil-affairs.example.gov.cn): 预算测算偏高，请核减后重报',
      },
    });
    expect(purchase.budget?.status).toBe('RELEASED');
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(100_000_000);
  });

  it('run twice releases once and changes nothing more', async () => {
    seedRejectedByFinance();
    const release = vi.spyOn(fakes.budgets, 'release');
    await rejectPurchase(deps(), { purchaseId: PURCHASE_ID });
    const after = await stored();
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    fakes.clock.advanceSeconds(60);

    await rejectPurchase(deps(), { purchaseId: PURCHASE_ID });

    expect(release).toHaveBeenCalledTimes(1);
    expect(await stored()).toEqual(after);
    expect(await fakes.purchases.listAudit(PURCHASE_ID)).toEqual(audit);
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(100_000_000);
  });

  it('closes the links still open when the approval lapses, so a late click gets 410', async () => {
    seed(largeElderlyCareProposal(), { stage: 'APPROVAL', approvalLevels: ['SECTION_CHIEF'] });
    const { task } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
      level: 'SECTION_CHIEF',
      attempt: 'ESCALATION',
      assignee: { name: 'Deputy', email: 'deputy@civil-affairs.example.gov.cn', role: 'DEPUTY' },
      taskToken: 'token-escalation',
      expiresAt: '2026-12-01T00:00:00.000Z',
      now: fakes.clock.now(),
    });

    await rejectPurchase(deps(), { purchaseId: PURCHASE_ID, error: 'ApprovalLapsed', cause: 'no decision' });

    expect(fakes.tasks.stored(task.taskId).status).toBe('EXPIRED');
    expect((await stored()).outcome).toMatchObject({
      reason: 'ApprovalLapsed: no decision',
      reasonText: { zh: expect.stringMatching(/^审批逾期/), en: expect.stringMatching(/^Approval lapsed/) },
    });
  });

  it('a policy refusal before any reservation ends REJECTED with the message of the failed step', async () => {
    seed(largeElderlyCareProposal());
    const release = vi.spyOn(fakes.budgets, 'release');

    await rejectPurchase(deps(), {
      purchaseId: PURCHASE_ID,
      error: 'PurchaseRefused',
      cause: JSON.stringify({
        errorType: 'PurchaseRefused',
        errorMessage: new PurchaseRefused('POLICY', { zh: 'term.end：期限太长', en: 'term.end: too long' })
          .message,
      }),
    });

    const purchase = await stored();
    expect(purchase.stage).toBe('REJECTED');
    expect(purchase.outcome).toMatchObject({
      by: 'system:workflow',
      reason: 'PurchaseRefused: POLICY: term.end: too long',
      reasonText: { zh: 'term.end：期限太长', en: 'term.end: too long' },
    });
    expect(release).not.toHaveBeenCalled();
  });
});

describe('workflowEnding', () => {
  it('reads a refusal back out of a Lambda failure cause, in both languages', () => {
    const refused = new PurchaseRefused('BUDGET', { zh: '预算不足', en: 'no money' });
    const cause = JSON.stringify({ errorType: refused.name, errorMessage: refused.message, trace: [] });
    expect(workflowEnding('PurchaseRefused', cause)).toEqual({
      reason: 'PurchaseRefused: BUDGET: no money',
      text: { zh: '预算不足', en: 'no money' },
    });
  });

  it('gives each fixed end of the state machine its sentence in both languages, keeping the English line', () => {
    expect(workflowEnding('ApprovalLapsed', 'no decision after a reminder and an escalation')).toEqual({
      reason: 'ApprovalLapsed: no decision after a reminder and an escalation',
      text: {
        zh: '审批逾期：提醒审批人并上报副局长后，仍无人作出决定，项目未获批准。',
        en: 'Approval lapsed: no decision after a reminder and an escalation to the deputy, so the purchase was not approved.',
      },
    });
    expect(workflowEnding('PurchaseTerminated', '服务严重不达标').text).toEqual({
      zh: '中期评估决定终止项目：服务严重不达标',
      en: 'Terminated at the mid-term review: 服务严重不达标',
    });
    expect(workflowEnding('ContractLapsed', 'x').text.zh).toMatch(/^合同逾期未签订/);
    expect(workflowEnding('MidtermLapsed', 'x').text.zh).toMatch(/^中期评估逾期/);
  });

  it('keeps a cause it does not know as it is (a refusal of an older release), and says Rejected without one', () => {
    const older = JSON.stringify({ errorType: 'PurchaseRefused', errorMessage: 'BUDGET: no money' });
    expect(workflowEnding('PurchaseRefused', older)).toEqual({
      reason: 'PurchaseRefused: BUDGET: no money',
      text: { zh: 'PurchaseRefused: BUDGET: no money', en: 'PurchaseRefused: BUDGET: no money' },
    });
    expect(workflowEnding(undefined, undefined).reason).toBe('Rejected:');
  });
});
