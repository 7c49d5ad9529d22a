import { beforeEach, describe, expect, it } from 'vitest';
import { smallMinorProtectionProposal } from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { PurchaseMissingError } from '../../../shared/usecases/load-purchase.js';
import {
  boundedCause,
  MAX_CAUSE_LENGTH,
  recordWorkflowFailure,
} from '../../../shared/usecases/workflow-failure.js';
import { lambdaContext, stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { recordingCalls } from '../../support/handler-harness.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
// The shape of a Step Functions task token and of a generated HMAC key.
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAaN0RWjT8mHl2cxr5ZbK9Q3UoYdV1s7LwXj0eP+gF/kQ=';
const KEY = 'k3Jx9QpL2vN8wZr4TtY6uB1cM5dH0sGa7fE2iO9nUqWmXyZbCvRtLpKoJhGfDsA';

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
const { createHandler } = await import('../../../functions/record-workflow-failure/handler.js');

let fakes: Fakes;
const deps = () => ({ purchases: fakes.purchases, now: fakes.clock.now });

beforeEach(() => {
  fakes = createFakes('2026-05-04T03:00:00.000Z');
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, smallMinorProtectionProposal(), { stage: 'CONTRACTING' }));
});

describe('recordWorkflowFailure', () => {
  it('puts the failed step, error and time on the purchase and one workflow.failed audit entry, stage unchanged', async () => {
    const failure = await recordWorkflowFailure(deps(), {
      purchaseId: PURCHASE_ID,
      execution: PURCHASE_ID,
      state: 'Notify first payment',
      error: 'Lambda.Unknown',
      cause: JSON.stringify({
        errorType: 'Lambda.Unknown',
        errorMessage: 'the topic is gone',
        trace: ['at x'],
      }),
    });
    expect(failure).toEqual({
      state: 'Notify first payment',
      error: 'Lambda.Unknown',
      at: '2026-05-04T03:00:00.000Z',
    });
    const stored = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(stored?.failure).toEqual(failure);
    expect(stored?.stage).toBe('CONTRACTING');
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.map((e) => e.action)).toEqual(['proposal.submitted', 'workflow.failed']);
    expect(audit[1]?.actor).toBe('system:workflow');
    expect(audit[1]?.detail).toEqual({
      state: 'Notify first payment',
      error: 'Lambda.Unknown',
      stage: 'CONTRACTING',
      cause: 'the topic is gone',
    });
    expect((await fakes.purchases.verifyAuditChain(PURCHASE_ID)).valid).toBe(true);
  });

  it('a retried recording of the same execution adds no second audit entry', async () => {
    const input = {
      purchaseId: PURCHASE_ID,
      execution: PURCHASE_ID,
      state: 'Plan mid-term review',
      error: 'Boom',
    };
    const first = await recordWorkflowFailure(deps(), input);
    fakes.clock.advanceSeconds(5);
    const again = await recordWorkflowFailure(deps(), input);
    expect(again).toEqual(first);
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'workflow.failed')).toHaveLength(1);
  });

  it('a later execution of the same purchase that fails is recorded again, as the newest failure', async () => {
    await recordWorkflowFailure(deps(), {
      purchaseId: PURCHASE_ID,
      execution: PURCHASE_ID,
      state: 'A',
      error: 'E1',
    });
    fakes.clock.advanceSeconds(60);
    await recordWorkflowFailure(deps(), {
      purchaseId: PURCHASE_ID,
      execution: `${PURCHASE_ID}-r1`,
      state: 'B',
      error: 'E2',
    });
    const stored = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(stored?.failure).toEqual({ state: 'B', error: 'E2', at: '2026-05-04T03:01:00.000Z' });
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.filter((e) => e.action === 'workflow.failed')).toHaveLength(2);
  });

  it('keeps no task token or key that an error message carried, and bounds the cause', async () => {
    const cause = JSON.stringify({
      errorType: 'ValidationError',
      errorMessage: `taskToken ${TOKEN} refused with key ${KEY}; ${'x '.repeat(2000)}`,
    });
    await recordWorkflowFailure(deps(), {
      purchaseId: PURCHASE_ID,
      execution: PURCHASE_ID,
      state: 'Ask approver',
      error: `ValidationError ${TOKEN}`,
      cause,
    });
    const stored = JSON.stringify(await fakes.purchases.getPurchase(PURCHASE_ID));
    const audit = JSON.stringify(await fakes.purchases.listAudit(PURCHASE_ID));
    for (const text of [stored, audit]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(TOKEN.slice(0, 32));
    }
    const detail = (await fakes.purchases.listAudit(PURCHASE_ID))[1]?.detail as { cause: string };
    expect(detail.cause.startsWith('taskToken [redacted] refused with key [redacted];')).toBe(true);
    expect(detail.cause.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
  });

  it('a purchase that does not exist is a named error, nothing is written', async () => {
    await expect(
      recordWorkflowFailure(deps(), {
        purchaseId: 'PUR-2026-ZZZZZZZZZZZZZZZZ',
        execution: 'x',
        state: 'A',
        error: 'E',
      }),
    ).rejects.toBeInstanceOf(PurchaseMissingError);
    expect(fakes.purchases.records.has('PUR-2026-ZZZZZZZZZZZZZZZZ')).toBe(false);
  });
});

describe('boundedCause', () => {
  it('keeps a plain cause as text, and an empty one as empty', () => {
    expect(boundedCause('the task timed out')).toBe('the task timed out');
    expect(boundedCause(undefined)).toBe('');
  });
});

describe('record-workflow-failure handler', () => {
  let calls: string[];
  let handler: ReturnType<typeof createHandler>;
  const run = (event: unknown) =>
    (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, lambdaContext('record'));

  beforeEach(() => {
    const recorded = recordingCalls(deps());
    calls = recorded.calls;
    handler = createHandler(recorded.deps);
  });

  it('refuses a malformed input with a ValidationError and no table call', async () => {
    await expect(
      run({ purchaseId: PURCHASE_ID, execution: PURCHASE_ID, failure: {} }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(0);
  });

  it('writes the failure with its audit entry in one transaction, from what the catch-all hands over', async () => {
    const result = (await run({
      purchaseId: PURCHASE_ID,
      execution: PURCHASE_ID,
      // A timeout's Catch output may come without a Cause.
      failure: { Error: 'States.Timeout', state: 'Plan approval chain' },
    })) as { state: string; error: string };
    expect(result).toMatchObject({ state: 'Plan approval chain', error: 'States.Timeout' });
    // One change of the purchase: the record and its audit entry are one atomic write.
    expect(calls.filter((c) => c === 'purchases.change')).toHaveLength(1);
    const stored = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(stored?.failure).toMatchObject({ state: 'Plan approval chain', error: 'States.Timeout' });
    const audit = await fakes.purchases.listAudit(PURCHASE_ID);
    expect(audit.map((e) => e.action)).toEqual(['proposal.submitted', 'workflow.failed']);
    expect(audit[1]?.detail).toMatchObject({
      state: 'Plan approval chain',
      error: 'States.Timeout',
      cause: '',
    });
  });
});
