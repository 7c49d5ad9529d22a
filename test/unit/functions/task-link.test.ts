import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
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
import { signTaskId } from '../../../shared/links/signing.js';
import { PAGE_HEADERS, PAGE_SECURITY_HEADERS } from '../../../shared/presentation/pages/layout.js';
import { lambdaContext, structured, stubFunctionEnv, taskLinkEvent } from '../../support/events.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

const env = stubFunctionEnv();
// A rubric and bands of their own, so the page and the grade show they come from the settings.
vi.stubEnv(
  'LIFECYCLE_SETTINGS',
  JSON.stringify({
    ...TEST_LIFECYCLE,
    evaluation: {
      ...TEST_LIFECYCLE.evaluation,
      rubric: [
        { criterion: 'PROFESSIONAL_SERVICE', weight: 50 },
        { criterion: 'OUTCOMES', weight: 30 },
        { criterion: 'MANAGEMENT', weight: 20 },
      ],
      bands: { excellent: 95, good: 85, pass: 70 },
    },
  }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const { handler } = await import('../../../functions/task-link/handler.js');

const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const KEY = Buffer.from(LINK_SECRET, 'utf8');
const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TASK_ID = 'VGFza0lkT2ZTZWN0aW9uQ2hp';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token-of-the-execution';
const NONCE = 'Tm9uY2VPZlRoZUNvbmZpcm1h';
const SIG = signTaskId(TASK_ID, KEY);
const APPROVER = { name: 'Section Chief 科长', email: 'section-chief@civil-affairs.example.gov.cn' };

type Method = 'GET' | 'HEAD' | 'POST';
const invoke = async (
  method: Method,
  options: { sig?: string; form?: Record<string, string>; taskId?: string } = {},
) =>
  structured(
    await handler(
      taskLinkEvent({
        method,
        taskId: options.taskId ?? TASK_ID,
        sig: 'sig' in options ? options.sig : SIG,
        form: options.form,
      }),
      lambdaContext('task-link'),
    ),
  );

const logged: string[] = [];

function taskItem(overrides: Record<string, unknown> = {}) {
  return {
    ...keys.task(TASK_ID),
    taskId: TASK_ID,
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    purpose: 'APPROVAL',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...APPROVER, role: 'SECTION_CHIEF' },
    taskToken: TOKEN,
    nonce: NONCE,
    createdAt: '2026-03-02T07:00:00.000Z',
    expiresAt: '2026-03-05T07:00:00.000Z',
    status: 'PENDING',
    mailsSent: ['FIRST'],
    ...overrides,
  };
}

const purchaseItem = {
  ...keys.purchase(PURCHASE_ID),
  purchaseId: PURCHASE_ID,
  version: 3,
  stage: 'APPROVAL',
  proposal: largeElderlyCareProposal(),
  createdBy: 'officer@civil-affairs.example.gov.cn',
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-02T07:00:00.000Z',
  approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
  approvals: {},
  auditSeq: 3,
  auditHash: 'c'.repeat(64),
};

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T08:00:00.000Z') });
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});

afterAll(() => {
  vi.useRealTimers();
  // Nothing the handler logged in this whole file may carry a link's secrets.
  const all = logged.join('\n');
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain(NONCE);
  expect(all).not.toContain(SIG);
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
  ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({ Item: taskItem() });
  ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({ Item: purchaseItem });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('GET /tasks/{taskId}', () => {
  it('shows the confirmation page with the nonce and without the token, under the security headers', async () => {
    const result = await invoke('GET');

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(result.body).toContain(`name="nonce" value="${NONCE}"`);
    expect(result.body).not.toContain(TOKEN);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: env.LINK_KEY_SECRET_ARN });
  });

  it('a forged signature answers 403 with the security headers and reads nothing from the table', async () => {
    const result = await invoke('GET', { sig: signTaskId(TASK_ID, Buffer.alloc(32, 7)) });

    expect(result.statusCode).toBe(403);
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS))
      expect(result.headers[name]).toBe(value);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('a link without its signature answers 403', async () => {
    expect((await invoke('GET', { sig: undefined })).statusCode).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('an expired task answers 410', async () => {
    ddb
      .on(GetCommand, { Key: keys.task(TASK_ID) })
      .resolves({ Item: taskItem({ expiresAt: '2026-03-02T07:59:59.000Z' }) });
    expect((await invoke('GET')).statusCode).toBe(410);
  });

  it('a table failure answers a plain 500 page that reveals nothing, still under the security headers', async () => {
    ddb
      .on(GetCommand, { Key: keys.task(TASK_ID) })
      .rejects(new Error('ProvisionedThroughputExceeded on purchases-unit'));

    const result = await invoke('GET');

    expect(result.statusCode).toBe(500);
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(result.body).toMatch(/^<!doctype html>/);
    expect(result.body).not.toContain('purchases-unit');
    expect(result.body).not.toContain('ProvisionedThroughput');
  });
});

describe('HEAD /tasks/{taskId} (a mail scanner pre-opening the link)', () => {
  it('answers with the status and headers of the page, an empty body, and changes nothing', async () => {
    const result = await invoke('HEAD');

    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});

describe('POST /tasks/{taskId}', () => {
  it('records the decision, sends SendTaskSuccess with decision, by, comment and taskId, then marks it delivered', async () => {
    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'APPROVE', comment: '同意立项' } });

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(result.body).toContain('Your decision has been recorded');
    const transaction = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(transaction?.TransactItems?.[0]?.Update).toMatchObject({
      Key: keys.task(TASK_ID),
      ExpressionAttributeValues: {
        ':nonce': NONCE,
        ':decision': expect.objectContaining({ decision: 'APPROVE' }),
      },
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({
        decision: 'APPROVE',
        by: APPROVER.email,
        comment: '同意立项',
        taskId: TASK_ID,
      }),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: keys.task(TASK_ID),
      UpdateExpression: 'SET deliveredAt = :now',
    });
    expect(result.body).not.toContain(TOKEN);
  });

  it('without the nonce answers 400 and writes nothing', async () => {
    const result = await invoke('POST', { form: { decision: 'APPROVE' } });

    expect(result.statusCode).toBe(400);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('a rejection without a comment answers 400 and writes nothing', async () => {
    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'REJECT', comment: '' } });
    expect(result.statusCode).toBe(400);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('a form body over 16 KiB is not read: 400, nothing written', async () => {
    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'APPROVE', comment: 'x'.repeat(17 * 1024) },
    });
    expect(result.statusCode).toBe(400);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('a decision posted while the purchase waits for a resumed execution (TaskTimedOut) is shown as recorded, not delivered', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'APPROVE', comment: '' } });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Your decision has been recorded');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('a decision posted after the approval step ended (TaskTimedOut, purchase no longer in APPROVAL) answers 410', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    ddb
      .on(GetCommand, { Key: keys.purchase(PURCHASE_ID) })
      .resolves({ Item: { ...purchaseItem, stage: 'REJECTED' } });

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'APPROVE', comment: '' } });

    expect(result.statusCode).toBe(410);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('a task decided and delivered before shows the first decision and sends no second SendTaskSuccess', async () => {
    const decision = {
      decision: 'APPROVE',
      by: APPROVER.email,
      byName: APPROVER.name,
      comment: '第一次的决定',
      at: '2026-03-02T07:30:00.000Z',
      taskId: TASK_ID,
    };
    ddb
      .on(GetCommand, { Key: keys.task(TASK_ID) })
      .resolves({ Item: taskItem({ status: 'DECIDED', decision, deliveredAt: '2026-03-02T07:30:01.000Z' }) });

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'REJECT', comment: '第二次' } });

    expect(result.statusCode).toBe(410);
    expect(result.body).toContain('第一次的决定');
    expect(result.body).not.toContain('第二次');
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('POST /tasks/{taskId} of a payment confirmation', () => {
  const FINANCE = { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn' };

  beforeEach(() => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: taskItem({
        stepKey: 'PAYMENT:1',
        purpose: 'PAYMENT_CONFIRMATION',
        level: 'FINANCE_SECTION',
        assignee: { ...FINANCE, role: 'FINANCE_SECTION' },
        taskToken: undefined,
        context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 4_320_000, dueDate: '2026-04-01' },
      }),
    });
    ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
      Item: { ...purchaseItem, stage: 'CONTRACTING', decisions: {} },
    });
    ddb.on(GetCommand, { Key: keys.payment(PURCHASE_ID, 1) }).resolves({
      Item: {
        ...keys.payment(PURCHASE_ID, 1),
        purchaseId: PURCHASE_ID,
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 4_320_000,
        dueDate: '2026-04-01',
        status: 'NOTIFIED',
        notifiedAt: '2026-03-02T07:00:00.000Z',
        confirmTaskId: TASK_ID,
      },
    });
  });

  it('passes the reference from the form: recorded on the decision and on the payment step, nothing sent to Step Functions', async () => {
    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'CONFIRM', reference: 'BOC-2026/03_0042' },
    });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('BOC-2026/03_0042');
    const [decide, confirm] = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems);
    expect(decide?.[0]?.Update?.ExpressionAttributeValues?.[':decision']).toMatchObject({
      decision: 'CONFIRM',
      data: { reference: 'BOC-2026/03_0042' },
    });
    expect(JSON.stringify(confirm?.[0])).toContain('BOC-2026/03_0042');
    expect(confirm?.[0]?.Update?.Key).toEqual(keys.payment(PURCHASE_ID, 1));
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('a malformed reference answers 400 naming the field and writes nothing', async () => {
    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'CONFIRM', reference: 'no spaces' },
    });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('reference');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('POST /tasks/{taskId} of a mid-term review and of a late report', () => {
  const midtermPurchase = { ...purchaseItem, stage: 'MIDTERM_REVIEW', decisions: {} };

  function review(context: Record<string, string | number>) {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: taskItem({ stepKey: `MIDTERM_REVIEW:${context.round}`, purpose: 'MIDTERM_REVIEW', context }),
    });
    ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({ Item: midtermPurchase });
  }

  it('a rectification with what to fix is recorded and sent to the waiting execution', async () => {
    review({ round: 1, maxRounds: 3 });

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'RECTIFY', comment: '补充服务台账' },
    });

    expect(result.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({
        decision: 'RECTIFY',
        by: APPROVER.email,
        comment: '补充服务台账',
        taskId: TASK_ID,
      }),
    });
  });

  it('a rectification in the last round answers 400 naming the round, and writes and sends nothing', async () => {
    review({ round: 3, maxRounds: 3 });

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'RECTIFY', comment: '补充服务台账' },
    });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('round 3 of 3');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('an extension of a late report is sent to the waiting execution', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: taskItem({
        stepKey: 'LATE_REPORT:1',
        purpose: 'LATE_REPORT',
        context: { dueDate: '2026-02-01', round: 1 },
      }),
    });
    ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({ Item: midtermPurchase });

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'EXTEND' } });

    expect(result.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({ decision: 'EXTEND', by: APPROVER.email, comment: '', taskId: TASK_ID }),
    });
  });
});

describe('GET /tasks/{taskId} of a countersignature without a documents bucket', () => {
  it('shows the countersignature page with no document link and reads no deliverables', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: taskItem({ stepKey: 'COUNTERSIGN:1', purpose: 'COUNTERSIGN', context: { round: 1 } }),
    });

    const result = await invoke('GET');

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Countersign the contract');
    expect(result.body).not.toMatch(/<a\b/);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});

describe('POST /tasks/{taskId} of a third-party evaluation', () => {
  const AGENCY = {
    name: '嘉禾社会研究中心',
    email: 'evaluation@jiahe-research.example.org',
    role: 'EVALUATOR',
  };
  const evaluationTask = (overrides: Record<string, unknown> = {}) =>
    taskItem({
      stepKey: 'EVALUATION:1',
      purpose: 'EVALUATION',
      level: undefined,
      assignee: AGENCY,
      context: { agencyId: 'jiahe-research' },
      ...overrides,
    });

  beforeEach(() => {
    ddb.on(GetCommand, { Key: keys.purchase(PURCHASE_ID) }).resolves({
      Item: { ...purchaseItem, stage: 'EVALUATION', decisions: {} },
    });
  });

  it('passes the ticked declaration: declaredAt is written and the scoring page shows the configured weights', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({ Item: evaluationTask() });

    const result = await invoke('POST', { form: { nonce: NONCE, declare: '1' } });

    expect(result.statusCode).toBe(200);
    const transaction = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(transaction?.TransactItems?.[0]?.Update).toMatchObject({
      Key: keys.task(TASK_ID),
      UpdateExpression: expect.stringContaining('declaredAt'),
    });
    expect(result.body).toContain('name="score_PROFESSIONAL_SERVICE"');
    expect(result.body).toContain('weight 50%');
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('passes the score_ fields: the total and grade by the configured rubric and bands are recorded and sent', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: evaluationTask({ declaredAt: '2026-03-02T07:30:00.000Z' }),
    });

    const result = await invoke('POST', {
      form: {
        nonce: NONCE,
        decision: 'SUBMIT',
        score_PROFESSIONAL_SERVICE: '90',
        score_OUTCOMES: '80.5',
        score_MANAGEMENT: '70',
        comment: '资料齐全',
      },
    });

    expect(result.statusCode).toBe(200);
    // 0.5 x 90 + 0.3 x 80.5 + 0.2 x 70 = 83.15, rounded half up to 83.2: good under 85 is pass.
    expect(result.body).toContain('83.2');
    const transaction = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(transaction?.TransactItems?.[0]?.Update?.ExpressionAttributeValues?.[':decision']).toMatchObject({
      decision: 'SUBMIT',
      comment: '资料齐全',
      data: {
        scores: { PROFESSIONAL_SERVICE: 90, OUTCOMES: 80.5, MANAGEMENT: 70 },
        totalTenths: 832,
        grade: 'PASS',
      },
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: TOKEN,
      output: JSON.stringify({ decision: 'SUBMIT', by: AGENCY.email, comment: '资料齐全', taskId: TASK_ID }),
    });
  });

  it('a score out of range answers 400 naming its field and writes nothing', async () => {
    ddb.on(GetCommand, { Key: keys.task(TASK_ID) }).resolves({
      Item: evaluationTask({ declaredAt: '2026-03-02T07:30:00.000Z' }),
    });

    const result = await invoke('POST', {
      form: {
        nonce: NONCE,
        decision: 'SUBMIT',
        score_PROFESSIONAL_SERVICE: '90',
        score_OUTCOMES: '101',
        score_MANAGEMENT: '70',
      },
    });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('score_OUTCOMES');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
