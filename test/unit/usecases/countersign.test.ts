import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { TaskAttempt } from '../../../shared/domain/tasks.js';
import { signTaskLink } from '../../../shared/links/signing.js';
import type { MailMessage } from '../../../shared/ports/mailer.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const OTHER_ID = 'PUR-2026-BBBBBBBBBBBBBBBB';
const BASE_URL = 'https://purchases.civil-affairs.example.gov.cn';
let fakes: Fakes;
const settings = TEST_POLICY;

function deps() {
  return {
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    tasks: fakes.tasks,
    settings,
    now: fakes.clock.now,
    mailer: fakes.mailer,
    callbacks: fakes.callbacks,
    linkKey: async () => TEST_LINK_KEY,
    baseUrl: BASE_URL,
    delegations: fakes.delegations,
  };
}

const countersign = (attempt: TaskAttempt, taskToken: string, round = 1) =>
  requestDecision(deps(), {
    purchaseId: PURCHASE_ID,
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    round,
    attempt,
    taskToken,
  });
const whole = (mail: MailMessage) => `${mail.subject}\n${mail.html}\n${mail.text}`;

beforeEach(() => {
  fakes = createFakes('2026-03-04T02:00:00.000Z');
  const approved = {
    approvalLevels: ['SECTION_CHIEF' as const],
    outcome: {
      result: 'APPROVED' as const,
      reason: 'approved',
      by: 'x@example.org',
      at: '2026-03-02T07:00:00.000Z',
    },
  };
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'CONTRACTING', ...approved }),
  );
  fakes.purchases.seed(
    purchaseRecord(OTHER_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    }),
  );
});

describe('requestDecision for the countersignature', () => {
  it('opens a COUNTERSIGN task of step COUNTERSIGN:1 for the section chief, level SECTION_CHIEF, context {round: 1}', async () => {
    const { taskId } = await countersign('FIRST', 'token-countersign-1');

    expect(fakes.tasks.stored(taskId)).toMatchObject({
      purchaseId: PURCHASE_ID,
      purpose: 'COUNTERSIGN',
      stepKey: 'COUNTERSIGN:1',
      level: 'SECTION_CHIEF',
      context: { round: 1 },
      attempt: 'FIRST',
      status: 'PENDING',
      taskToken: 'token-countersign-1',
      assignee: { ...settings.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    });
  });

  it('a later round is a task of its own: step COUNTERSIGN:2, context {round: 2}', async () => {
    const first = await countersign('FIRST', 'token-round-1', 1);
    const second = await countersign('FIRST', 'token-round-2', 2);

    expect(second.taskId).not.toBe(first.taskId);
    expect(fakes.tasks.stored(second.taskId)).toMatchObject({
      stepKey: 'COUNTERSIGN:2',
      context: { round: 2 },
    });
    expect(fakes.mailer.sent).toHaveLength(2);
  });

  it('does not take the approval step of the same level', async () => {
    const { taskId } = await countersign('FIRST', 'token-countersign-1');

    expect(fakes.tasks.stored(taskId).stepKey).not.toBe('APPROVAL:SECTION_CHIEF');
    expect((await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action)).not.toContain(
      'approval.requested',
    );
  });

  it('mails the section chief the countersign mail with the task link, a subject unlike the approval one, never the token', async () => {
    const { taskId } = await countersign('FIRST', 'token-countersign-1');
    await requestDecision(deps(), {
      purchaseId: OTHER_ID,
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      taskToken: 'token-approval',
    });

    expect(fakes.mailer.sent).toHaveLength(2);
    const [countersignMail, approvalMail] = fakes.mailer.sent as [MailMessage, MailMessage];
    expect(countersignMail.to).toBe(settings.approval.approvers.SECTION_CHIEF.email);
    expect(countersignMail.subject).not.toBe(approvalMail.subject);
    expect(countersignMail.subject).toMatch(/Countersign/);
    expect(countersignMail.subject).toContain(largeElderlyCareProposal().title);
    expect(countersignMail.text).toContain(signTaskLink(BASE_URL, taskId, TEST_LINK_KEY));
    expect(whole(countersignMail)).not.toContain('token-countersign-1');
    expect(whole(countersignMail)).not.toContain(fakes.tasks.stored(taskId).nonce);
  });

  it('the round shows in the mail', async () => {
    await countersign('FIRST', 'token-round-2', 2);

    expect((fakes.mailer.sent[0] as MailMessage).text).toContain('Round 2');
  });

  it('run twice (a retry) keeps one task, re-armed with the newer token, and mails once', async () => {
    const first = await countersign('FIRST', 'token-try-1');
    const second = await countersign('FIRST', 'token-try-2');

    expect(second.taskId).toBe(first.taskId);
    expect(fakes.tasks.stored(first.taskId).taskToken).toBe('token-try-2');
    expect(fakes.mailer.sent).toHaveLength(1);
  });

  it('escalation opens COUNTERSIGN:1:ESCALATED for the deputy, mails the deputy and supersedes the chief link', async () => {
    const first = await countersign('FIRST', 'token-first');
    fakes.clock.advanceSeconds(2 * settings.approval.timeoutSeconds);

    const escalated = await countersign('ESCALATION', 'token-escalated');

    expect(escalated.taskId).not.toBe(first.taskId);
    expect(fakes.tasks.stored(escalated.taskId)).toMatchObject({
      purpose: 'COUNTERSIGN',
      stepKey: 'COUNTERSIGN:1:ESCALATED',
      context: { round: 1 },
      assignee: { ...settings.approval.deputy, role: 'DEPUTY' },
      taskToken: 'token-escalated',
    });
    expect(fakes.tasks.stored(first.taskId).status).toBe('SUPERSEDED');
    const mail = fakes.mailer.sent.at(-1) as MailMessage;
    expect(mail.to).toBe(settings.approval.deputy.email);
    expect(mail.text).toContain(signTaskLink(BASE_URL, escalated.taskId, TEST_LINK_KEY));
    expect(whole(mail)).toContain(settings.approval.approvers.SECTION_CHIEF.email);
    expect(fakes.mailer.sent.filter((m) => m.to === settings.approval.deputy.email)).toHaveLength(1);
  });

  it('a decided countersign task is re-delivered to a resumed execution, without a new mail', async () => {
    const { taskId } = await countersign('FIRST', 'token-before-restart');
    const task = fakes.tasks.stored(taskId);
    const decided = await fakes.tasks.decide({
      taskId,
      nonce: task.nonce,
      decision: 'COUNTERSIGN',
      comment: 'checked the seal',
      now: '2026-03-04T03:00:00.000Z',
    });
    expect(decided.outcome).toBe('DECIDED');

    const resumed = await countersign('FIRST', 'token-after-restart');

    expect(resumed.taskId).toBe(taskId);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-after-restart',
        output: {
          decision: 'COUNTERSIGN',
          by: settings.approval.approvers.SECTION_CHIEF.email,
          comment: 'checked the seal',
          taskId,
        },
      },
    ]);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.tasks.stored(taskId).deliveredAt).toBeDefined();
  });

  it('a refused countersignature is re-delivered as REFUSE with its comment', async () => {
    const { taskId } = await countersign('FIRST', 'token-1');
    await fakes.tasks.decide({
      taskId,
      nonce: fakes.tasks.stored(taskId).nonce,
      decision: 'REFUSE',
      comment: 'the seal on page 3 is missing',
      now: '2026-03-04T03:00:00.000Z',
    });

    await countersign('REMINDER', 'token-2');

    expect(fakes.callbacks.succeeded[0]?.output).toMatchObject({
      decision: 'REFUSE',
      comment: 'the seal on page 3 is missing',
    });
  });
});
