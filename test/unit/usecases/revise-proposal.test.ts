import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { NotPermittedError, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { planApproval } from '../../../shared/usecases/plan-approval.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { requestRevision } from '../../../shared/usecases/request-revision.js';
import { reviseProposal } from '../../../shared/usecases/revise-proposal.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-REVISEDAAAAAAAAA';
const ELDER_LINE = '2026-MZ-ELDER-01';
const OFFICER: StaffMember = {
  sub: 'officer-7',
  roles: ['officer'],
  email: 'officer@civil-affairs.example.gov.cn',
};
const RETURN_COMMENT = '督导费用偏高，请压缩并说明 · supervision costs too much: cut it and explain';
let fakes: Fakes;

function deps() {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    trackRecords: fakes.trackRecords,
    settings: TEST_POLICY,
    now: fakes.clock.now,
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: 'https://purchases.civil-affairs.example.gov.cn',
    delegations: fakes.delegations,
  };
}

async function stored(): Promise<PurchaseRecord> {
  const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
  if (!purchase) throw new Error('the test purchase is gone');
  return purchase;
}

/** Asks a level and records its answer as the approver's link would. */
async function answer(level: 'SECTION_CHIEF' | 'FINANCE_SECTION', decision: 'APPROVE' | 'RETURN') {
  const { taskId } = await requestDecision(deps(), {
    purchaseId: PURCHASE_ID,
    level,
    attempt: 'FIRST',
    taskToken: `token-${level}-${decision}-${Math.random()}`,
  });
  const task = await fakes.tasks.getTask(taskId);
  if (!task) throw new Error('no task');
  await fakes.tasks.decide({
    taskId,
    nonce: task.nonce,
    decision,
    comment: decision === 'RETURN' ? RETURN_COMMENT : '',
    now: fakes.clock.now(),
  });
  return task;
}

/**
 * A full-chain purchase (¥480,000 on a line of ¥500,000) the section chief approved and the finance
 * section returned, with the officer asked to revise (round 1).
 */
async function returnedByFinance(): Promise<void> {
  const proposal = largeElderlyCareProposal();
  await fakes.budgets.ensureBudgetLine({
    lineId: ELDER_LINE,
    year: 2026,
    description: 'elderly',
    totalFen: 50_000_000,
  });
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, proposal, {
      stage: 'APPROVAL',
      createdBy: OFFICER.email,
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      budget: { lineId: ELDER_LINE, amountFen: proposal.totalFen, status: 'RESERVED', at: fakes.clock.now() },
    }),
  );
  await fakes.budgets.reserve({
    lineId: ELDER_LINE,
    purchaseId: PURCHASE_ID,
    amountFen: proposal.totalFen,
    now: fakes.clock.now(),
  });
  await answer('SECTION_CHIEF', 'APPROVE');
  await answer('FINANCE_SECTION', 'RETURN');
  await requestRevision(deps(), {
    purchaseId: PURCHASE_ID,
    level: 'FINANCE_SECTION',
    round: 1,
    attempt: 'FIRST',
    taskToken: 'revision-token-1',
  });
}

/** The proposal with ¥10,000 less supervision (and total). */
function cheaper(): Proposal & { note?: string } {
  const proposal = largeElderlyCareProposal();
  const supervision = proposal.budgetLines[2];
  if (!supervision) throw new Error('the sample changed');
  supervision.amountFen -= 1_000_000;
  proposal.totalFen -= 1_000_000;
  return proposal;
}

const revise = (body: unknown, staff: StaffMember = OFFICER) =>
  reviseProposal(deps(), { purchaseId: PURCHASE_ID, body, staff });

async function validationErrorOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

describe('an approver returns a proposal for revision', () => {
  it('plan waits for the revision of the level that returned it (round 1), keeping the earlier approval', async () => {
    await returnedByFinance();
    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({
      next: 'REVISION',
      level: 'FINANCE_SECTION',
      round: 1,
    });
    expect((await stored()).approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
  });

  it('the officer who registered it is given a REVISION task and mailed once what was returned, by whom and why, without a link', async () => {
    await returnedByFinance();
    const tasks = await fakes.tasks.listTasks(PURCHASE_ID);
    const revision = tasks.find((t) => t.purpose === 'REVISION');
    expect(revision).toMatchObject({
      stepKey: 'REVISION:1',
      status: 'PENDING',
      level: 'FINANCE_SECTION',
      assignee: { email: OFFICER.email },
    });
    // A retry of the same attempt mails nothing more.
    await requestRevision(deps(), {
      purchaseId: PURCHASE_ID,
      level: 'FINANCE_SECTION',
      round: 1,
      attempt: 'FIRST',
      taskToken: 'revision-token-1',
    });
    const toOfficer = fakes.mailer.sent.filter((m) => m.to === OFFICER.email);
    expect(toOfficer).toHaveLength(1);
    const mail = toOfficer[0];
    expect(mail?.subject).toContain('退回修改');
    expect(mail?.text).toContain(RETURN_COMMENT);
    expect(mail?.text).toContain('finance-section@civil-affairs.example.gov.cn');
    expect(mail?.text).toContain('Revise and resubmit');
    expect(mail?.text).not.toMatch(/https?:\/\//);
    expect(mail?.text).not.toContain('revision-token-1');
    expect((await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action)).toContain(
      'revision.requested',
    );
  });

  it('a reminder renews the same task and mails the officer a reminder', async () => {
    await returnedByFinance();
    await requestRevision(deps(), {
      purchaseId: PURCHASE_ID,
      level: 'FINANCE_SECTION',
      round: 1,
      attempt: 'REMINDER',
      taskToken: 'revision-token-2',
    });
    const revisions = (await fakes.tasks.listTasks(PURCHASE_ID)).filter((t) => t.purpose === 'REVISION');
    expect(revisions).toHaveLength(1);
    const toOfficer = fakes.mailer.sent.filter((m) => m.to === OFFICER.email);
    expect(toOfficer.map((m) => m.subject.includes('退回修改'))).toEqual([true, true]);
    expect(toOfficer[1]?.text).toContain('Reminder');
  });
});

describe('the officer revises the returned proposal', () => {
  it('records the corrected proposal, moves the reservation, drops only the returned answer, and hands REVISE to the waiting step', async () => {
    await returnedByFinance();
    const outcome = await revise({ ...cheaper(), note: '督导费用已压缩 · supervision cut' });

    expect(outcome).toMatchObject({
      outcome: 'REVISED',
      revision: {
        round: 1,
        level: 'FINANCE_SECTION',
        returned: { decision: 'RETURN', comment: RETURN_COMMENT },
        revisedBy: OFFICER.email,
        note: '督导费用已压缩 · supervision cut',
        changed: ['budgetLines.2.amountFen', 'totalFen'],
      },
    });
    const purchase = await stored();
    expect(purchase.proposal.totalFen).toBe(47_000_000);
    expect(purchase.budget?.amountFen).toBe(47_000_000);
    expect(purchase.approvals.SECTION_CHIEF?.decision).toBe('APPROVE');
    expect(purchase.approvals.FINANCE_SECTION).toBeUndefined();
    expect(purchase.revisions).toHaveLength(1);
    expect(purchase.decisions['REVISION:1']).toMatchObject({ decision: 'REVISE' });
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(3_000_000);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'revision-token-1',
        output: expect.objectContaining({ decision: 'REVISE', comment: '督导费用已压缩 · supervision cut' }),
      },
    ]);
    const revised = (await fakes.purchases.listAudit(PURCHASE_ID)).find(
      (e) => e.action === 'proposal.revised',
    );
    // Nothing the officer first submitted is lost: the audit entry keeps the proposal it replaced.
    expect(revised?.detail).toMatchObject({ round: 1, previous: { totalFen: 48_000_000 } });
  });

  it('keeps the registered bank account when the form sends back its masked number', async () => {
    await returnedByFinance();
    const registered = largeElderlyCareProposal().ngo.bankAccount;
    if (!registered) throw new Error('the sample has no bank account');
    const masked = { ...registered, accountNumber: `****${registered.accountNumber.slice(-4)}` };
    await revise({ ...cheaper(), ngo: { ...cheaper().ngo, bankAccount: masked } });
    expect((await stored()).proposal.ngo.bankAccount).toEqual(registered);
  });

  it('then plan asks the same level again, by a new task of its own', async () => {
    await returnedByFinance();
    const returnedTask = (await fakes.tasks.listTasks(PURCHASE_ID)).find(
      (t) => t.stepKey === 'APPROVAL:FINANCE_SECTION',
    );
    await revise(cheaper());
    expect(await planApproval(deps(), PURCHASE_ID)).toMatchObject({ next: 'FINANCE_SECTION' });
    const { taskId } = await requestDecision(deps(), {
      purchaseId: PURCHASE_ID,
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      taskToken: 'asked-again',
    });
    expect(taskId).not.toBe(returnedTask?.taskId);
    expect(await fakes.tasks.getTask(taskId)).toMatchObject({
      stepKey: 'APPROVAL:FINANCE_SECTION:R1',
      status: 'PENDING',
    });
    expect(fakes.callbacks.succeeded.map((c) => c.taskToken)).not.toContain('asked-again');
  });

  it('goes back to the level that returned it even when the revised total no longer needs that level, and no further', async () => {
    await returnedByFinance();
    // With the full chain from ¥475,000, the revised ¥470,000 needs only the section chief.
    const lowerThreshold = {
      ...deps(),
      settings: { ...TEST_POLICY, approval: { ...TEST_POLICY.approval, fullChainAboveFen: 47_500_000 } },
    };
    await reviseProposal(lowerThreshold, { purchaseId: PURCHASE_ID, body: cheaper(), staff: OFFICER });
    expect((await stored()).approvalLevels).toEqual(['SECTION_CHIEF', 'FINANCE_SECTION']);
    expect(await planApproval(lowerThreshold, PURCHASE_ID)).toMatchObject({
      next: 'FINANCE_SECTION',
      remaining: ['FINANCE_SECTION'],
    });
  });

  it('a second revision of the same round changes nothing more (409: nothing waits for a revision)', async () => {
    await returnedByFinance();
    await revise(cheaper());
    const again = await revise(largeElderlyCareProposal());
    expect(again).toMatchObject({
      outcome: 'NOT_REVISABLE',
      message: { zh: expect.stringContaining('退回') },
    });
    expect((await stored()).proposal.totalFen).toBe(47_000_000);
  });

  it('is refused with 409 when no approver returned the proposal', async () => {
    const proposal = largeElderlyCareProposal();
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, proposal, { stage: 'APPROVAL', createdBy: OFFICER.email }),
    );
    expect(await revise(proposal)).toMatchObject({ outcome: 'NOT_REVISABLE', stage: 'APPROVAL' });
  });

  it('answers UNKNOWN for a purchase that does not exist', async () => {
    expect(await revise(largeElderlyCareProposal())).toEqual({ outcome: 'UNKNOWN' });
  });

  it('another officer may not revise it; an administrator may', async () => {
    await returnedByFinance();
    await expect(
      revise(cheaper(), { sub: 'officer-8', roles: ['officer'], email: 'other@x.gov.cn' }),
    ).rejects.toBeInstanceOf(NotPermittedError);
    expect(
      await revise(cheaper(), { sub: 'admin-1', roles: ['admin'], email: 'admin@x.gov.cn' }),
    ).toMatchObject({
      outcome: 'REVISED',
    });
  });

  it('refuses another budget line (400 on budgetLineRef: withdraw and register anew) and changes nothing', async () => {
    await returnedByFinance();
    const error = await validationErrorOf(revise({ ...cheaper(), budgetLineRef: '2026-MZ-MINOR-01' }));
    const onLine = error.errors.filter((e) => e.field === 'budgetLineRef');
    expect(onLine).toHaveLength(1);
    expect(onLine[0]).toMatchObject({ rule: 'revision-budget-line-fixed' });
    expect(onLine[0]?.message).toContain('withdraw');
    expect(onLine[0]?.zh).toContain('撤回');
    expect((await stored()).proposal.totalFen).toBe(48_000_000);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('refuses a total the line cannot hold (400 on totalFen naming the most it can be) and keeps the reservation', async () => {
    await returnedByFinance();
    const dearer = largeElderlyCareProposal();
    const supervision = dearer.budgetLines[2];
    if (!supervision) throw new Error('the sample changed');
    supervision.amountFen += 3_000_000;
    dearer.totalFen += 3_000_000;
    const error = await validationErrorOf(revise(dearer));
    expect(error.errors).toEqual([
      expect.objectContaining({
        field: 'totalFen',
        rule: 'budget-line-remaining',
        allowed: expect.stringContaining('500,000'),
      }),
    ]);
    expect((await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen).toBe(2_000_000);
    expect((await stored()).approvals.FINANCE_SECTION?.decision).toBe('RETURN');
  });

  it('names each field of the proposal that breaks a rule, as POST /purchases does, and a note that is too long', async () => {
    await returnedByFinance();
    const broken = { ...cheaper(), title: '', note: 'x'.repeat(2001) };
    const error = await validationErrorOf(revise(broken));
    expect(error.errors.map((e) => e.field).sort()).toEqual(['note', 'title']);
  });
});
