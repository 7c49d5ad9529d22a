import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { WithdrawnPurchaseError } from '../../../shared/domain/withdrawal.js';
import { PurchaseRefused } from '../../../shared/domain/workflow-errors.js';
import { concludeApproval, rejectPurchase } from '../../../shared/usecases/approval-outcome.js';
import { planApproval } from '../../../shared/usecases/plan-approval.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { requestRevision } from '../../../shared/usecases/request-revision.js';
import { withdrawProposal } from '../../../shared/usecases/withdraw-proposal.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-WITHDRAWNAAAAAAA';
const ELDER_LINE = '2026-MZ-ELDER-01';
const OFFICER = 'officer@civil-affairs.example.gov.cn';
const REASON = '服务需求已由街道自行承接 · the street office took the service on itself';
let fakes: Fakes;

function deps() {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    settings: TEST_POLICY,
    now: fakes.clock.now,
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: 'https://purchases.civil-affairs.example.gov.cn',
    delegations: fakes.delegations,
  };
}

const withdraw = (reason = REASON) =>
  withdrawProposal(deps(), { purchaseId: PURCHASE_ID, by: OFFICER, reason });

async function stored(): Promise<PurchaseRecord> {
  const purchase = await fakes.purchases.getPurchase(PURCHASE_ID);
  if (!purchase) throw new Error('the test purchase is gone');
  return purchase;
}

/** A purchase under approval with its budget reserved and the section chief's link open. */
async function underApproval(): Promise<string> {
  const proposal = largeElderlyCareProposal();
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, proposal, {
      stage: 'APPROVAL',
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
  const { taskId } = await requestDecision(deps(), {
    purchaseId: PURCHASE_ID,
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    taskToken: 'token-of-the-chief-wait',
  });
  return taskId;
}

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  await fakes.budgets.ensureBudgetLine({
    lineId: ELDER_LINE,
    year: 2026,
    description: 'elder',
    totalFen: 500_000_000,
  });
});

describe('withdrawProposal', () => {
  it('records the withdrawal with its audit entry, closes the open link and hands WITHDRAWN to the waiting step', async () => {
    const taskId = await underApproval();
    const outcome = await withdraw();
    expect(outcome).toMatchObject({ outcome: 'WITHDRAWN', closedTaskIds: [taskId] });
    expect((await stored()).withdrawal).toEqual({ by: OFFICER, reason: REASON, at: fakes.clock.now() });
    expect((await fakes.tasks.getTask(taskId))?.status).toBe('EXPIRED');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-of-the-chief-wait',
        output: { decision: 'WITHDRAWN', by: OFFICER, comment: REASON, taskId },
      },
    ]);
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      actor: OFFICER,
      action: 'purchase.withdrawal-requested',
      detail: { reason: REASON },
    });
  });

  it('asked twice, records once and answers ALREADY_WITHDRAWN with the first reason', async () => {
    await underApproval();
    await withdraw();
    const again = await withdraw('another reason');
    expect(again).toMatchObject({ outcome: 'ALREADY_WITHDRAWN', withdrawal: { reason: REASON } });
    const requested = (await fakes.purchases.listAudit(PURCHASE_ID)).filter(
      (e) => e.action === 'purchase.withdrawal-requested',
    );
    expect(requested).toHaveLength(1);
    expect(fakes.callbacks.succeeded).toHaveLength(1);
  });

  it.each<Stage>(['CONTRACTING', 'MIDTERM_REVIEW', 'CLOSED', 'REJECTED'])(
    'refuses at %s (approval has ended) and changes nothing',
    async (stage) => {
      fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage }));
      const before = await fakes.purchases.listAudit(PURCHASE_ID);
      const outcome = await withdraw();
      expect(outcome).toMatchObject({ outcome: 'TOO_LATE', stage });
      if (outcome.outcome === 'TOO_LATE') expect(outcome.message.zh).toContain('审批已结束');
      expect(await fakes.purchases.listAudit(PURCHASE_ID)).toEqual(before);
      expect((await stored()).withdrawal).toBeUndefined();
    },
  );

  it('answers UNKNOWN for a purchase that does not exist', async () => {
    expect(await withdraw()).toEqual({ outcome: 'UNKNOWN' });
  });
});

describe('the workflow after a withdrawal', () => {
  it('ends the purchase REJECTED with the outcome WITHDRAWN, the officer named, and gives the budget back', async () => {
    await underApproval();
    const line = async () => (await fakes.budgets.getBudgetLine(ELDER_LINE))?.availableFen;
    const reserved = await line();
    await withdraw();
    await rejectPurchase(deps(), { purchaseId: PURCHASE_ID, error: 'PurchaseWithdrawn', cause: 'withdrawn' });
    const purchase = await stored();
    expect(purchase.stage).toBe('REJECTED');
    expect(purchase.outcome).toMatchObject({
      result: 'WITHDRAWN',
      by: OFFICER,
      reason: `withdrawn by ${OFFICER}: ${REASON}`,
    });
    expect(purchase.budget?.status).toBe('RELEASED');
    expect(await line()).toBe((reserved ?? 0) + largeElderlyCareProposal().totalFen);
    const actions = (await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action);
    expect(actions).toContain('purchase.withdrawn');
    expect(fakes.mailer.sent.at(-1)?.subject).toContain('已撤回');
  });

  it('plan refuses a withdrawn purchase, so an approval given meanwhile does not ask the next level', async () => {
    await underApproval();
    await withdraw();
    const refused = await planApproval(deps(), PURCHASE_ID).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PurchaseRefused);
    expect((refused as PurchaseRefused).reason).toBe('WITHDRAWN');
  });

  it('while the officer is asked to revise, closes the revision task and hands WITHDRAWN to its waiting step; plan then refuses', async () => {
    const chiefTaskId = await underApproval();
    const chiefTask = await fakes.tasks.getTask(chiefTaskId);
    await fakes.tasks.decide({
      taskId: chiefTaskId,
      nonce: chiefTask?.nonce ?? '',
      decision: 'RETURN',
      comment: '人员配置需调整 · fix the staff plan',
      now: fakes.clock.now(),
    });
    const { taskId: revisionTaskId } = await requestRevision(deps(), {
      purchaseId: PURCHASE_ID,
      level: 'SECTION_CHIEF',
      round: 1,
      attempt: 'FIRST',
      taskToken: 'token-of-the-revision-wait',
    });

    expect(await withdraw()).toMatchObject({ outcome: 'WITHDRAWN', closedTaskIds: [revisionTaskId] });
    expect((await fakes.tasks.getTask(revisionTaskId))?.status).toBe('EXPIRED');
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-of-the-revision-wait',
        output: { decision: 'WITHDRAWN', by: OFFICER, comment: REASON, taskId: revisionTaskId },
      },
    ]);
    const refused = await planApproval(deps(), PURCHASE_ID).catch((e: unknown) => e);
    expect((refused as PurchaseRefused).reason).toBe('WITHDRAWN');
  });

  it('an approval step that opens its task after the withdrawal closes it and hands WITHDRAWN back, mailing nobody', async () => {
    await underApproval();
    await withdraw();
    const mailsBefore = fakes.mailer.sent.length;
    const { taskId } = await requestDecision(deps(), {
      purchaseId: PURCHASE_ID,
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      taskToken: 'token-of-the-finance-wait',
    });
    expect((await fakes.tasks.getTask(taskId))?.status).toBe('EXPIRED');
    expect(fakes.callbacks.succeeded.at(-1)).toMatchObject({
      taskToken: 'token-of-the-finance-wait',
      output: { decision: 'WITHDRAWN' },
    });
    expect(fakes.mailer.sent).toHaveLength(mailsBefore);
  });

  it('conclude refuses a withdrawn purchase, and no stage move but the end is written over a withdrawal', async () => {
    await underApproval();
    await withdraw();
    await expect(concludeApproval(deps(), PURCHASE_ID)).rejects.toMatchObject({ reason: 'WITHDRAWN' });
    await expect(
      fakes.purchases.change({
        purchaseId: PURCHASE_ID,
        from: 'APPROVAL',
        to: 'CONTRACTING',
        audit: { actor: 'workflow', action: 'purchase.approved' },
        eventId: 'purchase.approved',
        now: fakes.clock.now(),
      }),
    ).rejects.toBeInstanceOf(WithdrawnPurchaseError);
    expect((await stored()).stage).toBe('APPROVAL');
  });
});
