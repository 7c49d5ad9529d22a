import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { TrancheMilestone } from '../../../shared/domain/proposal.js';
import { awaitSettlement, resumeClosingWhenSettled } from '../../../shared/usecases/settlement.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2027-SETTLEMENTAAAAAA';
const NOW = '2027-02-01T08:00:00.000Z';
let fakes: Fakes;

const deps = () => ({
  payments: fakes.payments,
  callbacks: fakes.callbacks,
  lifecycle: TEST_LIFECYCLE,
  now: fakes.clock.now,
});

async function due(tranche: number, milestone: TrancheMilestone) {
  await fakes.payments.openPayment(
    {
      purchaseId: PURCHASE_ID,
      tranche,
      milestone,
      amountFen: 1_000_000,
      dueDate: '2027-03-01',
      notifiedAt: NOW,
    },
    NOW,
  );
}

const pay = (tranche: number) =>
  fakes.payments.confirmPayment({
    purchaseId: PURCHASE_ID,
    tranche,
    by: 'f@x.cn',
    reference: `B-${tranche}`,
    now: NOW,
  });

beforeEach(async () => {
  fakes = createFakes(NOW);
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'EVALUATION' }));
  await due(1, 'CONTRACT_SIGNED');
  await due(3, 'EVALUATION_PASSED');
  await pay(1);
});

describe('awaitSettlement (the closing step’s wait)', () => {
  it('with a tranche still due arms the wait with its token and answers nothing yet', async () => {
    const answer = await awaitSettlement(deps(), {
      purchaseId: PURCHASE_ID,
      taskToken: 'token-1',
      startedAt: NOW,
    });

    expect(answer).toEqual({ outstanding: [3] });
    expect(await fakes.payments.getSettlementWait(PURCHASE_ID)).toEqual({
      purchaseId: PURCHASE_ID,
      taskToken: 'token-1',
      armedAt: NOW,
    });
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('with every tranche settled (paid, waived, withheld) hands CLOSE back at once', async () => {
    await fakes.payments.waivePayment({
      purchaseId: PURCHASE_ID,
      tranche: 3,
      by: 'head@x.cn',
      reason: 'renounced',
      now: NOW,
    });

    const answer = await awaitSettlement(deps(), {
      purchaseId: PURCHASE_ID,
      taskToken: 'token-1',
      startedAt: NOW,
    });

    expect(answer).toEqual({ outstanding: [] });
    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'token-1', output: { next: 'CLOSE' } }]);
  });

  it('hands the purchase over, without arming, when the next recheck would outlast its execution', async () => {
    // Started 330 days ago: a week's wait would end past the 335 days an execution may be busy.
    const startedAt = new Date(Date.parse(NOW) - 330 * 86_400_000).toISOString();

    await awaitSettlement(deps(), { purchaseId: PURCHASE_ID, taskToken: 'token-1', startedAt });

    expect(fakes.callbacks.succeeded).toEqual([
      { taskToken: 'token-1', output: { next: 'HAND_OVER', handOverAt: NOW } },
    ]);
    expect(await fakes.payments.getSettlementWait(PURCHASE_ID)).toBeUndefined();
  });
});

describe('resumeClosingWhenSettled', () => {
  it('resumes the waiting step once the last tranche is paid, with the newest token armed', async () => {
    await awaitSettlement(deps(), { purchaseId: PURCHASE_ID, taskToken: 'token-1', startedAt: NOW });
    await awaitSettlement(deps(), { purchaseId: PURCHASE_ID, taskToken: 'token-2', startedAt: NOW });
    expect(await resumeClosingWhenSettled(deps(), PURCHASE_ID)).toBe(false);

    await pay(3);

    expect(await resumeClosingWhenSettled(deps(), PURCHASE_ID)).toBe(true);
    expect(fakes.callbacks.succeeded).toEqual([{ taskToken: 'token-2', output: { next: 'CLOSE' } }]);
  });

  it('does nothing when nobody waits yet, or when the execution has moved on', async () => {
    await pay(3);
    expect(await resumeClosingWhenSettled(deps(), PURCHASE_ID)).toBe(false);

    await fakes.payments.armSettlementWait({ purchaseId: PURCHASE_ID, taskToken: 'gone', now: NOW });
    fakes.callbacks.closed.add('gone');
    expect(await resumeClosingWhenSettled(deps(), PURCHASE_ID)).toBe(false);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });
});
