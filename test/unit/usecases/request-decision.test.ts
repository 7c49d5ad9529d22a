import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import type { ApprovalLevel } from '../../../shared/domain/policy-settings.js';
import type { TaskAttempt } from '../../../shared/domain/tasks.js';
import { signTaskLink } from '../../../shared/links/signing.js';
import type { MailMessage } from '../../../shared/ports/mailer.js';
import { requestDecision } from '../../../shared/usecases/request-decision.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
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

const ask = (attempt: TaskAttempt, taskToken: string, level: ApprovalLevel = 'SECTION_CHIEF') =>
  requestDecision(deps(), { purchaseId: PURCHASE_ID, level, attempt, taskToken });

const linkOf = (taskId: string) => signTaskLink(BASE_URL, taskId, TEST_LINK_KEY);
const wholeMail = (mail: MailMessage) => `${mail.subject}\n${mail.html}\n${mail.text}`;

async function decide(taskId: string, verdict: 'APPROVE' | 'REJECT', comment: string) {
  const task = fakes.tasks.stored(taskId);
  const result = await fakes.tasks.decide({
    taskId,
    nonce: task.nonce,
    decision: verdict,
    comment,
    now: fakes.clock.now(),
  });
  expect(result.outcome).toBe('DECIDED');
}

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    }),
  );
});

describe('requestDecision, first attempt', () => {
  it("opens a pending task for the level's approver that holds the token and expires after the configured timeout", async () => {
    const { taskId } = await ask('FIRST', 'token-first-1');

    const task = fakes.tasks.stored(taskId);
    expect(task).toMatchObject({
      purchaseId: PURCHASE_ID,
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      status: 'PENDING',
      taskToken: 'token-first-1',
      assignee: { ...settings.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
      expiresAt: new Date(
        Date.parse('2026-03-02T08:00:00.000Z') + settings.approval.timeoutSeconds * 1000,
      ).toISOString(),
    });
  });

  it('sends one mail to the approver carrying the signed link and neither the task token nor the nonce', async () => {
    const { taskId } = await ask('FIRST', 'token-first-1');

    expect(fakes.mailer.sent).toHaveLength(1);
    const [mail] = fakes.mailer.sent as [MailMessage];
    expect(mail.to).toBe(settings.approval.approvers.SECTION_CHIEF.email);
    expect(mail.html).toContain(linkOf(taskId));
    expect(mail.text).toContain(linkOf(taskId));
    expect(mail.subject).toContain(largeElderlyCareProposal().title);
    expect(wholeMail(mail)).not.toContain('token-first-1');
    expect(wholeMail(mail)).not.toContain(fakes.tasks.stored(taskId).nonce);
  });

  it('run twice (a retry with a fresh token) keeps one task, re-arms it with the newer token and mails once', async () => {
    const first = await ask('FIRST', 'token-try-1');
    fakes.clock.advanceSeconds(2);
    const second = await ask('FIRST', 'token-try-2');

    expect(second.taskId).toBe(first.taskId);
    expect(fakes.tasks.stored(first.taskId).taskToken).toBe('token-try-2');
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.tasks.stored(first.taskId).mailsSent).toEqual(['FIRST']);
  });

  it('audits the request once per attempt and never writes the token into the audit log', async () => {
    await ask('FIRST', 'token-audit-1');
    await ask('FIRST', 'token-audit-2');

    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'approval.requested')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('token-audit');
    expect(await fakes.purchases.verifyAuditChain(PURCHASE_ID)).toMatchObject({ valid: true });
  });

  it('a failed send gives the claim back, so the retry sends the mail', async () => {
    fakes.mailer.failNext();

    await expect(ask('FIRST', 'token-fail-1')).rejects.toThrow(/rate exceeded/);
    const [task] = fakes.tasks.records.values();
    expect(task?.mailsSent).toEqual([]);

    await ask('FIRST', 'token-fail-2');
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.tasks.stored(task?.taskId ?? '').mailsSent).toEqual(['FIRST']);
  });
});

describe('requestDecision, reminder', () => {
  it('re-arms the same task and mails the same link again, once however often it runs', async () => {
    const { taskId } = await ask('FIRST', 'token-first');
    fakes.clock.advanceSeconds(settings.approval.timeoutSeconds);
    const reminder = await ask('REMINDER', 'token-reminder-1');
    await ask('REMINDER', 'token-reminder-2');

    expect(reminder.taskId).toBe(taskId);
    expect(fakes.mailer.sent).toHaveLength(2);
    const mail = fakes.mailer.sent[1] as MailMessage;
    expect(mail.to).toBe(settings.approval.approvers.SECTION_CHIEF.email);
    expect(mail.subject).toMatch(/Reminder/);
    expect(mail.text).toContain(linkOf(taskId));
    expect(fakes.tasks.stored(taskId)).toMatchObject({ taskToken: 'token-reminder-2', attempt: 'REMINDER' });
    // The reminder extends the link: it expires a full timeout after the reminder.
    expect(Date.parse(fakes.tasks.stored(taskId).expiresAt)).toBeGreaterThan(Date.parse(fakes.clock.now()));
  });
});

describe('requestDecision, escalation', () => {
  it('opens a new task for the deputy, supersedes the approver link and says who did not answer', async () => {
    const first = await ask('FIRST', 'token-first');
    fakes.clock.advanceSeconds(2 * settings.approval.timeoutSeconds);

    const escalated = await ask('ESCALATION', 'token-escalation');

    expect(escalated.taskId).not.toBe(first.taskId);
    expect(fakes.tasks.stored(first.taskId).status).toBe('SUPERSEDED');
    expect(fakes.tasks.stored(escalated.taskId)).toMatchObject({
      stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
      status: 'PENDING',
      taskToken: 'token-escalation',
      assignee: { ...settings.approval.deputy, role: 'DEPUTY' },
    });
    const mail = fakes.mailer.sent.at(-1) as MailMessage;
    expect(mail.to).toBe(settings.approval.deputy.email);
    expect(mail.text).toContain(linkOf(escalated.taskId));
    expect(mail.text).not.toContain(linkOf(first.taskId));
    expect(mail.text).toContain(settings.approval.approvers.SECTION_CHIEF.email);
    expect(wholeMail(mail)).not.toContain('token-escalation');
  });

  it('when the approver decided while the escalation was on its way, hands that decision back and mails nobody', async () => {
    const first = await ask('FIRST', 'token-first');
    await decide(first.taskId, 'APPROVE', '同意');

    await ask('ESCALATION', 'token-escalation');

    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-escalation',
        output: {
          decision: 'APPROVE',
          by: settings.approval.approvers.SECTION_CHIEF.email,
          comment: '同意',
          taskId: first.taskId,
        },
      },
    ]);
  });
});

describe('requestDecision after a decision (a resumed execution)', () => {
  it('re-delivers the recorded decision to the new token with callbacks.succeed, marks it delivered and sends no mail', async () => {
    const { taskId } = await ask('FIRST', 'token-old-execution');
    await decide(taskId, 'REJECT', '服务对象覆盖不足');
    fakes.clock.advanceSeconds(60);

    const again = await ask('FIRST', 'token-new-execution');

    expect(again.taskId).toBe(taskId);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: 'token-new-execution',
        output: {
          decision: 'REJECT',
          by: settings.approval.approvers.SECTION_CHIEF.email,
          comment: '服务对象覆盖不足',
          taskId,
        },
      },
    ]);
    expect(fakes.tasks.stored(taskId).deliveredAt).toBe(fakes.clock.now());
  });

  it('a second delivery of the invocation after the decision went through finds the token closed: no error, no mail, nothing marked', async () => {
    const { taskId } = await ask('FIRST', 'token-first');
    await decide(taskId, 'APPROVE', '同意');
    // The link handed the decision over and the execution moved on: the token is used up.
    fakes.callbacks.closed.add('token-first');
    const deliveredBefore = fakes.tasks.stored(taskId).deliveredAt;
    fakes.clock.advanceSeconds(5);

    const again = await ask('FIRST', 'token-first');

    expect(again.taskId).toBe(taskId);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(fakes.tasks.stored(taskId).deliveredAt).toBe(deliveredBefore);
  });

  it('a failure other than a closed token still fails the step, so Step Functions retries it', async () => {
    const { taskId } = await ask('FIRST', 'token-old-execution');
    await decide(taskId, 'APPROVE', '同意');
    fakes.callbacks.failWith = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

    await expect(ask('FIRST', 'token-new-execution')).rejects.toThrow('socket hang up');
  });

  it('the output handed back holds exactly decision, by, comment and taskId', async () => {
    const { taskId } = await ask('FIRST', 'token-1');
    await decide(taskId, 'APPROVE', '');
    await ask('FIRST', 'token-2');
    expect(Object.keys(fakes.callbacks.succeeded[0]?.output as object).sort()).toEqual([
      'by',
      'comment',
      'decision',
      'taskId',
    ]);
  });
});

describe('requestDecision under separation of duties', () => {
  const { SECTION_CHIEF: chief } = settings.approval.approvers;
  const { deputy, administrator } = settings.approval;

  function seed(createdBy: string, approvals: Record<string, { by: string }> = {}) {
    const record = purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    });
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    fakes.purchases.seed({
      ...record,
      createdBy,
      approvals: Object.fromEntries(
        Object.entries(approvals).map(([level, { by }]) => [
          level,
          {
            decision: 'APPROVE',
            by,
            byName: by,
            comment: '',
            at: '2026-03-01T00:00:00.000Z',
            taskId: `t-${level}`,
          },
        ]),
      ),
    });
  }

  it('asks the deputy, not the section chief, to approve the proposal the chief registered, and says why', async () => {
    seed(chief.email);
    const { taskId } = await ask('FIRST', 'token-own-1');

    expect(fakes.tasks.stored(taskId).assignee).toEqual({ ...deputy, role: 'DEPUTY' });
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(deputy.email);
    expect(wholeMail(mail as MailMessage)).toContain('registered this proposal and may not approve it');
    const view = await fakes.purchases.auditTrail(PURCHASE_ID);
    expect(view?.entries.at(-1)?.detail).toMatchObject({
      assignee: deputy.email,
      passedOver: [{ email: chief.email, rule: 'OWN_PROPOSAL' }],
    });
  });

  it('keeps both the chief who registered the purchase and the administrator who asked for an amendment from approving it', async () => {
    seed(chief.email);
    const record = await fakes.purchases.getPurchase(PURCHASE_ID);
    if (!record || !administrator) throw new Error('seeded above; the test policy has an administrator');
    fakes.purchases.seed({
      ...record,
      stage: 'MIDTERM_REVIEW',
      amendments: [
        {
          id: 'A1',
          requestedBy: administrator.email,
          requestedAt: '2026-03-01T00:00:00.000Z',
          rationale: '服务期延长。',
          changes: [{ field: 'term.end', former: record.proposal.term.end, value: '2027-06-30' }],
          levels: ['SECTION_CHIEF'],
          status: 'PROPOSED',
          approvals: {},
        },
      ],
    });
    const amendmentAsk = (attempt: TaskAttempt, taskToken: string) =>
      requestDecision(deps(), {
        purchaseId: PURCHASE_ID,
        purpose: 'AMENDMENT_APPROVAL',
        amendmentId: 'A1',
        level: 'SECTION_CHIEF',
        attempt,
        taskToken,
      });

    const first = await amendmentAsk('FIRST', 'token-amend-1');
    expect(fakes.tasks.stored(first.taskId).assignee).toEqual({ ...deputy, role: 'DEPUTY' });
    expect(wholeMail(fakes.mailer.sent[0] as MailMessage)).toContain(
      'registered this proposal and may not approve it',
    );

    // Had the deputy decided another level of it, the administrator's queue would be next: not for their own request.
    const decided = await fakes.purchases.getPurchase(PURCHASE_ID);
    if (!decided) throw new Error('seeded above');
    fakes.purchases.seed({
      ...decided,
      decisions: {
        ...decided.decisions,
        'AMENDMENT:A1:FINANCE_SECTION': {
          decision: 'APPROVE',
          by: deputy.email,
          byName: deputy.name,
          comment: '',
          at: '2026-03-01T00:00:00.000Z',
          taskId: 't-finance',
        },
      },
      amendments: (decided.amendments ?? []).map((a) => ({
        ...a,
        levels: ['FINANCE_SECTION', 'SECTION_CHIEF'],
      })),
    });
    await expect(amendmentAsk('ESCALATION', 'token-amend-2')).rejects.toThrow(
      `${administrator.email} (OWN_AMENDMENT)`,
    );
  });

  it("sends a level's escalation to the administrator's queue when the deputy decided another level", async () => {
    seed('officer@civil-affairs.example.gov.cn', { SECTION_CHIEF: { by: deputy.email } });
    const { taskId } = await ask('ESCALATION', 'token-esc-2', 'FINANCE_SECTION');

    expect(administrator).toBeDefined();
    expect(fakes.tasks.stored(taskId).assignee).toEqual({ ...administrator, role: 'ADMINISTRATOR' });
    const [mail] = fakes.mailer.sent;
    expect(mail?.to).toBe(administrator?.email);
    expect(wholeMail(mail as MailMessage)).toContain('one person may not decide two levels');
  });
});
