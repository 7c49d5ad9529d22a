import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { verifyTaskSignature } from '../../../shared/links/signing.js';
import { resendTaskLink } from '../../../shared/usecases/resend-task-link.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { testLinkKey } from '../../support/handler-harness.js';

const PURCHASE_ID = 'PUR-2026-RESENDLINKAAAAAA';
const BASE_URL = 'https://purchases.example.gov.cn';
const CHIEF = { name: '陈科长', email: 'chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' as const };

let fakes: Fakes;
const deps = () => ({
  tasks: fakes.tasks,
  purchases: fakes.purchases,
  mailer: fakes.mailer,
  linkKey: testLinkKey,
  baseUrl: BASE_URL,
  now: fakes.clock.now,
});
const links = (text: string) => [...text.matchAll(/https:\/\/\S+/g)].map((m) => m[0]);

async function countersignTask() {
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'COUNTERSIGN:2',
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    attempt: 'REMINDER',
    assignee: CHIEF,
    taskToken: 'token-of-the-countersign-wait',
    context: { round: 2 },
    expiresAt: '2026-03-09T08:00:00.000Z',
    now: '2026-03-02T08:00:00.000Z',
  });
  return task;
}

beforeEach(() => {
  fakes = createFakes('2026-03-03T08:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING' }));
});

describe('resendTaskLink', () => {
  it('mails the assignee a new link, stops the old one, and puts who asked on the audit trail', async () => {
    const old = await countersignTask();
    const outcome = await resendTaskLink(deps(), { taskId: old.taskId, by: 'operator:lin' });

    expect(outcome).toMatchObject({
      outcome: 'RESENT',
      purchaseId: PURCHASE_ID,
      previousTaskId: old.taskId,
      to: CHIEF.email,
    });
    const newId = outcome.outcome === 'RESENT' ? outcome.taskId : '';
    expect((await fakes.tasks.getTask(old.taskId))?.status).toBe('SUPERSEDED');
    expect(await fakes.tasks.getTask(newId)).toMatchObject({
      status: 'PENDING',
      taskToken: 'token-of-the-countersign-wait',
      mailsSent: ['FIRST'],
    });

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(CHIEF.email);
    const [link] = links(mail?.text ?? '');
    const url = new URL(link ?? '');
    expect(url.pathname).toBe(`/tasks/${newId}`);
    expect(verifyTaskSignature(newId, url.searchParams.get('sig') ?? '', TEST_LINK_KEY)).toBe(true);
    expect(mail?.text).not.toContain(old.taskId);
    expect(mail?.text).not.toContain('token-of-the-countersign-wait');

    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.at(-1)).toMatchObject({
      actor: 'operator:lin',
      action: 'task.link-resent',
      detail: { purpose: 'COUNTERSIGN', from: old.taskId, to: newId, assignee: CHIEF.email },
    });
  });

  it('resends nothing for a decided, superseded or unknown task, nor a payment confirmation', async () => {
    const old = await countersignTask();
    await resendTaskLink(deps(), { taskId: old.taskId, by: 'operator:lin' });
    expect(await resendTaskLink(deps(), { taskId: old.taskId, by: 'operator:lin' })).toEqual({
      outcome: 'NOT_PENDING',
      purchaseId: PURCHASE_ID,
      status: 'SUPERSEDED',
    });
    expect(await resendTaskLink(deps(), { taskId: 'AAAAAAAAAAAAAAAAAAAAAAAA', by: 'operator:lin' })).toEqual({
      outcome: 'UNKNOWN',
    });
    const { task: payment } = await fakes.tasks.openTask({
      purchaseId: PURCHASE_ID,
      stepKey: 'PAYMENT:1',
      purpose: 'PAYMENT_CONFIRMATION',
      attempt: 'FIRST',
      assignee: { name: 'Finance', email: 'finance@civil-affairs.example.gov.cn', role: 'FINANCE_CLERK' },
      expiresAt: '2026-04-01T00:00:00.000Z',
      now: '2026-03-02T08:00:00.000Z',
    });
    expect(await resendTaskLink(deps(), { taskId: payment.taskId, by: 'operator:lin' })).toMatchObject({
      outcome: 'NOT_MAILED',
    });
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('knows no task of another purchase than the one the caller names, and changes nothing', async () => {
    const old = await countersignTask();
    expect(
      await resendTaskLink(deps(), {
        taskId: old.taskId,
        by: 'li.officer',
        purchaseId: 'PUR-2026-OTHERPURCHASEAAA',
      }),
    ).toEqual({ outcome: 'UNKNOWN' });
    expect((await fakes.tasks.getTask(old.taskId))?.status).toBe('PENDING');
    expect(fakes.mailer.sent).toHaveLength(0);
  });
});
