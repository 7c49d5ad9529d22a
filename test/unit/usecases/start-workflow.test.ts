import { beforeEach, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import { startWorkflow, WORKFLOW_STARTED_ACTION } from '../../../shared/usecases/start-workflow.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

const PURCHASE_ID = 'PUR-2026-AAAAAAAAAAAAAAA1';
let fakes: Fakes;

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, smallMinorProtectionProposal(), { stage: 'CONTRACTING' }));
});

const start = (input: Parameters<typeof startWorkflow>[1]) =>
  startWorkflow({ purchases: fakes.purchases, workflow: fakes.workflow, now: fakes.clock.now }, input);

const started = async () =>
  (await fakes.purchases.listAudit(PURCHASE_ID)).filter((e) => e.action === WORKFLOW_STARTED_ACTION);

describe('startWorkflow', () => {
  it("records the execution's name on the audit trail, then starts it", async () => {
    await start({
      purchaseId: PURCHASE_ID,
      resumeAt: 'CONTRACTING',
      executionName: `${PURCHASE_ID}-r1`,
    });

    expect((await started()).map((e) => [e.actor, e.detail])).toEqual([
      ['system:workflow', { execution: `${PURCHASE_ID}-r1`, resumeAt: 'CONTRACTING' }],
    ]);
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: PURCHASE_ID, resumeAt: 'CONTRACTING', executionName: `${PURCHASE_ID}-r1` },
    ]);
  });

  it('names the execution after the purchase by default, and records a repeat once', async () => {
    await start({ purchaseId: PURCHASE_ID });
    await start({ purchaseId: PURCHASE_ID });

    expect((await started()).map((e) => e.detail)).toEqual([{ execution: PURCHASE_ID }]);
    expect(fakes.workflow.starts).toHaveLength(2);
  });

  it('keeps the record when the start fails, so the purchase shows a name with no execution', async () => {
    fakes.workflow.start = async () => {
      throw new Error('Step Functions is unavailable');
    };

    await expect(start({ purchaseId: PURCHASE_ID })).rejects.toThrow('unavailable');
    expect(await started()).toHaveLength(1);
    expect(await fakes.workflow.describe(PURCHASE_ID)).toBeUndefined();
  });
});
