import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
import { SDK_DEFAULT_ATTEMPTS } from '../../infra/local/services/aws-calls.js';
import type { ArmedFault } from '../../infra/local/services/local-faults.js';
import { UsersClient } from '../../infra/local/users.js';
import { Inboxes, type JourneyContext, midtermDueSoon, playPurchase, waitFor } from '../support/journey.js';
import { type LocalAppUnderTest, startLocalApp } from '../support/local-app.js';
import { TEST_SETTINGS } from '../support/settings.js';
import { recordCase } from './case.js';
import {
  auditActions,
  auditCount,
  describeCounts,
  functionLabel,
  lastSeq,
  mailCounts,
  mailsAbout,
  repeatedAuditEntries,
  repeatedMails,
  sideEffectsSince,
  withSettlementHandBack,
} from './faults-support.js';

/**
 * Case 9, retries after partial work: each function's side effect (a mail, a finance notice, a
 * task callback, the contract in the bucket, the start of an execution) fails after the function
 * wrote to DynamoDB, on every attempt the SDK makes; the step is retried (by Step Functions, by
 * Lambda's asynchronous retry, or by the person posting again) and the effect happens exactly once.
 */

const OFFICER_EMAIL = 'wang.officer@civil-affairs.example.gov.cn';
const settings = TEST_SETTINGS;

let app: LocalAppUnderTest;
let inboxes: Inboxes;
let ctx: JourneyContext;

beforeAll(async () => {
  // FAULTS_LOG=<file> keeps the runtime's log (function output, executions) for a look after a failure.
  app = await startLocalApp(
    process.env.FAULTS_LOG ? { log: (l) => appendFileSync(process.env.FAULTS_LOG as string, `${l}\n`) } : {},
  );
  inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  inboxes.start();
  const officer = await app.users.devToken('officer-wang', ['officer'], OFFICER_EMAIL);
  ctx = { users: () => app.users, inboxes, officer, settings };
});

afterAll(async () => {
  inboxes?.stop();
  await app?.stop();
});

/** Faults armed for one whole purchase: each function's side effect after its DynamoDB write. */
const MAIN_PATH_FAULTS = [
  { caller: 'RequestDecision', service: 'sesv2', operation: 'SendEmail' },
  { caller: 'ConcludeApproval', service: 'sesv2', operation: 'SendEmail' },
  { caller: 'IssueContract', service: 's3', operation: 'PutObject' },
  { caller: 'AwaitUpload', service: 'sesv2', operation: 'SendEmail' },
  { caller: 'RecordUpload', service: 'sfn', operation: 'SendTaskSuccess' },
  { caller: 'NotifyPayment', service: 'sns', operation: 'Publish' },
  { caller: 'RequestEvaluation', service: 'sesv2', operation: 'SendEmail' },
] as const;

/** How the failed work was retried, by the function that failed. */
const RETRIED_BY: Record<string, string> = {
  RecordUpload: 'async retry',
  TaskLink: 'repeated POST',
  CreatePurchase: 'repeated POST',
};

async function playAndMeasure(proposal = midtermDueSoon(largeElderlyCareProposalToday())) {
  const since = lastSeq(app.runtime.calls);
  const closed = await playPurchase(ctx, proposal);
  // The closing step tells the NGO just after the purchase is CLOSED; once it has, and the last
  // finance confirmation is delivered, nothing else is in flight for this purchase.
  const view = await waitFor(ctx, closed.purchaseId, (v) =>
    v.audit.some((e) => e.action === 'ngo.told' && e.detail.notice === 'CLOSED'),
  );
  const mails = await mailsAbout(app.users, view.purchaseId);
  return { view, effects: sideEffectsSince(app.runtime.calls, since), mails };
}

type Measured = Awaited<ReturnType<typeof playAndMeasure>>;

describe('case 9: a failed side effect is retried and happens once', () => {
  let baseline: Measured;
  let faulty: Measured;
  let faults: ArmedFault[] = [];

  it('a purchase with every workflow side effect failing once closes like a fault-free one', async (context) => {
    baseline = await playAndMeasure();
    expect(baseline.view.stage).toBe('CLOSED');

    faults = MAIN_PATH_FAULTS.map((spec) => app.runtime.faults.arm({ ...spec }));
    try {
      faulty = await playAndMeasure();
    } finally {
      for (const fault of faults) app.runtime.faults.disarm(fault);
    }

    expect(faulty.view.stage).toBe('CLOSED');
    expect(withSettlementHandBack(faulty.effects)).toEqual(withSettlementHandBack(baseline.effects));
    expect(repeatedMails(faulty.mails)).toEqual([]);
    expect(mailCounts(faulty.mails)).toEqual(mailCounts(baseline.mails));
    expect(auditActions(faulty.view.audit)).toEqual(auditActions(baseline.view.audit));
    expect(repeatedAuditEntries(faulty.view.audit)).toEqual(repeatedAuditEntries(baseline.view.audit));
    expect(faulty.view.auditChain.valid).toBe(true);
    recordCase(context, {
      case: '9 Fault: whole purchase, all at once',
      attempts: faults.reduce((sum, f) => sum + f.fired, 0),
      expected: 'side effects, mails and audit entries as in a fault-free purchase; CLOSED',
      observed: `${faults.length} functions faulted (${faults.map((f) => functionLabel(f.functionId)).join(', ')}); effects ${describeCounts(faulty.effects)}; ${faulty.mails.length} mails (fault-free ${baseline.mails.length}), ${repeatedMails(faulty.mails).length} repeated; ${faulty.view.audit.length} audit entries (fault-free ${baseline.view.audit.length}), chain ${faulty.view.auditChain.valid ? 'valid' : 'BROKEN'}; ${faulty.view.stage}`,
    });
  }, 300_000);

  it.for(MAIN_PATH_FAULTS)(
    '$caller: a failed $service $operation is retried and happens once',
    async (spec, context) => {
      const fault = faults.find((f) => 'caller' in f.spec && f.spec.caller === spec.caller);
      expect(fault, 'the whole-purchase test armed this fault').toBeDefined();
      const label = functionLabel(fault?.functionId ?? spec.caller);
      const effect = `${label} ${spec.service}:${spec.operation}`;
      // Every attempt the SDK made failed, so the failure reached the retry above the function.
      expect(fault?.fired).toBe(SDK_DEFAULT_ATTEMPTS);
      const ok = faulty.effects.get(effect) ?? 0;
      expect(ok).toBeGreaterThan(0);
      expect(ok).toBe(baseline.effects.get(effect));
      const injected = app.runtime.calls.count({
        caller: fault?.functionId,
        service: spec.service,
        operation: spec.operation,
        outcome: 'injected',
      });
      expect(injected).toBe(SDK_DEFAULT_ATTEMPTS);
      recordCase(context, {
        case: `9 Fault: ${label} before ${spec.operation}`,
        attempts: injected,
        expected: `${spec.operation} fails on all ${SDK_DEFAULT_ATTEMPTS} SDK attempts after the DynamoDB write; ${RETRIED_BY[label] ?? 'Step Functions Retry'} → effect as often as fault-free, audit without duplicate`,
        observed: `${injected} injected; ${ok} ok ${spec.operation} (fault-free ${baseline.effects.get(effect) ?? 0}); audit ${describeCounts(new Map([[`entries`, faulty.view.audit.length]]))} (fault-free ${baseline.view.audit.length}), ${repeatedAuditEntries(faulty.view.audit).length} repeated; ${faulty.view.stage}`,
      });
    },
  );
});

describe('case 9: paths that end or resume outside a workflow retry', () => {
  const approvers = settings.policy.approval.approvers;

  /** Submits a one-level proposal and returns its id and the approver's mail. */
  async function submitted(idempotencyKey = `faults-${randomUUID()}`) {
    const answer = await app.users.submit(ctx.officer, smallMinorProtectionProposalToday(), idempotencyKey);
    expect(answer.status).toBe(201);
    const purchaseId = String(answer.body.purchaseId);
    const mail = await inboxes.next(approvers.SECTION_CHIEF.email, (m) =>
      (m.body.text ?? '').includes(purchaseId),
    );
    return { purchaseId, link: UsersClient.linkIn(mail) };
  }

  it('RejectPurchase: the officer is told of a rejection once although the mail failed', async (context) => {
    const fault = app.runtime.faults.arm({
      caller: 'RejectPurchase',
      service: 'sesv2',
      operation: 'SendEmail',
    });
    const since = lastSeq(app.runtime.calls);
    const { purchaseId, link } = await submitted();
    const page = await app.users.open(link);
    const rejected = await app.users.decide(link, {
      nonce: page.nonce,
      decision: 'REJECT',
      comment: '预算不符。',
    });
    expect(rejected.status).toBe(200);
    const view = await waitFor(
      ctx,
      purchaseId,
      (v) => v.stage === 'REJECTED' && auditCount(v, 'officer.notified') > 0 && auditCount(v, 'ngo.told') > 0,
    );
    app.runtime.faults.disarm(fault);
    const effects = sideEffectsSince(app.runtime.calls, since);
    const mails = (await mailsAbout(app.users, purchaseId)).filter((m) =>
      m.destination.to.includes(OFFICER_EMAIL),
    );
    expect(fault.fired).toBe(SDK_DEFAULT_ATTEMPTS);
    // The officer's outcome and the NGO's "not approved" notice, each sent once.
    expect(effects.get(`${functionLabel(fault.functionId)} sesv2:SendEmail`)).toBe(2);
    expect(mails).toHaveLength(1);
    expect(auditCount(view, 'officer.notified')).toBe(1);
    expect(auditCount(view, 'ngo.told')).toBe(1);
    expect(auditCount(view, 'purchase.rejected')).toBe(1);
    expect(repeatedAuditEntries(view.audit)).toEqual([]);
    recordCase(context, {
      case: `9 Fault: ${functionLabel(fault.functionId)} before SendEmail`,
      attempts: fault.fired,
      expected:
        'outcome mail fails on every SDK attempt; Step Functions Retry → one mail, one officer.notified, REJECTED',
      observed: `${fault.fired} injected; ${mails.length} mail to the officer; officer.notified ×${auditCount(view, 'officer.notified')}, purchase.rejected ×${auditCount(view, 'purchase.rejected')}; ${view.stage}`,
    });
  });

  it('TaskLink: a decision recorded while SendTaskSuccess failed is delivered once by the repeated POST', async (context) => {
    const { purchaseId, link } = await submitted();
    const since = lastSeq(app.runtime.calls);
    const fault = app.runtime.faults.arm({
      caller: 'TaskLink',
      service: 'sfn',
      operation: 'SendTaskSuccess',
    });
    const page = await app.users.open(link);
    const form = { nonce: page.nonce, decision: 'APPROVE', confirmed: true, comment: '同意。' };
    const first = await app.users.decide(link, form);
    app.runtime.faults.disarm(fault);
    // The person sees an error page; the decision is recorded, the workflow still waits.
    expect(first.status).toBeGreaterThanOrEqual(500);
    const meanwhile = await waitFor(ctx, purchaseId, (v) => auditCount(v, 'approval.decided') === 1);
    expect(meanwhile.stage).toBe('APPROVAL');
    // They post again (reload, or the button once more): the step completes.
    const again = await app.users.decide(link, form);
    // The repeat shows the recorded decision (a used link answers 410 with it, or 200).
    expect([200, 410]).toContain(again.status);
    const view = await waitFor(ctx, purchaseId, (v) => v.stage === 'CONTRACTING');
    const third = await app.users.decide(link, form);
    expect([200, 410]).toContain(third.status);
    const delivered = sideEffectsSince(app.runtime.calls, since).get(
      `${functionLabel(fault.functionId)} sfn:SendTaskSuccess`,
    );
    expect(fault.fired).toBe(SDK_DEFAULT_ATTEMPTS);
    expect(delivered).toBe(1);
    const after = await waitFor(ctx, purchaseId, (v) => auditCount(v, 'contract.issued') === 1);
    expect(auditCount(after, 'approval.decided')).toBe(1);
    // The failed delivery itself is on the record, once.
    expect(auditCount(after, 'task.delivery-failed')).toBeLessThanOrEqual(1);
    expect(auditCount(after, 'purchase.approved')).toBe(1);
    expect(repeatedAuditEntries(after.audit)).toEqual([]);
    recordCase(context, {
      case: `9 Fault: ${functionLabel(fault.functionId)} before SendTaskSuccess`,
      attempts: 3,
      expected:
        'decision recorded, SendTaskSuccess fails (error page); the repeated POST delivers it once and shows the decision; a third POST changes nothing',
      observed: `POSTs answered ${first.status}/${again.status}/${third.status}; ${fault.fired} injected; ${delivered ?? 0} ok SendTaskSuccess; approval.decided ×${auditCount(after, 'approval.decided')}, task.delivery-failed ×${auditCount(after, 'task.delivery-failed')}; ${view.stage}`,
    });
  });

  it('CreatePurchase: a submission whose StartExecution failed starts one execution when posted again', async (context) => {
    const key = `faults-${randomUUID()}`;
    const fault = app.runtime.faults.arm({
      caller: 'CreatePurchase',
      service: 'sfn',
      operation: 'StartExecution',
    });
    const since = lastSeq(app.runtime.calls);
    const first = await app.users.submit(ctx.officer, smallMinorProtectionProposalToday(), key);
    app.runtime.faults.disarm(fault);
    expect(first.status).toBeGreaterThanOrEqual(500);
    const again = await app.users.submit(ctx.officer, smallMinorProtectionProposalToday(), key);
    expect([200, 201]).toContain(again.status);
    const purchaseId = String(again.body.purchaseId);
    const view = await waitFor(ctx, purchaseId, (v) => v.stage === 'APPROVAL' && v.pendingTasks.length > 0);
    const started = sideEffectsSince(app.runtime.calls, since).get(
      `${functionLabel(fault.functionId)} sfn:StartExecution`,
    );
    const executions = (
      await app.runtime.stepFunctions.listExecutions({
        stateMachineArn: app.runtime.app.stateMachines[0]?.arn ?? '',
      })
    ).executions.filter((e) => e.name === purchaseId);
    expect(fault.fired).toBe(SDK_DEFAULT_ATTEMPTS);
    expect(started).toBe(1);
    expect(executions).toHaveLength(1);
    expect(repeatedAuditEntries(view.audit)).toEqual([]);
    recordCase(context, {
      case: `9 Fault: ${functionLabel(fault.functionId)} before StartExecution`,
      attempts: 2,
      expected:
        'purchase stored, StartExecution fails (5xx); the same POST again (idempotency key) starts one execution',
      observed: `POSTs answered ${first.status}/${again.status}; ${fault.fired} injected; ${started ?? 0} ok StartExecution; ${executions.length} execution; ${view.stage}, ${view.audit.length} audit entries, ${repeatedAuditEntries(view.audit).length} repeated`,
    });
  });
});
