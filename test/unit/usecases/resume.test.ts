import { beforeEach, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import type { Stage } from '../../../shared/domain/lifecycle.js';
import { resumeOpenPurchases } from '../../../shared/usecases/resume.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

let fakes: Fakes;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

function seedAt(purchaseId: string, stage: Stage): void {
  fakes.purchases.seed(purchaseRecord(purchaseId, smallMinorProtectionProposal(), { stage }));
}

const resume = () =>
  resumeOpenPurchases({
    purchases: fakes.purchases,
    workflow: fakes.workflow,
    executions: fakes.workflow,
    now: fakes.clock.now,
  });

/** The local runtime restarted: the executions it ran are gone (DescribeExecution finds none). */
const restarted = () => fakes.workflow.executions.clear();

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
});

describe('resumeOpenPurchases', () => {
  it('starts one execution per unfinished purchase, resuming at its stage', async () => {
    seedAt('PUR-2026-AAAAAAAAAAAAAAA1', 'PROPOSAL');
    seedAt('PUR-2026-AAAAAAAAAAAAAAA2', 'APPROVAL');
    seedAt('PUR-2026-AAAAAAAAAAAAAAA3', 'CONTRACTING');
    seedAt('PUR-2026-AAAAAAAAAAAAAAA4', 'REJECTED');
    seedAt('PUR-2026-AAAAAAAAAAAAAAA5', 'CLOSED');

    const resumed = await resume();

    expect(resumed).toEqual([
      { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', resumeAt: 'PROPOSAL' },
      { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2', resumeAt: 'APPROVAL' },
      { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA3', resumeAt: 'CONTRACTING' },
    ]);
    expect(fakes.workflow.starts.map(({ purchaseId, resumeAt }) => ({ purchaseId, resumeAt }))).toEqual(
      resumed,
    );
  });

  it('never starts a purchase at a final stage, even if the listing returns one', async () => {
    fakes.purchases.listOpenPurchases = async () => [
      { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA4', stage: 'REJECTED' },
      { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA6', stage: 'TERMINATED' },
    ];
    expect(await resume()).toEqual([]);
    expect(fakes.workflow.starts).toEqual([]);
  });

  it('names each execution afresh (purchase id and resume time), never the name of the first execution', async () => {
    seedAt('PUR-2026-AAAAAAAAAAAAAAA2', 'APPROVAL');

    await resume();
    restarted();
    fakes.clock.advanceSeconds(3600);
    await resume();

    const names = fakes.workflow.starts.map((s) => s.executionName);
    expect(names).toEqual([
      'PUR-2026-AAAAAAAAAAAAAAA2-r20260302080000000',
      'PUR-2026-AAAAAAAAAAAAAAA2-r20260302090000000',
    ]);
    for (const name of names) expect(name).toMatch(EXECUTION_NAME);
  });

  it('two resumes within one second still get two names', async () => {
    seedAt('PUR-2026-AAAAAAAAAAAAAAA2', 'APPROVAL');
    await resume();
    restarted();
    fakes.clock.advanceSeconds(0.25);
    await resume();
    const names = new Set(fakes.workflow.starts.map((s) => s.executionName));
    expect(names.size).toBe(2);
  });

  it('leaves a purchase whose execution still runs alone (after a redeploy), so none is doubled', async () => {
    seedAt('PUR-2026-AAAAAAAAAAAAAAA1', 'APPROVAL');
    seedAt('PUR-2026-AAAAAAAAAAAAAAA2', 'APPROVAL');
    fakes.workflow.runs('PUR-2026-AAAAAAAAAAAAAAA1');

    const resumed = await resume();

    expect(resumed).toEqual([{ purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2', resumeAt: 'APPROVAL' }]);
    expect(fakes.workflow.starts).toHaveLength(1);
  });

  it('finds a still-running resumed execution by the name on the audit trail, and resumes once it has ended', async () => {
    seedAt('PUR-2026-AAAAAAAAAAAAAAA1', 'CONTRACTING');
    const [first] = await resume();
    const name = fakes.workflow.starts[0]?.executionName ?? '';

    fakes.clock.advanceSeconds(60);
    const whileRunning = await resume();
    fakes.workflow.executions.set(name, { name, status: 'FAILED', startDate: '2026-03-02T08:00:00.000Z' });
    fakes.clock.advanceSeconds(60);
    const afterFailure = await resume();

    expect(first).toEqual({ purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', resumeAt: 'CONTRACTING' });
    expect(name).toMatch(/^PUR-2026-AAAAAAAAAAAAAAA1-r\d{17}$/);
    expect(whileRunning).toEqual([]);
    expect(afterFailure).toEqual([first]);
    expect(fakes.workflow.starts).toHaveLength(2);
  });

  it('resumes an amendment awaiting approval in an execution of its own, beside the stage, and leaves a running one alone', async () => {
    const purchaseId = 'PUR-2026-AAAAAAAAAAAAAAA7';
    fakes.purchases.seed(
      purchaseRecord(purchaseId, smallMinorProtectionProposal(), {
        stage: 'MIDTERM_REVIEW',
        amendments: [
          {
            id: 'A1',
            requestedBy: 'o@x.cn',
            requestedAt: '2026-03-01T00:00:00.000Z',
            rationale: '延长服务期限的理由。',
            changes: [{ field: 'term.end', former: '2026-12-31', value: '2026-12-30' }],
            levels: ['SECTION_CHIEF'],
            status: 'PROPOSED',
            approvals: {},
          },
        ],
      }),
    );
    await fakes.workflow.start({
      purchaseId,
      resumeAt: 'AMENDMENT',
      executionName: `${purchaseId}-AMENDMENT-1`,
    });
    await fakes.purchases.change({
      purchaseId,
      audit: {
        actor: 'system:workflow',
        action: 'workflow.started',
        detail: { execution: `${purchaseId}-AMENDMENT-1`, resumeAt: 'AMENDMENT' },
      },
      eventId: `workflow.started:${purchaseId}-AMENDMENT-1`,
      now: fakes.clock.now(),
    });
    // Its amendment's execution still runs: only the stage is resumed (the amendment's run does not hold it back).
    expect(await resume()).toEqual([{ purchaseId, resumeAt: 'MIDTERM_REVIEW' }]);
    expect(fakes.workflow.starts.filter((s) => s.resumeAt === 'AMENDMENT')).toHaveLength(1);

    restarted();
    await resume();
    const amendmentStarts = fakes.workflow.starts.filter((s) => s.resumeAt === 'AMENDMENT');
    expect(amendmentStarts).toHaveLength(2);
    expect(amendmentStarts[1]?.executionName).toMatch(new RegExp(`^${purchaseId}-AMENDMENT-1-r\\d{17}$`));
    expect(amendmentStarts[1]?.executionName).toMatch(EXECUTION_NAME);
  });

  it('with nothing open starts nothing', async () => {
    expect(await resume()).toEqual([]);
    expect(fakes.workflow.starts).toEqual([]);
  });
});
