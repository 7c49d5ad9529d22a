import { StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleProposal } from '../../../infra/local/samples/proposals.js';
import { expectedCheckCharacter } from '../../../shared/domain/credit-code.js';
import type { WorkflowStarter } from '../../../shared/ports/workflow.js';
import type { SubmitProposalDeps } from '../../../shared/usecases/submit-proposal.js';
import {
  createPurchaseEvent,
  FUNCTION_ENV,
  lambdaContext,
  staffClaims,
  structured,
  stubFunctionEnv,
} from '../../support/events.js';
import { createFakes, type Fakes } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';
import { TEST_POLICY } from '../../support/settings.js';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/create-purchase/handler.js');

let fakes: Fakes;
/** Calls the handler made on its ports (repositories and the workflow starter). */
let calls: string[];
let handler: ReturnType<typeof createHandler>;

/** The handler over the fakes, with a workflow starter of the test's own when given. */
function useHandler(workflow: WorkflowStarter = fakes.workflow): void {
  const recorded = recordingCalls<SubmitProposalDeps>({
    purchases: fakes.purchases,
    budgets: fakes.budgets,
    trackRecords: fakes.trackRecords,
    workflow,
    settings: TEST_POLICY,
    // The sample's term is calendar 2026: "already over" is judged by this clock.
    now: fakes.clock.now,
  });
  calls = recorded.calls;
  handler = createHandler(recorded.deps);
}

/** A starter whose every start fails with `error`, as the Step Functions adapter lets it through. */
function failingStarter(error: Error): WorkflowStarter {
  return {
    start: async () => {
      throw error;
    },
  };
}

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

/** Nothing was stored and no execution started. */
function expectNothingWritten(): void {
  expect(fakes.purchases.records.size).toBe(0);
  expect(fakes.workflow.starts).toEqual([]);
}

beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

beforeEach(() => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  useHandler();
});

describe('POST /purchases: who may call', () => {
  it('answers 401 without verified claims and touches nothing', async () => {
    const result = await invoke(sampleProposal(), { claims: null });
    expect(result.statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 401 for claims without a subject', async () => {
    const result = await invoke(sampleProposal(), { claims: { roles: '[officer]' } });
    expect(result.statusCode).toBe(401);
  });

  it('answers 403 without a staff role, whether roles come as an array or flattened', async () => {
    for (const roles of [['ngo', 'evaluator'], '[ngo evaluator]', undefined, '[officering]']) {
      const result = await invoke(sampleProposal(), { claims: staffClaims({ roles }) });
      expect(result.statusCode, `roles ${JSON.stringify(roles)}`).toBe(403);
    }
    expect(calls).toEqual([]);
  });

  it('answers 403 naming the role it needs to staff who may not register a proposal', async () => {
    for (const roles of [['approver'], '[finance auditor]', '[admin]']) {
      const result = await invoke(sampleProposal(), { claims: staffClaims({ roles }) });
      expect(result.statusCode, `roles ${JSON.stringify(roles)}`).toBe(403);
      expect(JSON.parse(result.body)).toEqual({ message: 'this needs the role officer' });
    }
    expect(calls).toEqual([]);
  });

  it('lets an officer in with roles as an array, as API Gateway\'s flattened "[officer other]" string, or as Cognito groups', async () => {
    const claimSets = [
      staffClaims({ roles: ['officer'] }),
      staffClaims({ roles: '[officer other]' }),
      staffClaims({ roles: undefined, 'cognito:groups': '[other officer]' }),
    ];
    for (const claims of claimSets) {
      const result = await invoke(sampleProposal(), { claims });
      expect(result.statusCode, JSON.stringify(claims)).toBe(201);
    }
    expect(fakes.workflow.starts).toHaveLength(3);
  });
});

describe('POST /purchases: what is refused', () => {
  it('answers 400 to a body that is not JSON, without a DynamoDB write', async () => {
    const result = await invoke('{"title": "unterminated');
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toMatch(/JSON/);
    expect(calls).toEqual([]);
  });

  it('answers 400 to an empty body', async () => {
    const result = await invoke('');
    expect(result.statusCode).toBe(400);
    expect(calls).toEqual([]);
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
    expect(calls).toEqual([]);
  });

  it('answers 400 with the field and rule of a wrong credit-code check digit, and writes nothing', async () => {
    const p = sampleProposal();
    const result = await invoke({ ...p, ngo: { ...p.ngo, creditCode: wrongCheckDigit(p.ngo.creditCode) } });

    expect(result.statusCode).toBe(400);
    expect(result.headers['Content-Type']).toMatch(/^application\/json/);
    expect(bodyOf(result).errors).toEqual([
      expect.objectContaining({ field: 'ngo.creditCode', rule: 'credit-code-check-digit' }),
    ]);
    expectNothingWritten();
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
    expect(calls).toEqual([]);
  });

  it('answers 400 on budgetLineRef naming what is left on the line, in Chinese and English, and writes nothing', async () => {
    const p = sampleProposal();
    // Another purchase took all but ¥100,000.00 of the line.
    await fakes.budgets.ensureBudgetLine({
      lineId: p.budgetLineRef,
      year: 2026,
      description: 'x',
      totalFen: 500_000_000,
    });
    await fakes.budgets.reserve({
      lineId: p.budgetLineRef,
      purchaseId: 'PUR-2026-OTHERAAAAAAAAAAA',
      amountFen: 490_000_000,
      now: fakes.clock.now(),
    });

    const result = await invoke(p);

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).errors).toEqual([
      {
        field: 'budgetLineRef',
        rule: 'budget-line-remaining',
        value: p.budgetLineRef,
        message: `budget line ${p.budgetLineRef} has ¥100,000.00 left; the proposal needs ¥480,000.00`,
        allowed: `a total of at most ¥100,000.00 on ${p.budgetLineRef}, or another line of 2026 with enough left`,
        zh: `预算指标 ${p.budgetLineRef} 剩余 ¥100,000.00，本项目需要 ¥480,000.00。`,
      },
    ]);
    expectNothingWritten();
  });

  it('answers 400 to a malformed Idempotency-Key before reading the body', async () => {
    const result = await invoke(sampleProposal(), { headers: { 'Idempotency-Key': 'short' } });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).message).toMatch(/Idempotency-Key/);
    expect(calls).toEqual([]);
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

    expect([...fakes.purchases.records.keys()]).toEqual([purchaseId]);
    expect(await fakes.purchases.getPurchase(purchaseId)).toMatchObject({
      stage: 'PROPOSAL',
      createdBy: 'officer@civil-affairs.example.gov.cn',
      createdAt: '2026-03-02T08:00:00.000Z',
    });
    // The execution's name goes on the audit trail before it starts, so GET /purchases/{id} can list it.
    expect((await fakes.purchases.listAudit(purchaseId)).map((e) => [e.action, e.detail])).toEqual([
      ['proposal.submitted', expect.anything()],
      ['workflow.started', { execution: purchaseId }],
    ]);
    // Named after the purchase id: the Step Functions starter treats ExecutionAlreadyExists as
    // started (aws-adapters.test.ts checks what it sends).
    expect(fakes.workflow.starts).toEqual([{ purchaseId, executionName: purchaseId }]);
  });

  it('answers a generic 500 when the execution cannot be started for another reason, revealing nothing', async () => {
    useHandler(
      failingStarter(
        new StateMachineDoesNotExist({
          message: `State Machine Does Not Exist: ${FUNCTION_ENV.STATE_MACHINE_ARN}`,
          $metadata: {},
        }),
      ),
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('stateMachine');
    expect(bodyOf(result).message).toBe('Internal Server Error');
  });

  it('answers 503 with Retry-After when Step Functions is unavailable for a moment: posting again is safe', async () => {
    useHandler(
      failingStarter(
        Object.assign(new Error('Service Unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 },
        }),
      ),
    );

    const result = await invoke(sampleProposal());

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(bodyOf(result).message).toContain('sending the same request again is safe');
  });

  it('a repeat with the same Idempotency-Key answers 200 with the first purchase and starts it again harmlessly', async () => {
    const headers = { 'Idempotency-Key': 'retry-key-0001' };
    const first = await invoke(sampleProposal(), { headers });
    const earlier = bodyOf(first).purchaseId as string;
    fakes.clock.advanceSeconds(60);

    const result = await invoke(sampleProposal(), { headers });

    expect(first.statusCode).toBe(201);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result).purchaseId).toBe(earlier);
    expect([...fakes.purchases.records.keys()]).toEqual([earlier]);
    expect(fakes.workflow.starts).toEqual([
      { purchaseId: earlier, executionName: earlier },
      { purchaseId: earlier, executionName: earlier },
    ]);
  });
});
