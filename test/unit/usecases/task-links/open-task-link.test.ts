import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../../infra/local/samples/proposals.js';
import { showTask } from '../../../../shared/usecases/task-links/open-task-link.js';
import {
  approve,
  deps,
  expectStatus,
  fakes,
  show,
  sigOf,
  TOKEN,
  task,
  useTaskLinkFixture,
} from './task-link-fixture.js';

useTaskLinkFixture();

describe('opening a link (GET/HEAD)', () => {
  it('a bad signature shows 403 without reading the repository', async () => {
    const getTask = vi.spyOn(fakes.tasks, 'getTask');
    const getPurchase = vi.spyOn(fakes.purchases, 'getPurchase');
    const otherTask = randomBytes(18).toString('base64url');

    for (const sig of [undefined, '', 'x'.repeat(43), sigOf(otherTask)]) {
      expectStatus(await showTask(deps, { taskId: task.taskId, sig }), 403);
    }
    // A well-signed link with an altered id is just as forged.
    expectStatus(await show(otherTask, sigOf(task.taskId)), 403);
    expect(getTask).not.toHaveBeenCalled();
    expect(getPurchase).not.toHaveBeenCalled();
  });

  it('an unknown task id with a valid signature shows 404', async () => {
    const unknown = randomBytes(18).toString('base64url');
    expectStatus(await show(unknown), 404);
  });

  it('a pending task shows the confirmation page with the nonce field and without the task token', async () => {
    const page = await show();

    expectStatus(page, 200);
    expect(page.html).toContain(`name="nonce" value="${task.nonce}"`);
    expect(page.html).toContain(largeElderlyCareProposal().title);
    expect(page.html).not.toContain(TOKEN);
  });

  it('an expired link shows 410', async () => {
    fakes.clock.set('2026-03-05T08:00:00.000Z');
    expectStatus(await show(), 410);
  });

  it('a link replaced by an escalation shows 410', async () => {
    fakes.tasks.stored(task.taskId).status = 'SUPERSEDED';
    expectStatus(await show(), 410);
  });

  it('a decided task shows what was decided, by whom, even after it expired', async () => {
    await approve('经费测算合理');
    fakes.clock.set('2026-04-01T00:00:00.000Z');

    const page = await show();

    expectStatus(page, 410);
    expect(page.html).toContain('already decided by');
    expect(page.html).toContain('经费测算合理');
    expect(page.html).not.toContain('name="nonce"');
  });

  it('opening a link changes nothing: no decision, no callback, no delivery mark', async () => {
    const decide = vi.spyOn(fakes.tasks, 'decide');
    const markDelivered = vi.spyOn(fakes.tasks, 'markDelivered');

    await show();
    await show();

    expect(decide).not.toHaveBeenCalled();
    expect(markDelivered).not.toHaveBeenCalled();
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(fakes.tasks.stored(task.taskId).status).toBe('PENDING');
  });
});
