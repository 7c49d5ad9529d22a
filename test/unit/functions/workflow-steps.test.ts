import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { GSI1, keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';

const env = stubFunctionEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const secrets = mockClient(SecretsManagerClient);

const steps = {
  validateProposal: (await import('../../../functions/validate-proposal/handler.js')).handler,
  reserveBudget: (await import('../../../functions/reserve-budget/handler.js')).handler,
  planApproval: (await import('../../../functions/plan-approval/handler.js')).handler,
  requestDecision: (await import('../../../functions/request-decision/handler.js')).handler,
  concludeApproval: (await import('../../../functions/conclude-approval/handler.js')).handler,
  rejectPurchase: (await import('../../../functions/reject-purchase/handler.js')).handler,
};
const resumeOpenPurchases = (await import('../../../functions/resume-open-purchases/handler.js')).handler;

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-from-step-functions';
const LINK_SECRET = 'generated-link-key-0123456789-abcdefghijklmnopqrstuvwxyz';

// Workflow steps are invoked by Step Functions with a plain payload and no HTTP context.
const run = (step: keyof typeof steps, input: unknown) =>
  (steps[step] as (event: unknown, context: unknown) => Promise<unknown>)(input, lambdaContext(step));

function purchaseItem(proposal: Proposal, overrides: Record<string, unknown> = {}) {
  return {
    ...keys.purchase(PURCHASE_ID),
    purchaseId: PURCHASE_ID,
    version: 1,
    stage: 'PROPOSAL',
    proposal,
    createdBy: 'officer@civil-affairs.example.gov.cn',
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: '2026-03-01T08:00:00.000Z',
    approvalLevels: [],
    approvals: {},
    auditSeq: 1,
    auditHash: 'a'.repeat(64),
    ...overrides,
  };
}

function storePurchase(proposal: Proposal, overrides: Record<string, unknown> = {}): void {
  ddb
    .on(GetCommand, { Key: keys.purchase(PURCHASE_ID) })
    .resolves({ Item: purchaseItem(proposal, overrides) });
}

beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ses.reset();
  secrets.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  // The NGO's track record: no evaluation yet.
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({});
  secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });
});

describe('a workflow step given a malformed input', () => {
  const malformed: [keyof typeof steps, unknown][] = [
    ['validateProposal', { purchaseId: 'not-a-purchase' }],
    ['reserveBudget', {}],
    ['planApproval', { purchaseId: `${PURCHASE_ID}#META` }],
    ['concludeApproval', null],
    ['rejectPurchase', { purchaseId: PURCHASE_ID, error: 42 }],
    ['requestDecision', { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt: 'FIRST' }],
    ['requestDecision', { purchaseId: PURCHASE_ID, level: 'MAYOR', attempt: 'FIRST', taskToken: TOKEN }],
    [
      'requestDecision',
      { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt: 'LATER', taskToken: TOKEN },
    ],
  ];

  it.each(malformed)('%s throws ValidationError for %j and touches nothing', async (step, input) => {
    const error = await run(step, input).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).name).toBe('ValidationError');
    expect((error as ValidationError).errors.length).toBeGreaterThan(0);
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(ses).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('the ValidationError names the offending field', async () => {
    await expect(run('validateProposal', { purchaseId: 'PUR-1' })).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'purchaseId' })],
    });
  });
});

describe('workflow steps over the table', () => {
  it('validate-proposal fails with the error name the state machine catches (PurchaseRefused) for a proposal breaking policy', async () => {
    const p = largeElderlyCareProposal();
    storePurchase({ ...p, serviceItem: 'NOT-IN-CATALOGUE' });

    await expect(run('validateProposal', { purchaseId: PURCHASE_ID })).rejects.toMatchObject({
      name: 'PurchaseRefused',
      reason: 'POLICY',
    });
  });

  it('validate-proposal passes a proposal that keeps every rule', async () => {
    storePurchase(largeElderlyCareProposal());
    await expect(run('validateProposal', { purchaseId: PURCHASE_ID })).resolves.toBeUndefined();
  });

  it('plan-approval moves the purchase to APPROVAL and names the next level', async () => {
    storePurchase(smallMinorProtectionProposal());

    const plan = await run('planApproval', { purchaseId: PURCHASE_ID });

    expect(plan).toEqual({ next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'] });
    const update = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(update?.Key).toEqual(keys.purchase(PURCHASE_ID));
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('APPROVAL');
  });

  it('request-decision opens the task and mails the approver a link under PUBLIC_BASE_URL, never the token', async () => {
    storePurchase(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
    });

    const result = (await run('requestDecision', {
      purchaseId: PURCHASE_ID,
      level: 'SECTION_CHIEF',
      attempt: 'FIRST',
      taskToken: TOKEN,
    })) as { taskId: string };

    expect(result.taskId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const mail = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(mail?.FromEmailAddress).toBe(env.MAIL_FROM);
    expect(mail?.Destination?.ToAddresses).toEqual(['section-chief@civil-affairs.example.gov.cn']);
    const text = mail?.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).toContain(`${env.PUBLIC_BASE_URL}/tasks/${result.taskId}?sig=`);
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: env.LINK_KEY_SECRET_ARN });
    // The token is stored with the task, server-side.
    const taskPut = ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? [])
      .find((item) => item.Put?.Item?.entity === 'TASK');
    expect(taskPut?.Put?.Item).toMatchObject({ taskId: result.taskId, taskToken: TOKEN, status: 'PENDING' });
  });

  it('request-decision records no mail as sent when SES refuses, and fails so Step Functions retries', async () => {
    const purchase = purchaseItem(largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
    });
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const input = { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt: 'FIRST', taskToken: TOKEN };
    ddb.on(GetCommand).callsFake((commandInput: { Key: { PK: string; SK: string } }) => {
      const { PK, SK } = commandInput.Key;
      if (PK.startsWith('TASK#')) {
        return { Item: { ...commandInput.Key, taskId: PK.slice(5), mailsSent: [], status: 'PENDING' } };
      }
      return PK === keys.purchase(PURCHASE_ID).PK && SK === 'META' ? { Item: purchase } : {};
    });

    await expect(run('requestDecision', input)).rejects.toMatchObject({ name: 'TooManyRequestsException' });

    // Only a sent mail is recorded: the retry sends it.
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET mailsSent = list_append(mailsSent, :kinds)',
    });
  });

  it('resume-open-purchases starts one execution per open purchase at its stage, under a fresh name', async () => {
    ddb.on(QueryCommand, { IndexName: GSI1.indexName }).resolves({
      Items: [
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', stage: 'APPROVAL' },
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2', stage: 'PROPOSAL' },
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA3', stage: 'APPROVAL' },
      ],
    });
    // The third one's first execution still runs (a redeploy): it is not started twice.
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          name: 'PUR-2026-AAAAAAAAAAAAAAA3',
          executionArn: 'arn:x',
          stateMachineArn: env.STATE_MACHINE_ARN,
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });

    const result = await resumeOpenPurchases({}, lambdaContext('resume-open-purchases'));

    expect(result).toEqual({
      resumed: [
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', resumeAt: 'APPROVAL' },
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2', resumeAt: 'PROPOSAL' },
      ],
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { statusFilter: 'RUNNING' });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: env.STATE_MACHINE_ARN,
      name: expect.stringMatching(/^PUR-2026-AAAAAAAAAAAAAAA1-r\d{17}$/),
      input: JSON.stringify({ purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', resumeAt: 'APPROVAL' }),
    });
  });
});
