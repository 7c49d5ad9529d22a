import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { GENESIS_HASH, nextAuditEntry } from '../../../shared/domain/audit-chain.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { LIFECYCLE_SETTINGS_JSON, TEST_LIFECYCLE } from '../../support/settings.js';

const env = stubFunctionEnv();
vi.stubEnv('LIFECYCLE_SETTINGS', LIFECYCLE_SETTINGS_JSON);
vi.stubEnv('DOCUMENTS_BUCKET', 'documents-unit');
vi.stubEnv('PAYMENTS_TOPIC_ARN', 'arn:aws-cn:sns:cn-north-1:123456789012:payments');

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);
const MOCKS = [ddb, sfn, ses, secrets];

const steps = {
  planEvaluation: (await import('../../../functions/plan-evaluation/handler.js')).handler,
  recordMissingReport: (await import('../../../functions/record-missing-report/handler.js')).handler,
  requestEvaluation: (await import('../../../functions/request-evaluation/handler.js')).handler,
  concludeEvaluation: (await import('../../../functions/conclude-evaluation/handler.js')).handler,
  closePurchase: (await import('../../../functions/close-purchase/handler.js')).handler,
};

const PURCHASE_ID = 'PUR-2026-EVALSTEPSAAAAAAA';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-of-the-evaluation-wait';
const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PROPOSAL = largeElderlyCareProposal();
const PASSED_AT = '2026-07-10T02:00:00.000Z';
const NOW = '2026-12-01T00:00:00.000Z';
const LINE_ID = PROPOSAL.budgetLineRef;
const CREATED = nextAuditEntry(
  { purchaseId: PURCHASE_ID, auditSeq: 0, auditHash: GENESIS_HASH },
  {
    actor: 'officer@x.example',
    action: 'proposal.submitted',
    eventId: 'create',
    at: '2026-03-01T08:00:00.000Z',
  },
);

const run = (step: keyof typeof steps, input: unknown) =>
  (steps[step] as (event: unknown, context: unknown) => Promise<unknown>)(input, lambdaContext(step));

function storePurchase(overrides: Record<string, unknown> = {}): void {
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
    Item: {
      ...keys.purchase(PURCHASE_ID),
      purchaseId: PURCHASE_ID,
      version: 12,
      stage: 'EVALUATION',
      proposal: PROPOSAL,
      createdBy: 'officer@civil-affairs.example.gov.cn',
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: PASSED_AT,
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      approvals: {},
      decisions: {},
      midterm: { round: 1, dueDate: '2026-06-30', passedAt: PASSED_AT },
      budget: { lineId: LINE_ID, amountFen: PROPOSAL.totalFen, status: 'RESERVED', at: PASSED_AT },
      // The head of a one-entry audit chain, so the closing can verify it.
      auditSeq: CREATED.seq,
      auditHash: CREATED.hash,
      ...overrides,
    },
  });
}

const onQuery = (prefix: string, items: Record<string, unknown>[]) =>
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':prefix': prefix } }).resolves({ Items: items });

/** The audit entries the step's transactions wrote. */
const auditWritten = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => c.args[0].input.TransactItems ?? [])
    .map((item) => item.Put?.Item)
    .filter((item) => item?.entity === 'AUDIT');

/** The values the step's transactions set on the purchase item. */
const setValues = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => c.args[0].input.TransactItems ?? [])
    .map((item) => item.Update)
    .filter((update) => update?.Key?.PK === keys.purchase(PURCHASE_ID).PK && update.Key.SK === 'META')
    .flatMap((u) => Object.values(u?.ExpressionAttributeValues ?? {}));

const logged: string[] = [];

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(NOW) });
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => {
  vi.useRealTimers();
  expect(logged.join('\n')).not.toContain(TOKEN);
});

beforeEach(() => {
  for (const mock of MOCKS) mock.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
});

describe('an evaluation step given a malformed input', () => {
  const malformed: [keyof typeof steps, unknown][] = [
    ['planEvaluation', {}],
    ['planEvaluation', { purchaseId: 'PUR-2026-short' }],
    ['recordMissingReport', null],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'FIRST' }],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'LATER', taskToken: TOKEN }],
    ['requestEvaluation', { purchaseId: PURCHASE_ID, attempt: 'FIRST', taskToken: '' }],
    ['concludeEvaluation', { purchaseId: 42 }],
    ['closePurchase', { purchaseId: 'pur-2026-evalstepsaaaaaaa' }],
  ];

  it.each(malformed)('%s throws ValidationError for %j and makes no AWS call', async (step, input) => {
    const error = await run(step, input).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.length).toBeGreaterThan(0);
    for (const mock of MOCKS) expect(mock).not.toHaveReceivedAnyCommand();
  });
});

describe('evaluation steps over the table', () => {
  it('plan-evaluation waits for the final report until its due day plus the grace days', async () => {
    storePurchase();

    const step = await run('planEvaluation', { purchaseId: PURCHASE_ID });

    const dueDate = PROPOSAL.deliverables.find((d) => d.kind === 'FINAL_REPORT')?.dueDate;
    const deadline =
      Date.parse(`${dueDate}T23:59:59.999+08:00`) + TEST_LIFECYCLE.midterm.graceDays * 86_400_000;
    expect(step).toEqual({
      next: 'AWAIT_FINAL_REPORT',
      since: PASSED_AT,
      deadline: new Date(deadline).toISOString(),
      waitSeconds: Math.ceil((deadline - Date.parse(NOW)) / 1000),
      graceSeconds: TEST_LIFECYCLE.midterm.graceDays * 86_400,
    });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('record-missing-report writes the final-report.missing audit entry', async () => {
    storePurchase();

    await expect(run('recordMissingReport', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    expect(auditWritten()).toEqual([
      expect.objectContaining({ action: 'final-report.missing', eventId: 'final-report.missing', seq: 2 }),
    ]);
  });

  it('request-evaluation assigns an independent agency, opens its task and mails it one link, never the token', async () => {
    storePurchase();

    const result = (await run('requestEvaluation', {
      purchaseId: PURCHASE_ID,
      attempt: 'FIRST',
      taskToken: TOKEN,
    })) as { taskId: string; agencyId: string };

    expect(result.agencyId).not.toBe('ludao-eval');
    const agency = TEST_LIFECYCLE.evaluation.agencies.find((a) => a.id === result.agencyId);
    expect(agency).toBeDefined();
    expect(auditWritten()).toContainEqual(
      expect.objectContaining({
        action: 'evaluation.assigned',
        detail: { agencyId: result.agencyId, replaces: null },
      }),
    );
    const taskPut = ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .map((item) => item.Put?.Item)
      .find((item) => item?.entity === 'TASK');
    expect(taskPut).toMatchObject({
      taskId: result.taskId,
      purpose: 'EVALUATION',
      stepKey: 'EVALUATION',
      taskToken: TOKEN,
      context: { agencyId: result.agencyId },
      assignee: { email: agency?.email, role: 'EVALUATOR' },
    });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const mail = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(mail?.Destination?.ToAddresses).toEqual([agency?.email]);
    const text = mail?.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(new Set(text.match(/https?:\/\/\S+/g))).toEqual(
      new Set([expect.stringContaining(`${env.PUBLIC_BASE_URL}/tasks/${result.taskId}?sig=`)]),
    );
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('conclude-evaluation of a GOOD grade pays in full and writes the track-record entry once', async () => {
    storePurchase({
      evaluation: { agencyId: 'mingjian-eval', excludedAgencies: [] },
      decisions: {
        EVALUATION: {
          decision: 'SUBMIT',
          by: 'projects@mingjian-eval.example.org',
          byName: 'Mingjian',
          comment: '',
          at: '2026-12-10T02:00:00.000Z',
          taskId: 'evaluation-task-1',
          data: { grade: 'GOOD', totalTenths: 853 },
        },
      },
    });

    await expect(run('concludeEvaluation', { purchaseId: PURCHASE_ID })).resolves.toEqual({
      finalTranche: 'PAY_IN_FULL',
    });

    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        ...keys.trackRecord(PROPOSAL.ngo.creditCode, PURCHASE_ID),
        grade: 'GOOD',
        total: 853,
        evaluatedOn: '2026-12-10',
      }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(setValues()).toContainEqual(
      expect.objectContaining({ grade: 'GOOD', total: 853, evaluatedAt: '2026-12-10T02:00:00.000Z' }),
    );
    const payments = ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .filter((item) => String(item.Put?.Item?.SK ?? item.Update?.Key?.SK).startsWith('PAYMENT#'));
    expect(payments).toEqual([]);
  });

  it('close-purchase moves EVALUATION to CLOSED, returns the unpaid budget and reports a valid audit chain', async () => {
    storePurchase();
    onQuery('AUDIT#', [{ ...keys.audit(PURCHASE_ID, CREATED.seq), entity: 'AUDIT', ...CREATED }]);
    onQuery('PAYMENT#', [
      {
        purchaseId: PURCHASE_ID,
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 14_400_000,
        status: 'CONFIRMED',
      },
      {
        purchaseId: PURCHASE_ID,
        tranche: 2,
        milestone: 'MIDTERM_PASSED',
        amountFen: 19_200_000,
        status: 'NOTIFIED',
      },
      {
        purchaseId: PURCHASE_ID,
        tranche: 3,
        milestone: 'EVALUATION_PASSED',
        amountFen: 14_400_000,
        status: 'WITHHELD',
      },
    ]);
    ddb
      .on(GetCommand, { Key: keys.reservation(LINE_ID, PURCHASE_ID) })
      .resolves({ Item: { amountFen: PROPOSAL.totalFen, status: 'RESERVED' } });

    await expect(run('closePurchase', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    const items = ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems ?? []);
    const lineUpdate = items.find(
      (item) => item.Update?.Key?.PK === keys.budgetLine(LINE_ID).PK && item.Update.Key.SK === 'META',
    );
    // 48,000,000 reserved less the 33,600,000 notified or confirmed: the withheld tranche goes back.
    expect(lineUpdate?.Update?.ExpressionAttributeValues).toEqual({ ':amount': 14_400_000 });
    const values = setValues();
    expect(values).toContain('CLOSED');
    expect(values).toContain(NOW);
    expect(auditWritten()).toEqual([
      expect.objectContaining({
        action: 'purchase.closed',
        detail: expect.objectContaining({
          paidOrDueFen: 33_600_000,
          auditChainValid: true,
          stageFrom: 'EVALUATION',
          stageTo: 'CLOSED',
        }),
      }),
    ]);
  });

  it('close-purchase of a purchase already CLOSED writes nothing', async () => {
    storePurchase({ stage: 'CLOSED', closedAt: NOW });

    await expect(run('closePurchase', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();

    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
