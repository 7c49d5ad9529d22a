import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { connect, type OpsConnection, UnreachableError } from '../../../scripts/ops/connection.js';
import { runOps } from '../../../scripts/ops/run-ops.js';
import { overduePayments } from '../../../shared/usecases/operations.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';

/**
 * The operator CLI over in-memory records: what each command prints and its exit code. (The
 * integration test runs it against `npm start`'s runtime; AWS is reached through CloudFormation's
 * outputs, mocked here.)
 */

const MIDTERM = 'PUR-2026-OPSMIDTERMAAAAAA';
const FAILED = 'PUR-2026-OPSFAILEDAAAAAAA';
const CLOSED = 'PUR-2026-OPSCLOSEDAAAAAAA';
const NOW = '2026-09-01T00:00:00.000Z';

let fakes: Fakes;
let printed: string[];
const print = (line: string) => printed.push(line);

function fakeConnection(): OpsConnection {
  const {
    purchases,
    budgets,
    tasks,
    deliverables,
    uploadCounts,
    waits,
    payments,
    trackRecords,
    referenceData,
    delegations,
    workflow,
  } = fakes;
  return {
    where: 'in-memory records',
    repositories: {
      purchases,
      budgets,
      tasks,
      deliverables,
      uploadCounts,
      waits,
      payments,
      trackRecords,
      referenceData,
      delegations,
    },
    executions: workflow,
    workflow,
    // The fakes list every purchase as it is: there is nothing to backfill.
    backfillListing: async () => ({ scanned: fakes.purchases.records.size, updated: 0 }),
    invoke: async () => {
      throw new Error('no function is invoked in these tests');
    },
    close() {},
  };
}
const ops = (...argv: string[]) =>
  runOps(argv, print, { connectTo: async () => fakeConnection(), now: fakes.clock.now });

beforeEach(async () => {
  fakes = createFakes(NOW);
  printed = [];
  const proposal = largeElderlyCareProposal();
  fakes.purchases.seed(purchaseRecord(MIDTERM, proposal, { stage: 'MIDTERM_REVIEW' }));
  fakes.purchases.seed(
    purchaseRecord(FAILED, proposal, {
      stage: 'CONTRACTING',
      failure: { state: 'Issue contract', error: 'Lambda.Unknown', at: '2026-08-30T00:00:00.000Z' },
    }),
  );
  fakes.purchases.seed(purchaseRecord(CLOSED, proposal, { stage: 'CLOSED' }));
  // The mid-term report is awaited, and its planned due day is behind us.
  await fakes.waits.armWait({
    purchaseId: MIDTERM,
    kind: 'MIDTERM_REPORT',
    taskToken: 'token-midterm',
    since: '2026-02-01T00:00:00.000Z',
    now: '2026-07-01T00:00:00.000Z',
  });
  // An approval link that expired unanswered.
  await fakes.tasks.openTask({
    purchaseId: FAILED,
    stepKey: 'COUNTERSIGN:1',
    purpose: 'COUNTERSIGN',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { name: '陈科长', email: 'chief@civil-affairs.example.gov.cn', role: 'SECTION_CHIEF' },
    taskToken: 'token-countersign',
    expiresAt: '2026-08-31T00:00:00.000Z',
    now: '2026-08-28T00:00:00.000Z',
  });
});

describe('npm run ops', () => {
  it('lists the open purchases with what waits past its time, and filters them', async () => {
    expect(await ops('list', '--json')).toBe(0);
    const listed = JSON.parse(printed.join('\n')) as { purchaseId: string; overdue: { kind: string }[] }[];
    expect(listed.map((p) => [p.purchaseId, p.overdue.map((o) => o.kind)])).toEqual([
      [MIDTERM, ['UPLOAD']],
      [FAILED, ['TASK']],
    ]);

    printed = [];
    expect(await ops('list', '--failed')).toBe(0);
    expect(printed.join('\n')).toContain('1 open purchase(s)');
    expect(printed.join('\n')).toContain(`${FAILED}  CONTRACTING`);
    expect(printed.join('\n')).toContain('FAILED at "Issue contract" (Lambda.Unknown');

    printed = [];
    expect(await ops('list', '--stage', 'MIDTERM_REVIEW')).toBe(0);
    expect(printed.join('\n')).toMatch(new RegExp(`${MIDTERM} .*MIDTERM_REPORT due `));
    expect(printed.join('\n')).not.toContain(FAILED);
  });

  it('shows a purchase: its waits, tasks with their assignees, executions and failure', async () => {
    expect(await ops('show', FAILED)).toBe(0);
    const text = printed.join('\n');
    expect(text).toContain(`${FAILED}  CONTRACTING`);
    expect(text).toMatch(
      /COUNTERSIGN SECTION_CHIEF \(FIRST\) {2}陈科长 <chief@civil-affairs\.example\.gov\.cn>/,
    );
    expect(text).toContain('failure: "Issue contract" Lambda.Unknown at 2026-08-30T00:00:00.000Z');
    expect(text).toContain('audit chain: verified');
    expect(text).not.toContain('token-countersign');
  });

  it('resumes a purchase with no running execution, and says why not for the others (exit code 1)', async () => {
    expect(await ops('resume', FAILED, '--json')).toBe(0);
    expect(JSON.parse(printed.join(''))).toEqual({
      resumed: 'CONTRACTING',
      execution: `${FAILED}-r20260901000000000`,
    });
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: FAILED, resumeAt: 'CONTRACTING', executionName: `${FAILED}-r20260901000000000` },
    ]);

    printed = [];
    expect(await ops('resume', FAILED)).toBe(1);
    expect(printed).toEqual([`an execution of ${FAILED} is running (stage CONTRACTING): nothing to resume`]);
    printed = [];
    expect(await ops('resume', CLOSED)).toBe(1);
    expect(printed).toEqual([`${CLOSED} is finished (CLOSED): nothing to resume`]);
  });

  it('verifies an audit chain, and fails (exit code 1) on a broken one', async () => {
    await fakes.purchases.change({
      purchaseId: MIDTERM,
      audit: { actor: 'system:workflow', action: 'midterm.reminded', detail: {} },
      eventId: 'e1',
      now: NOW,
    });
    expect(await ops('verify', MIDTERM)).toBe(0);
    expect(printed).toEqual([`${MIDTERM}: audit chain verified, 2 entries`]);

    const entries = fakes.purchases.auditLog.get(MIDTERM) ?? [];
    (entries[0] as { detail: Record<string, unknown> }).detail = { forged: true };
    printed = [];
    expect(await ops('verify', MIDTERM)).toBe(1);
    expect(printed[0]).toContain('audit chain BROKEN at entry 1');
  });

  it('exports a purchase as JSON, and answers an unknown purchase with exit code 1', async () => {
    expect(await ops('export', MIDTERM)).toBe(0);
    expect(JSON.parse(printed.join(''))).toMatchObject({ purchaseId: MIDTERM, stage: 'MIDTERM_REVIEW' });
    printed = [];
    expect(await ops('show', 'PUR-2026-NOSUCHPURCHASEAA')).toBe(1);
    expect(printed).toEqual(['no purchase PUR-2026-NOSUCHPURCHASEAA']);
  });

  it("exports the whole audit trail, not the staff view's newest page of it", async () => {
    for (let i = 0; i < 120; i++) {
      fakes.purchases.appendAudit(MIDTERM, {
        actor: 'officer',
        action: 'task.link-resent',
        eventId: `resent:${i}`,
        at: NOW,
      });
    }

    expect(await ops('export', MIDTERM)).toBe(0);

    const exported = JSON.parse(printed.join('')) as { audit: { seq: number }[]; auditNext?: string };
    expect(exported.audit.map((e) => e.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    expect(exported).not.toHaveProperty('auditNext');
  });

  it('backfills the purchases list and says what it did', async () => {
    expect(await ops('backfill-listing')).toBe(0);
    expect(printed).toEqual(['every purchase is listed already (3 items looked at)']);
    printed = [];
    expect(await ops('backfill-listing', '--json')).toBe(0);
    expect(JSON.parse(printed.join(''))).toEqual({ scanned: 3, updated: 0 });
  });

  it('prints the usage for --help (exit code 0) and after a usage error (exit code 2)', async () => {
    expect(await ops('--help')).toBe(0);
    expect(printed[0]).toContain('usage: npm run ops -- <command>');
    printed = [];
    expect(await ops('show', 'nope')).toBe(2);
    expect(printed[0]).toMatch(/^ops: a purchase id looks like .*\n\nOperate the NGO service/);
  });
});

describe('overduePayments', () => {
  it('counts notified tranches past their China due day, not confirmed ones nor those due today', async () => {
    const notice = (tranche: number, dueDate: string) => ({
      purchaseId: MIDTERM,
      tranche,
      milestone: 'CONTRACT_SIGNED' as const,
      amountFen: 100_000,
      dueDate,
      notifiedAt: '2026-07-01T00:00:00.000Z',
      confirmTaskId: `task-${tranche}`,
    });
    await fakes.payments.openPayment(notice(1, '2026-08-15'), '2026-07-01T00:00:00.000Z');
    await fakes.payments.openPayment(notice(2, '2026-08-20'), '2026-07-01T00:00:00.000Z');
    await fakes.payments.openPayment(notice(3, '2026-09-01'), '2026-07-01T00:00:00.000Z');
    await fakes.payments.confirmPayment({
      purchaseId: MIDTERM,
      tranche: 2,
      by: 'finance',
      reference: 'BOC-1',
      now: NOW,
    });

    // NOW is 08:00 on 1 September in China: the third tranche is due today, not overdue.
    expect(
      await overduePayments({ purchases: fakes.purchases, payments: fakes.payments, now: fakes.clock.now }),
    ).toEqual([{ purchaseId: MIDTERM, tranche: 1, dueDate: '2026-08-15' }]);
  });
});

describe('npm run ops: where it connects', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  beforeEach(() => cloudFormation.reset());

  it('finds the table and the alias in the stacks’ outputs on AWS', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'NgoPurchaseRecords' })
      .resolves({
        Stacks: [
          {
            StackName: 'NgoPurchaseRecords',
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: [{ OutputKey: 'RecordsTableName', OutputValue: 'records-table' }],
          },
        ],
      })
      .on(DescribeStacksCommand, { StackName: 'NgoPurchaseApp' })
      .resolves({
        Stacks: [
          {
            StackName: 'NgoPurchaseApp',
            CreationTime: new Date(),
            StackStatus: 'UPDATE_COMPLETE',
            Outputs: [
              {
                OutputKey: 'StateMachineAliasArn',
                OutputValue: 'arn:aws:states:cn-north-1:1:stateMachine:lifecycle:live',
              },
            ],
          },
        ],
      });
    const connection = await connect({
      kind: 'aws',
      region: 'cn-north-1',
      appStack: 'NgoPurchaseApp',
      recordsStack: 'NgoPurchaseRecords',
    });
    connection.close();

    expect(connection.where).toBe('AWS in cn-north-1');
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([
      'NgoPurchaseRecords',
      'NgoPurchaseApp',
    ]);
  });

  it('says which output is missing, and that the local runtime is not running (exit code 3)', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    await expect(
      connect({
        kind: 'aws',
        appStack: 'NgoPurchaseApp',
        recordsStack: 'NgoPurchaseRecords',
        region: 'cn-north-1',
      }),
    ).rejects.toThrow(
      new UnreachableError(
        'stack NgoPurchaseRecords has no output RecordsTableName: deploy the current version of the app',
      ),
    );
    expect(await runOps(['list', '--data', '/nonexistent-folder'], print)).toBe(3);
    expect(printed.at(-1)).toContain(
      'the local runtime is not running here: no /nonexistent-folder/endpoints.json',
    );
  });
});
