import { describe, expect, test } from 'vitest';
import type { DeliverableRecord } from '../../../shared/domain/deliverables.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { createFakes } from '../../support/fakes/index.js';

/** The fakes other suites rely on keep the same promises as the table's repositories. */

const NOW = '2026-04-01T08:00:00.000Z';
const LATER = '2026-04-02T08:00:00.000Z';
const assignee = { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' };

async function setup() {
  const fakes = createFakes(NOW);
  await fakes.purchases.createPurchase({
    purchaseId: 'p-1',
    proposal: { title: 'Home care' } as Proposal,
    createdBy: 'officer-1',
    now: NOW,
  });
  return fakes;
}

function upload(overrides: Partial<DeliverableRecord> = {}): DeliverableRecord {
  return {
    purchaseId: 'p-1',
    uploadId: 'up-1',
    kind: 'MIDTERM_REPORT',
    key: 'uploads/p-1/MIDTERM_REPORT/up-1/r.pdf',
    fileName: 'r.pdf',
    size: 10,
    sha256: 'a'.repeat(64),
    uploadedBy: 'ngo:x',
    uploadedAt: LATER,
    eTag: '"e"',
    status: 'ACCEPTED',
    reasons: [],
    ...overrides,
  };
}

describe('in-memory fakes of the later stages', () => {
  test('a non-approval decision lands in decisions[stepKey] and an independence declaration counts once', async () => {
    const fakes = await setup();
    const { task } = await fakes.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'PAYMENT_CONFIRMATION:1',
      purpose: 'PAYMENT_CONFIRMATION',
      attempt: 'FIRST',
      assignee,
      expiresAt: '2026-04-30T08:00:00.000Z',
      now: NOW,
    });
    const evaluation = await fakes.tasks.openTask({
      purchaseId: 'p-1',
      stepKey: 'EVALUATION',
      purpose: 'EVALUATION',
      attempt: 'FIRST',
      assignee,
      taskToken: 't',
      expiresAt: '2026-04-30T08:00:00.000Z',
      now: NOW,
    });

    await fakes.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'CONFIRM',
      comment: '',
      data: { reference: 'BOC-1' },
      now: LATER,
    });
    const declare = () =>
      fakes.tasks.declareIndependence({
        taskId: evaluation.task.taskId,
        nonce: evaluation.task.nonce,
        now: LATER,
      });
    const outcomes = [(await declare()).outcome, (await declare()).outcome];

    const purchase = await fakes.purchases.getPurchase('p-1');
    expect(purchase?.approvals).toEqual({});
    expect(purchase?.decisions['PAYMENT_CONFIRMATION:1']).toMatchObject({
      decision: 'CONFIRM',
      data: { reference: 'BOC-1' },
    });
    expect(outcomes).toEqual(['DECLARED', 'ALREADY_DECLARED']);
    const actions = (await fakes.purchases.listAudit('p-1')).map((e) => e.action);
    expect(actions).toEqual(['proposal.submitted', 'task.decided', 'evaluation.independence-declared']);
    expect(await fakes.purchases.verifyAuditChain('p-1')).toMatchObject({ valid: true });
  });

  test('an upload is recorded once, and a new round of a wait needs a newer upload', async () => {
    const fakes = await setup();
    await fakes.waits.armWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'r1',
      since: NOW,
      now: NOW,
    });
    const first = upload();
    const results = [
      await fakes.deliverables.recordDeliverable(first, LATER),
      await fakes.deliverables.recordDeliverable(first, LATER),
    ];
    const satisfy = (taskToken: string, uploadId: string) =>
      fakes.waits.satisfyWait({ purchaseId: 'p-1', kind: 'MIDTERM_REPORT', taskToken, uploadId, now: LATER });

    expect(results.map((r) => r.created)).toEqual([true, false]);
    expect([await satisfy('r1', 'up-1'), await satisfy('r1', 'up-1')]).toEqual([true, false]);
    const round2 = '2026-05-01T00:00:00.000Z';
    await fakes.waits.armWait({
      purchaseId: 'p-1',
      kind: 'MIDTERM_REPORT',
      taskToken: 'r2',
      since: round2,
      now: round2,
    });
    await fakes.deliverables.recordDeliverable(
      upload({ uploadId: 'up-2', uploadedAt: '2026-05-02T00:00:00.000Z' }),
      LATER,
    );
    expect([await satisfy('r2', 'up-1'), await satisfy('r2', 'up-2')]).toEqual([false, true]);
    const actions = (await fakes.purchases.listAudit('p-1')).map((e) => e.action);
    expect(actions.filter((a) => a === 'deliverable.accepted')).toHaveLength(2);
  });

  test('a payment confirms once and never after it was withheld; a track record repeat is a no-op', async () => {
    const fakes = await setup();
    const notice = {
      purchaseId: 'p-1',
      milestone: 'CONTRACT_SIGNED' as const,
      amountFen: 100,
      dueDate: '2026-05-01',
      notifiedAt: NOW,
    };
    await fakes.payments.openPayment({ ...notice, tranche: 1 }, NOW);
    await fakes.payments.openPayment({ ...notice, tranche: 2 }, NOW);
    const confirm = (tranche: number) =>
      fakes.payments.confirmPayment({ purchaseId: 'p-1', tranche, by: 'clerk', reference: 'r', now: LATER });
    await fakes.payments.closePayment({
      ...notice,
      tranche: 2,
      status: 'WITHHELD',
      reason: 'failed',
      now: LATER,
    });

    expect([(await confirm(1)).outcome, (await confirm(1)).outcome, (await confirm(2)).outcome]).toEqual([
      'CONFIRMED',
      'ALREADY_CONFIRMED',
      'NOT_PAYABLE',
    ]);
    const entry = {
      purchaseId: 'p-1',
      grade: 'FAIL' as const,
      total: 500,
      evaluatedAt: LATER,
      evaluatedOn: '2026-04-02',
    };
    await fakes.trackRecords.addEvaluation('c', entry);
    await fakes.trackRecords.addEvaluation('c', { ...entry, grade: 'GOOD' });
    expect(await fakes.trackRecords.listEvaluations('c')).toEqual([entry]);
  });
});
