import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { sendOncePerAttempt } from '../../../shared/usecases/human-steps.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
let fakes: Fakes;
let taskId: string;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'APPROVAL' }));
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...TEST_POLICY.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    taskToken: 'token-1',
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
  taskId = task.taskId;
});

describe('sendOncePerAttempt', () => {
  it('sends once and records it: a repeat sends nothing', async () => {
    const send = vi.fn(async () => {});
    await sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send);
    await sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(fakes.tasks.stored(taskId).mailsSent).toEqual(['FIRST']);
  });

  it('records nothing when the send fails, so the retry sends', async () => {
    const send = vi.fn(async () => {}).mockRejectedValueOnce(new Error('throttled'));
    await expect(sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send)).rejects.toThrow('throttled');
    await sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send);
    expect(send).toHaveBeenCalledTimes(2);
    expect(fakes.tasks.stored(taskId).mailsSent).toEqual(['FIRST']);
  });

  it('a process that died after sending but before recording sends again (at least once, never lost)', async () => {
    const record = vi.spyOn(fakes.tasks, 'recordMailSent').mockRejectedValueOnce(new Error('killed'));
    const send = vi.fn(async () => {});
    await expect(sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send)).rejects.toThrow('killed');
    await sendOncePerAttempt(fakes.tasks, taskId, 'FIRST', send);
    expect(send).toHaveBeenCalledTimes(2);
    expect(record).toHaveBeenCalledTimes(2);
    expect(fakes.tasks.stored(taskId).mailsSent).toEqual(['FIRST']);
  });
});
