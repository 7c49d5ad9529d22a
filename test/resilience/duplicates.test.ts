import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largeElderlyCareProposalToday,
  smallMinorProtectionProposalToday,
} from '../../infra/local/samples/live-proposals.js';
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
 * Case 10, duplicate events: every S3 ObjectCreated event is delivered twice, and every Lambda
 * task of the workflow is invoked twice with the same input (Lambda's at-least-once delivery),
 * while whole purchases run; each effect happens once, as in a purchase without duplicates.
 */

const OFFICER_EMAIL = 'wang.officer@civil-affairs.example.gov.cn';
const settings = TEST_SETTINGS;
const UPLOAD_KINDS = ['SIGNED_CONTRACT', 'MIDTERM_REPORT', 'FINAL_REPORT'] as const;

let app: LocalAppUnderTest;
let inboxes: Inboxes;
let ctx: JourneyContext;

beforeAll(async () => {
  app = await startLocalApp();
  inboxes = new Inboxes(() => app.runtime.urls.mailbox);
  inboxes.start();
  const officer = await app.users.devToken('officer-wang', ['officer'], OFFICER_EMAIL);
  ctx = { users: () => app.users, inboxes, officer, settings };
});

afterAll(async () => {
  inboxes?.stop();
  await app?.stop();
});

/** The functions the state machine invokes as Task states. */
function workflowFunctions(): string[] {
  const definitions = app.runtime.app.stateMachines.map((sm) => JSON.stringify(sm.definition)).join('\n');
  return app.runtime.app.functions
    .filter((fn) => definitions.includes(fn.arn) || definitions.includes(`"${fn.name}"`))
    .map((fn) => fn.logicalId)
    .sort();
}

async function playAndMeasure() {
  const since = lastSeq(app.runtime.calls);
  const closed = await playPurchase(ctx, midtermDueSoon(largeElderlyCareProposalToday()));
  // The closing step tells the NGO just after the purchase is CLOSED: measure once it has.
  const view = await waitFor(ctx, closed.purchaseId, (v) =>
    v.audit.some((e) => e.action === 'ngo.told' && e.detail.notice === 'CLOSED'),
  );
  const mails = await mailsAbout(app.users, view.purchaseId);
  return { view, since, effects: sideEffectsSince(app.runtime.calls, since), mails };
}

type Measured = Awaited<ReturnType<typeof playAndMeasure>>;

/**
 * Waits until every duplicate delivery the faults made has finished (the runner sends the
 * duplicate after the first one returns, so the last can still be running when the purchase
 * closes), then measures again: an effect of a late duplicate must count.
 */
async function afterDuplicatesFinish(measured: Measured, faults: readonly ArmedFault[]): Promise<Measured> {
  const deadline = Date.now() + 30_000;
  const fired = () => faults.reduce((sum, f) => sum + f.fired, 0);
  const finished = () =>
    app.runtime.calls.where({ service: 'lambda', duplicate: true }).filter((c) => c.seq > measured.since)
      .length;
  while (finished() < fired()) {
    if (Date.now() > deadline) throw new Error(`${finished()} of ${fired()} duplicate deliveries finished`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    since: measured.since,
    view: await app.users.purchase(ctx.officer, measured.view.purchaseId),
    effects: sideEffectsSince(app.runtime.calls, measured.since),
    mails: await mailsAbout(app.users, measured.view.purchaseId),
  };
}

describe('case 10: duplicate events and invocations have one effect', () => {
  let baseline: Measured;
  let doubled: Measured;
  let duplicates: ArmedFault[] = [];
  let redelivery: ArmedFault;

  it('a purchase whose every S3 event and workflow invocation arrives twice closes like one without', async (context) => {
    baseline = await playAndMeasure();
    expect(baseline.view.stage).toBe('CLOSED');
    // GET /purchases/{id} lists the purchase's executions, one per stage; the last ends a moment after CLOSED.
    const stageExecutions = (purchaseId: string) =>
      [purchaseId, ...['CONTRACTING', 'MIDTERM_REVIEW', 'EVALUATION'].map((s) => `${purchaseId}-${s}-1`)].map(
        (name) => expect.objectContaining({ name, status: 'SUCCEEDED' }),
      );
    const ended = await waitFor(ctx, baseline.view.purchaseId, (v) =>
      v.executions.every((e) => e.status !== 'RUNNING'),
    );
    expect(ended.executions).toEqual(stageExecutions(baseline.view.purchaseId));

    const functions = workflowFunctions();
    expect(functions.length).toBeGreaterThanOrEqual(15);
    duplicates = functions.map((fn) => app.runtime.faults.arm({ mode: 'duplicate', function: fn }));
    redelivery = app.runtime.faults.arm({ mode: 'redeliver', source: 's3' });
    try {
      doubled = await playAndMeasure();
    } finally {
      for (const fault of [...duplicates, redelivery]) app.runtime.faults.disarm(fault);
    }
    doubled = await afterDuplicatesFinish(doubled, duplicates);

    expect(doubled.view.stage).toBe('CLOSED');
    // Each hand-over, invoked twice, started its successor once.
    const doubledEnded = await waitFor(ctx, doubled.view.purchaseId, (v) =>
      v.executions.every((e) => e.status !== 'RUNNING'),
    );
    expect(doubledEnded.executions).toEqual(stageExecutions(doubled.view.purchaseId));
    expect(withSettlementHandBack(doubled.effects)).toEqual(withSettlementHandBack(baseline.effects));
    expect(repeatedMails(doubled.mails)).toEqual([]);
    expect(mailCounts(doubled.mails)).toEqual(mailCounts(baseline.mails));
    expect(auditActions(doubled.view.audit)).toEqual(auditActions(baseline.view.audit));
    expect(repeatedAuditEntries(doubled.view.audit)).toEqual([]);
    expect(doubled.view.auditChain.valid).toBe(true);
    expect(doubled.view.deliverables?.map((d) => d.kind).sort()).toEqual([...UPLOAD_KINDS].sort());
    const failedDuplicates = app.runtime.calls
      .where({ service: 'lambda', duplicate: true })
      .filter((c) => c.seq > doubled.since && c.outcome !== 'ok');
    expect(failedDuplicates.map((c) => `${c.target}: ${c.errorCode}`)).toEqual([]);
    recordCase(context, {
      case: '10 Duplicates: whole purchase, all at once',
      attempts: duplicates.reduce((sum, f) => sum + f.fired, 0) + redelivery.fired,
      expected: 'side effects, mails, audit entries and deliverables as without duplicates; CLOSED',
      observed: `${duplicates.reduce((sum, f) => sum + f.fired, 0)} invocations of ${duplicates.length} functions delivered twice (${failedDuplicates.length} failed), ${redelivery.fired} S3 events twice; effects ${describeCounts(doubled.effects)}; ${doubled.mails.length} mails (without duplicates ${baseline.mails.length}); ${doubled.view.audit.length} audit entries (${baseline.view.audit.length}), ${repeatedAuditEntries(doubled.view.audit).length} repeated; ${doubled.view.stage}`,
    });
  }, 300_000);

  it.for(UPLOAD_KINDS)(
    '%s: its ObjectCreated event delivered twice records one deliverable and resumes one step',
    (kind, context) => {
      expect(doubled, 'the whole-purchase test ran').toBeDefined();
      const events = app.runtime.calls
        .where({ service: 's3-events' })
        .filter((c) => c.seq > doubled.since && c.target?.includes(`/${kind}/`));
      const deliverables = (doubled.view.deliverables ?? []).filter((d) => d.kind === kind);
      const accepted = doubled.view.audit.filter(
        (e) => e.action === 'deliverable.accepted' && JSON.stringify(e.detail).includes(kind),
      );
      expect(events.map((e) => e.duplicate ?? false)).toEqual([false, true]);
      expect(deliverables).toHaveLength(1);
      expect(accepted).toHaveLength(1);
      const resumed = doubled.effects.get('RecordUpload sfn:SendTaskSuccess') ?? 0;
      expect(resumed).toBe(baseline.effects.get('RecordUpload sfn:SendTaskSuccess'));
      recordCase(context, {
        case: `10 Duplicate S3 event: ${kind}`,
        attempts: events.length,
        expected: 'one deliverable, one deliverable.accepted audit entry, the waiting step resumed once',
        observed: `${events.length} deliveries; ${deliverables.length} deliverable (${deliverables.map((d) => d.status).join(', ')}); ${accepted.length} audit entry; steps resumed by the recorder: ${resumed} for 3 uploads (without duplicates ${baseline.effects.get('RecordUpload sfn:SendTaskSuccess') ?? 0})`,
      });
    },
  );

  it('every workflow function invoked twice with the same input has each effect once', (context) => {
    expect(doubled, 'the whole-purchase test ran').toBeDefined();
    const rows = duplicates.map((fault) => {
      const invocations = app.runtime.calls
        .where({ service: 'lambda', target: fault.functionId })
        .filter((c) => c.seq > doubled.since);
      const label = functionLabel(fault.functionId);
      const effects = [...doubled.effects].filter(([key]) => key.startsWith(`${label} `));
      return {
        label,
        fired: fault.fired,
        twice: invocations.filter((c) => c.duplicate).length,
        failed: invocations.filter((c) => c.outcome !== 'ok').length,
        effects: effects.map(
          ([key, n]) => `${key.slice(label.length + 1)}×${n} (${baseline.effects.get(key) ?? 0})`,
        ),
      };
    });
    const invoked = rows.filter((r) => r.fired > 0);
    // The purchase passes through most tasks (not the rejection, termination or missing-report ones).
    expect(invoked.length).toBeGreaterThanOrEqual(14);
    for (const row of invoked) {
      expect(row.twice, row.label).toBe(row.fired);
      expect(row.failed, row.label).toBe(0);
    }
    recordCase(context, {
      case: '10 Duplicate invocation: every workflow Lambda task',
      attempts: invoked.reduce((sum, r) => sum + r.fired, 0),
      expected:
        'each invocation delivered twice succeeds; one mail, publish, callback and audit entry per effect',
      observed: invoked
        .map((r) => `${r.label} ${r.twice}×2${r.effects.length > 0 ? ` [${r.effects.join(', ')}]` : ''}`)
        .join('; '),
    });
  });

  it('a rejected purchase whose steps are all invoked twice tells the officer once, and the NGO once', async (context) => {
    const proposal = smallMinorProtectionProposalToday();
    const functions = workflowFunctions();
    const armed = functions.map((fn) => app.runtime.faults.arm({ mode: 'duplicate', function: fn }));
    const since = lastSeq(app.runtime.calls);
    let purchaseId = '';
    try {
      const answer = await app.users.submit(ctx.officer, proposal, `dup-${randomUUID()}`);
      expect(answer.status).toBe(201);
      purchaseId = String(answer.body.purchaseId);
      const chief = settings.policy.approval.approvers.SECTION_CHIEF.email;
      const mail = await inboxes.next(chief, (m) => (m.body.text ?? '').includes(purchaseId));
      const link = UsersClient.linkIn(mail);
      const page = await app.users.open(link);
      const rejected = await app.users.decide(link, {
        nonce: page.nonce,
        decision: 'REJECT',
        comment: '不符合。',
      });
      expect(rejected.status).toBe(200);
      await waitFor(ctx, purchaseId, (v) => v.stage === 'REJECTED' && auditCount(v, 'officer.notified') > 0);
    } finally {
      for (const fault of armed) app.runtime.faults.disarm(fault);
    }
    // Let any duplicate still running finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const view = await waitFor(ctx, purchaseId, () => true);
    const mails = await mailsAbout(app.users, purchaseId);
    const toOfficer = mails.filter((m) => m.destination.to.includes(OFFICER_EMAIL));
    const toNgo = mails.filter((m) => m.destination.to.includes(proposal.ngo.contactEmail));
    const reject = armed.find((f) => functionLabel(f.functionId) === 'RejectPurchase');
    const effects = sideEffectsSince(app.runtime.calls, since);
    expect(reject?.fired).toBe(1);
    expect(toOfficer).toHaveLength(1);
    expect(toNgo).toHaveLength(1);
    // The officer's outcome and the NGO's "not approved" notice, each once.
    expect(effects.get('RejectPurchase sesv2:SendEmail')).toBe(2);
    expect(effects.get('RequestDecision sesv2:SendEmail')).toBe(1);
    for (const action of [
      'purchase.rejected',
      'officer.notified',
      'ngo.told',
      'budget.released',
      'budget.reserved',
    ])
      expect(auditCount(view, action), action).toBe(1);
    expect(repeatedAuditEntries(view.audit)).toEqual([]);
    recordCase(context, {
      case: '10 Duplicate invocation: reject path',
      attempts: armed.reduce((sum, f) => sum + f.fired, 0),
      expected:
        'one approval mail, one rejection, one budget release, one mail to the officer, one to the NGO',
      observed: `${armed.reduce((sum, f) => sum + f.fired, 0)} invocations delivered twice; effects ${describeCounts(effects)}; ${toOfficer.length} mail to the officer, ${toNgo.length} to the NGO; purchase.rejected ×${auditCount(view, 'purchase.rejected')}, budget.released ×${auditCount(view, 'budget.released')}, officer.notified ×${auditCount(view, 'officer.notified')}; ${view.stage}`,
    });
  });

  it('no step of the product is triggered by SNS, so there is no SNS delivery to duplicate', (context) => {
    const resources = readdirSync(app.assemblyDir)
      .filter((name) => name.endsWith('.template.json'))
      .flatMap((name) =>
        Object.values(
          (
            JSON.parse(readFileSync(join(app.assemblyDir, name), 'utf8')) as {
              Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
            }
          ).Resources ?? {},
        ),
      );
    const topics = resources.filter((r) => r.Type === 'AWS::SNS::Topic');
    const subscriptions = resources.filter((r) => r.Type === 'AWS::SNS::Subscription');
    const inline = topics.flatMap(
      (t) => (t.Properties?.Subscription as { Protocol: string }[] | undefined) ?? [],
    );
    const protocols = [...subscriptions.map((s) => s.Properties), ...inline].map((s) => String(s?.Protocol));
    const invokedBySns = resources.filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties?.Principal === 'sns.amazonaws.com',
    );
    expect(topics.length).toBeGreaterThan(0);
    expect(protocols.filter((p) => !p.startsWith('email'))).toEqual([]);
    expect(invokedBySns).toEqual([]);
    recordCase(context, {
      case: '10 Duplicate SNS-triggered step',
      attempts: 0,
      expected:
        'not applicable: SNS only carries finance notices out (e-mail); nothing in the product consumes SNS',
      observed: `${topics.length} topic(s); subscriptions by protocol: ${protocols.join(', ') || 'none'}; ${invokedBySns.length} functions SNS may invoke (the payment Publish is covered above: once per tranche)`,
    });
  });
});
