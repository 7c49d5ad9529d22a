import { beforeEach, describe, expect, it } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import type { Amendment } from '../../../shared/domain/amendments.js';
import { ngoNotices } from '../../../shared/domain/ngo-notices.js';
import type { RecordedDecision } from '../../../shared/domain/tasks.js';
import { concludeAmendment, planAmendment } from '../../../shared/usecases/amendment-approval.js';
import type { WorkflowDeps } from '../../../shared/usecases/workflow-deps.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE = 'PUR-2026-AMENDCONCLUDE0001';
const LINE = '2026-MZ-ELDER-01';
const OFFICER = 'officer@civil-affairs.example.gov.cn';

const approve = (by: string): RecordedDecision => ({
  decision: 'APPROVE',
  by,
  byName: by,
  comment: '',
  at: '2026-06-02T00:00:00.000Z',
  taskId: `t-${by}`,
});

/** A¥480,000 contract raised to ¥500,000 by A1, which the section chief has approved. */
const A1: Amendment = {
  id: 'A1',
  requestedBy: OFFICER,
  requestedAt: '2026-06-01T00:00:00.000Z',
  rationale: '追加服务经费。',
  changes: [
    { field: 'totalFen', former: 48_000_000, value: 50_000_000 },
    {
      field: 'budgetLines',
      former: sampleProposal().budgetLines,
      value: [{ item: '人员及服务经费', amountFen: 50_000_000 }],
    },
  ],
  levels: ['SECTION_CHIEF'],
  status: 'PROPOSED',
  approvals: {},
};

let fakes: Fakes;
let deps: WorkflowDeps;

async function seed(lineTotalFen: number): Promise<void> {
  await fakes.budgets.ensureBudgetLine({
    lineId: LINE,
    year: 2026,
    description: 'x',
    totalFen: lineTotalFen,
  });
  await fakes.budgets.reserve({ lineId: LINE, purchaseId: PURCHASE, amountFen: 48_000_000, now: 'x' });
  fakes.purchases.seed(
    purchaseRecord(PURCHASE, sampleProposal(), {
      stage: 'MIDTERM_REVIEW',
      budget: { lineId: LINE, amountFen: 48_000_000, status: 'RESERVED', at: 'x' },
      amendments: [A1],
      decisions: { 'AMENDMENT:A1:SECTION_CHIEF': approve('chief@bureau.example') },
    }),
  );
}

beforeEach(() => {
  fakes = createFakes('2026-06-03T08:00:00.000Z');
  deps = { ...fakes, settings: TEST_POLICY, now: fakes.clock.now, mailer: fakes.mailer };
});

describe('concluding an amendment every level approved', () => {
  it('applies the changes, moves the reservation by the difference and audits it, in one change', async () => {
    await seed(60_000_000);
    expect((await planAmendment(deps, PURCHASE)).next).toBeNull();
    const decided = await concludeAmendment(deps, { purchaseId: PURCHASE });
    expect(decided.status).toBe('APPROVED');
    const purchase = await fakes.purchases.getPurchase(PURCHASE);
    expect(purchase?.proposal.totalFen).toBe(50_000_000);
    expect(purchase?.budget?.amountFen).toBe(50_000_000);
    expect(purchase?.amendments?.[0]).toMatchObject({
      status: 'APPROVED',
      approvals: { SECTION_CHIEF: { decision: 'APPROVE' } },
    });
    expect((await fakes.budgets.getBudgetLine(LINE))?.availableFen).toBe(10_000_000);
    const applied = (await fakes.purchases.listAudit(PURCHASE)).find((e) => e.action === 'amendment.applied');
    expect(applied?.detail).toMatchObject({
      amendment: 'A1',
      reservation: { from: 48_000_000, to: 50_000_000 },
    });
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([OFFICER]);
    // The NGO's notices now tell of it, with each change.
    expect(ngoNotices(purchase as never, []).find((n) => n.kind === 'AMENDED')).toMatchObject({
      id: 'amended:A1',
      changes: A1.changes,
    });
    // A retry of the step changes nothing more and mails nobody again.
    await concludeAmendment(deps, { purchaseId: PURCHASE });
    expect((await fakes.budgets.getBudgetLine(LINE))?.availableFen).toBe(10_000_000);
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('refuses it when the budget line has no room: REJECTED with why in both languages, the contract unchanged', async () => {
    await seed(49_000_000);
    const decided = await concludeAmendment(deps, { purchaseId: PURCHASE });
    expect(decided.status).toBe('REJECTED');
    expect(decided.reason?.zh).toMatch(/预算指标 2026-MZ-ELDER-01 仅剩 ¥10,000.00/);
    expect(decided.reason?.en).toMatch(/needs ¥20,000.00 more/);
    const purchase = await fakes.purchases.getPurchase(PURCHASE);
    expect(purchase?.proposal).toEqual(sampleProposal());
    expect(purchase?.budget?.amountFen).toBe(48_000_000);
    expect((await fakes.budgets.getBudgetLine(LINE))?.availableFen).toBe(1_000_000);
    const actions = (await fakes.purchases.listAudit(PURCHASE)).map((e) => e.action);
    expect(actions).toContain('amendment.refused');
    expect(actions).not.toContain('amendment.applied');
  });
});
