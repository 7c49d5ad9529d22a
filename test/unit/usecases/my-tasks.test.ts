import { beforeEach, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import type { StaffMember } from '../../../shared/domain/staff-roles.js';
import { verifyTaskSignature } from '../../../shared/links/signing.js';
import { myTasks } from '../../../shared/usecases/my-tasks.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { testLinkKey } from '../../support/handler-harness.js';

const BASE_URL = 'https://purchases.example.gov.cn';
const CHIEF = { name: '陈科长', email: 'Chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' as const };
const DIRECTOR = {
  name: '王局长',
  email: 'director@civil-affairs.example.gov.cn',
  role: 'BUREAU_DIRECTOR' as const,
};
const OPEN = 'PUR-2026-MYTASKSOPENAAAAA';
const OTHER = 'PUR-2026-MYTASKSOTHERAAAA';
const CLOSED = 'PUR-2026-MYTASKSCLOSEDAAA';

let fakes: Fakes;
const deps = () => ({
  purchases: fakes.purchases,
  tasks: fakes.tasks,
  linkKey: testLinkKey,
  baseUrl: BASE_URL,
  now: fakes.clock.now,
});
const chief: StaffMember = { sub: 'chief', roles: ['approver'], email: 'chief@civil-affairs.example.gov.cn' };

async function openTask(purchaseId: string, assignee: typeof CHIEF | typeof DIRECTOR, expiresAt: string) {
  const { task } = await fakes.tasks.openTask({
    purchaseId,
    stepKey: `APPROVAL:${assignee.role}`,
    purpose: 'APPROVAL',
    level: assignee.role,
    attempt: 'FIRST',
    assignee,
    taskToken: `token-${purchaseId}-${assignee.role}`,
    expiresAt,
    now: '2026-03-02T08:00:00.000Z',
  });
  return task;
}

beforeEach(() => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(OPEN, largeElderlyCareProposal(), { stage: 'APPROVAL' }));
  fakes.purchases.seed(purchaseRecord(OTHER, smallMinorProtectionProposal(), { stage: 'APPROVAL' }));
  fakes.purchases.seed(purchaseRecord(CLOSED, smallMinorProtectionProposal(), { stage: 'CLOSED' }));
});

describe('myTasks', () => {
  it("lists the person's pending tasks, due first, each with the signed link its mail carries", async () => {
    const later = await openTask(OPEN, CHIEF, '2026-03-09T08:00:00.000Z');
    const sooner = await openTask(OTHER, CHIEF, '2026-03-05T08:00:00.000Z');
    await openTask(OPEN, DIRECTOR, '2026-03-04T08:00:00.000Z');

    const tasks = await myTasks(deps(), chief);
    expect(tasks.map((t) => [t.purchaseId, t.purpose, t.level])).toEqual([
      [OTHER, 'APPROVAL', 'SECTION_CHIEF'],
      [OPEN, 'APPROVAL', 'SECTION_CHIEF'],
    ]);
    for (const [task, opened] of [
      [tasks[0], sooner],
      [tasks[1], later],
    ] as const) {
      const url = new URL(task?.link ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/tasks/${opened.taskId}`);
      expect(verifyTaskSignature(opened.taskId, url.searchParams.get('sig') ?? '', TEST_LINK_KEY)).toBe(true);
    }
  });

  it('lists a returned proposal for its officer as a revision to make in the console: no signed link', async () => {
    const officer = {
      name: 'officer@civil-affairs.example.gov.cn',
      email: 'officer@civil-affairs.example.gov.cn',
      role: 'OFFICER',
    };
    await fakes.tasks.openTask({
      purchaseId: OPEN,
      stepKey: 'REVISION:1',
      purpose: 'REVISION',
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      assignee: officer,
      taskToken: 'token-revision',
      expiresAt: '2026-03-06T08:00:00.000Z',
      now: '2026-03-03T08:00:00.000Z',
    });

    const tasks = await myTasks(deps(), { sub: 'officer-7', roles: ['officer'], email: officer.email });
    expect(tasks).toEqual([
      expect.objectContaining({ purchaseId: OPEN, purpose: 'REVISION', level: 'FINANCE_SECTION' }),
    ]);
    expect(tasks[0]).not.toHaveProperty('link');
  });

  it('leaves out decided tasks and purchases that are over', async () => {
    const task = await openTask(OPEN, CHIEF, '2026-03-09T08:00:00.000Z');
    await openTask(CLOSED, CHIEF, '2026-03-09T08:00:00.000Z');
    await fakes.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '',
      now: '2026-03-03T08:00:00.000Z',
    });
    expect(await myTasks(deps(), chief)).toEqual([]);
  });

  it('is empty for a person whose token has no e-mail address', async () => {
    await openTask(OPEN, CHIEF, '2026-03-09T08:00:00.000Z');
    expect(await myTasks(deps(), { sub: 'chief', roles: ['approver'] })).toEqual([]);
  });
});
