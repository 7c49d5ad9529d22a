import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { expectedCheckCharacter } from '../../../shared/domain/credit-code.js';
import {
  createPurchaseEvent,
  lambdaContext,
  staffClaims,
  structured,
  stubFunctionEnv,
} from '../../support/events.js';

const env = stubFunctionEnv();
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const { handler } = await import('../../../functions/create-purchase/handler.js');

const invoke = async (...args: Parameters<typeof createPurchaseEvent>) =>
  structured(await handler(createPurchaseEvent(...args), lambdaContext('create-purchase')));

function bodyOf(result: { body: string }) {
  return JSON.parse(result.body) as {
    message: string;
    errors?: { field: string; rule: string }[];
    purchaseId?: string;
    stage?: string;
    totalFen?: number;
  };
}

/** A credit code whose last character is not its check character. */
function wrongCheckDigit(code: string): string {
  const right = expectedCheckCharacter(code.slice(0, 17));
  return `${code.slice(0, 17)}${right === '0' ? '1' : '0'}`;
}

beforeAll(() => {
  // The sample's term is calendar 2026: the handler judges "already over" by the real clock.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T08:00:00.000Z') });
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(() => {
  vi.useRealTimers();
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(TransactWriteCommand).resolves({});
  // The NGO's track record: no evaluation yet.
  ddb.on(QueryCommand).resolves({ Items: [] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution', startDate: new Date() });
});

describe('POST /purchases: who may call', () => {
  it('answers 401 without verified claims and touches nothing', async () => {
    const result = await invoke(sampleProposal(), { claims: null });
    expect(result.statusCode).toBe(401);
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('answers 401 for claims without a subject', async () => {
    const result = await invoke(sampleProposal(), { claims: { roles: '[staff]' } });
    expect(result.statusCode).toBe(401);
  });

  it('answers 403 without the staff role, whether roles come as an array or flattened', async () => {
    for (const roles of [['ngo', 'evaluator'], '[ngo evaluator]', undefined, '[staffing]']) {
      const result = await invoke(sampleProposal(), { claims: staffClaims({ roles }) });
      expect(result.statusCode, `roles ${JSON.stringify(roles)}`).toBe(403);
    }
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('lets staff in with roles as an array, as API Gateway\'s flattened "[staff other]" string, or as Cognito groups', async () => {
    const claimSets = [
      staffClaims({ roles: ['staff'] }),
      staffClaims({ roles: '[staff other]' }),
      staffClaims({ roles: undefined, 'cognito:groups': '[other staff]' }),
    ];
    for (const claims of claimSets) {
      const result = await invoke(sampleProposal(), { claims });
      expect(result.statusCode, JSON.stringify(claims)).toBe(201);
    }
  });
});

describe('POST /purchases: what is refused', () => {
  it('answers 400 to a body that is not JSON, without a DynamoDB write', async () => {
    const result = await invoke('{"title": "unterminated');
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toMatch(/JSON/);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 to an empty body', async () => {
    const result = await invoke('');
    expect(result.statusCode).toBe(400);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('names the body as the field of a JSON syntax error, with where parsing stopped and what is allowed', async () => {
    const result = await invoke('{"title": "养老服务",}');
    expect(bodyOf(result).errors).toEqual([
      {
        field: '(body)',
        rule: 'json-syntax',
        message: expect.stringMatching(/^the body is not valid JSON: .*position 17/),
        allowed: 'a JSON object, sent with Content-Type: application/json',
      },
    ]);
    const empty = await invoke('  ');
    expect(bodyOf(empty).errors).toEqual([
      expect.objectContaining({ field: '(body)', rule: 'body-required' }),
    ]);
  });

  it('refuses a 1 MB title naming its maximum, without echoing the text back', async () => {
    const result = await invoke({ ...sampleProposal(), title: '养'.repeat(1024 * 1024) });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).errors).toEqual([
      expect.objectContaining({ field: 'title', rule: 'schema-too-big', allowed: 'at most 200 characters' }),
    ]);
    expect(result.body.length).toBeLessThan(2048);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 with the field and rule of a wrong credit-code check digit, and writes nothing', async () => {
    const p = sampleProposal();
    const result = await invoke({ ...p, ngo: { ...p.ngo, creditCode: wrongCheckDigit(p.ngo.creditCode) } });

    expect(result.statusCode).toBe(400);
    expect(result.headers['Content-Type']).toMatch(/^application\/json/);
    expect(bodyOf(result).errors).toEqual([
      expect.objectContaining({ field: 'ngo.creditCode', rule: 'credit-code-check-digit' }),
    ]);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 naming a fractional fen amount and an unknown field, and writes nothing', async () => {
    const p = sampleProposal();
    const result = await invoke({
      ...p,
      budgetLines: [{ ...p.budgetLines[0], amountFen: 38_280_000.5 }, ...p.budgetLines.slice(1)],
      approvedBy: 'myself',
    });

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'budgetLines[0].amountFen', rule: 'money-integer-fen' }),
        expect.objectContaining({ field: 'approvedBy', rule: 'schema-unknown-field' }),
      ]),
    );
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 to a malformed Idempotency-Key before reading the body', async () => {
    const result = await invoke(sampleProposal(), { headers: { 'Idempotency-Key': 'short' } });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toMatch(/Idempotency-Key/);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});

describe('POST /purchases: a valid proposal', () => {
  it('answers 201, stores the purchase at PROPOSAL and starts an execution named after the purchase id', async () => {
    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(201);
    const body = bodyOf(result);
    expect(body).toMatchObject({ stage: 'PROPOSAL', totalFen: 48_000_000 });
    expect(body.purchaseId).toMatch(/^PUR-2026-[A-Z0-9]{16}$/);
    const purchaseId = body.purchaseId as string;

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const write = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(write?.TransactItems?.[0]?.Put).toMatchObject({
      TableName: env.TABLE_NAME,
      Item: {
        ...keys.purchase(purchaseId),
        stage: 'PROPOSAL',
        createdBy: 'officer@civil-affairs.example.gov.cn',
      },
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: env.STATE_MACHINE_ARN,
      name: purchaseId,
      input: JSON.stringify({ purchaseId }),
    });
  });

  it('treats ExecutionAlreadyExists as success: the execution runs already', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(201);
  });

  it('answers a generic 500 when the execution cannot be started for another reason, revealing nothing', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new StateMachineDoesNotExist({
        message: `State Machine Does Not Exist: ${env.STATE_MACHINE_ARN}`,
        $metadata: {},
      }),
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('stateMachine');
    expect(bodyOf(result).message).toBe('Internal Server Error');
  });

  it('answers 503 with Retry-After when Step Functions is unavailable for a moment: posting again is safe', async () => {
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error('Service Unavailable'), {
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      }),
    );
    vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(bodyOf(result).message).toContain('sending the same request again is safe');
  });

  it('a repeat with the same Idempotency-Key answers 200 with the first purchase and starts it again harmlessly', async () => {
    const earlier = 'PUR-2026-ABCDEFGHJKMNPQRS';
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
        ],
      }),
    );
    ddb
      .on(GetCommand, { Key: keys.idempotency('officer@civil-affairs.example.gov.cn', 'retry-key-0001') })
      .resolves({ Item: { purchaseId: earlier } });
    ddb.on(GetCommand, { Key: keys.purchase(earlier) }).resolves({
      Item: {
        ...keys.purchase(earlier),
        purchaseId: earlier,
        version: 1,
        stage: 'PROPOSAL',
        proposal: sampleProposal(),
        createdBy: 'officer@civil-affairs.example.gov.cn',
        createdAt: '2026-03-02T07:59:00.000Z',
        updatedAt: '2026-03-02T07:59:00.000Z',
        auditSeq: 1,
        auditHash: 'a'.repeat(64),
      },
    });
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const result = await invoke(sampleProposal(), { headers: { 'Idempotency-Key': 'retry-key-0001' } });

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result).purchaseId).toBe(earlier);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: earlier });
  });
});
