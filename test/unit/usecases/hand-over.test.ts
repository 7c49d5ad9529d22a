import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import { handOverPurchase } from '../../../shared/usecases/hand-over.js';
import { startedExecutions } from '../../../shared/usecases/start-workflow.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

const PURCHASE_ID = 'PUR-2026-HANDOVERAAAAAAAA';

let fakes: Fakes;
const deps = () => ({
  purchases: fakes.purchases,
  workflow: fakes.workflow,
  executions: fakes.workflow,
  now: fakes.clock.now,
});
const seed = (stage: Stage) =>
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage }));
const started = async () => startedExecutions(await fakes.purchases.listAudit(PURCHASE_ID));

beforeEach(() => {
  fakes = createFakes('2027-03-02T08:00:00.000Z');
});

describe('handOverPurchase', () => {
  it('starts the next execution at the stage DynamoDB holds, named after the purchase and that stage', async () => {
    seed('CONTRACTING');
    expect(await handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: PURCHASE_ID })).toEqual({
      execution: `${PURCHASE_ID}-CONTRACTING-1`,
    });
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: PURCHASE_ID, resumeAt: 'CONTRACTING', executionName: `${PURCHASE_ID}-CONTRACTING-1` },
    ]);
    expect(await started()).toEqual([
      {
        name: `${PURCHASE_ID}-CONTRACTING-1`,
        resumeAt: 'CONTRACTING',
        from: PURCHASE_ID,
        requestedAt: '2027-03-02T08:00:00.000Z',
      },
    ]);
  });

  it('numbers the executions of one stage, and a retried hand-over does not start its successor twice', async () => {
    seed('MIDTERM_REVIEW');
    const first = await handOverPurchase(deps(), {
      purchaseId: PURCHASE_ID,
      from: `${PURCHASE_ID}-CONTRACTING-1`,
    });
    const second = await handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: first.execution ?? '' });
    const retried = await handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: first.execution ?? '' });

    expect([first, second, retried].map((h) => h.execution)).toEqual([
      `${PURCHASE_ID}-MIDTERM_REVIEW-1`,
      `${PURCHASE_ID}-MIDTERM_REVIEW-2`,
      `${PURCHASE_ID}-MIDTERM_REVIEW-2`,
    ]);
    expect((await started()).map((e) => e.name)).toEqual([
      `${PURCHASE_ID}-MIDTERM_REVIEW-1`,
      `${PURCHASE_ID}-MIDTERM_REVIEW-2`,
    ]);
    expect(fakes.workflow.starts).toHaveLength(2);
  });

  it('starts the successor it recorded when the first try stopped before starting it', async () => {
    seed('EVALUATION');
    fakes.workflow.failNextStart = new Error('Rate exceeded');
    await expect(handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: 'before' })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(await handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: 'before' })).toEqual({
      execution: `${PURCHASE_ID}-EVALUATION-1`,
    });
    expect(fakes.workflow.starts.map((s) => s.executionName)).toEqual([`${PURCHASE_ID}-EVALUATION-1`]);
  });

  it('hands a finished purchase to no one', async () => {
    seed('TERMINATED');
    expect(await handOverPurchase(deps(), { purchaseId: PURCHASE_ID, from: PURCHASE_ID })).toEqual({
      execution: null,
    });
    expect(fakes.workflow.starts).toEqual([]);
    expect(await started()).toEqual([]);
  });
});
