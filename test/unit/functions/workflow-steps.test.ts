import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  largeElderlyCareProposal,
  smallMinorProtectionProposal,
} from '../../../infra/local/samples/proposals.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { signTaskId } from '../../../shared/links/signing.js';
import { stubFunctionEnv } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import {
  humanStepPortsOf,
  invokeStep,
  recordingCalls,
  TEST_BASE_URL,
  workflowDepsOf,
} from '../../support/handler-harness.js';

// The modules wire their default handlers to AWS at import, from the function's environment.
stubFunctionEnv();
const create = {
  validateProposal: (await import('../../../functions/validate-proposal/handler.js')).createHandler,
  reserveBudget: (await import('../../../functions/reserve-budget/handler.js')).createHandler,
  planApproval: (await import('../../../functions/plan-approval/handler.js')).createHandler,
  requestDecision: (await import('../../../functions/request-decision/handler.js')).createHandler,
  concludeApproval: (await import('../../../functions/conclude-approval/handler.js')).createHandler,
  rejectPurchase: (await import('../../../functions/reject-purchase/handler.js')).createHandler,
};
const createResume = (await import('../../../functions/resume-open-purchases/handler.js')).createHandler;

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-task-token-from-step-functions';

let fakes: Fakes;
/** Every call any step made on a port. */
let calls: string[];
let steps: Record<keyof typeof create, unknown>;

beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

beforeEach(() => {
  fakes = createFakes();
  calls = [];
  const deps = recordingCalls(
    {
      ...workflowDepsOf(fakes),
      ...humanStepPortsOf(fakes),
      payments: fakes.payments,
      delegations: fakes.delegations,
    },
    calls,
  ).deps;
  steps = {
    validateProposal: create.validateProposal(deps),
    reserveBudget: create.reserveBudget(deps),
    planApproval: create.planApproval(deps),
    requestDecision: create.requestDecision(deps),
    concludeApproval: create.concludeApproval(deps),
    rejectPurchase: create.rejectPurchase(deps),
  };
});

// Workflow steps are invoked by Step Functions with a plain payload and no HTTP context.
const run = (step: keyof typeof create, input: unknown) => invokeStep(steps[step], input, step);

function storePurchase(proposal: Proposal, overrides: Partial<PurchaseRecord> = {}): void {
  fakes.purchases.seed(purchaseRecord(PURCHASE_ID, proposal, overrides));
}

describe('a workflow step given a malformed input', () => {
  const malformed: [keyof typeof create, unknown][] = [
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
    expect(calls).toEqual([]);
    expect(fakes.mailer.sent).toEqual([]);
    expect(fakes.callbacks.succeeded).toEqual([]);
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

    expect(plan).toMatchObject({ next: 'SECTION_CHIEF', remaining: ['SECTION_CHIEF'] });
    const stored = await fakes.purchases.getPurchase(PURCHASE_ID);
    expect(stored).toMatchObject({ stage: 'APPROVAL', approvalLevels: ['SECTION_CHIEF'] });
    const moves = (await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.detail);
    expect(moves).toContainEqual(expect.objectContaining({ stageFrom: 'PROPOSAL', stageTo: 'APPROVAL' }));
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
    expect(fakes.mailer.sent).toHaveLength(1);
    const mail = fakes.mailer.sent[0];
    expect(mail?.to).toBe('section-chief@civil-affairs.example.gov.cn');
    // The link is signed with the task-link keys (shared/lambda reads them from TASK_LINK_KEYS_SECRET_ARN).
    expect(mail?.text).toContain(
      `${TEST_BASE_URL}/tasks/${result.taskId}?sig=${signTaskId(result.taskId, TEST_LINK_KEY)}`,
    );
    expect(JSON.stringify(mail)).not.toContain(TOKEN);
    // The token is stored with the task, server-side.
    expect(fakes.tasks.stored(result.taskId)).toMatchObject({
      taskId: result.taskId,
      taskToken: TOKEN,
      status: 'PENDING',
      mailsSent: ['FIRST'],
    });
  });

  it('request-decision records no mail as sent when SES refuses, and fails so Step Functions retries', async () => {
    storePurchase(largeElderlyCareProposal(), { stage: 'APPROVAL', approvalLevels: ['SECTION_CHIEF'] });
    fakes.mailer.failNext();
    const input = { purchaseId: PURCHASE_ID, level: 'SECTION_CHIEF', attempt: 'FIRST', taskToken: TOKEN };

    await expect(run('requestDecision', input)).rejects.toMatchObject({ name: 'TooManyRequestsException' });

    // Only a sent mail is recorded: the retry sends it.
    const [task] = fakes.tasks.records.values();
    expect(task?.mailsSent).toEqual([]);
    await run('requestDecision', input);
    expect(fakes.mailer.sent).toHaveLength(1);
    expect(fakes.tasks.stored(task?.taskId ?? '').mailsSent).toEqual(['FIRST']);
  });

  it('resume-open-purchases starts one execution per open purchase at its stage, under a fresh name', async () => {
    const proposal = smallMinorProtectionProposal();
    fakes.purchases.seed(purchaseRecord('PUR-2026-AAAAAAAAAAAAAAA1', proposal, { stage: 'APPROVAL' }));
    fakes.purchases.seed(purchaseRecord('PUR-2026-AAAAAAAAAAAAAAA2', proposal, { stage: 'PROPOSAL' }));
    fakes.purchases.seed(purchaseRecord('PUR-2026-AAAAAAAAAAAAAAA3', proposal, { stage: 'APPROVAL' }));
    fakes.purchases.seed(purchaseRecord('PUR-2026-AAAAAAAAAAAAAAA4', proposal, { stage: 'CLOSED' }));
    // The third one's first execution still runs (a redeploy): it is not started twice.
    fakes.workflow.runs('PUR-2026-AAAAAAAAAAAAAAA3');
    const resume = createResume({
      purchases: fakes.purchases,
      workflow: fakes.workflow,
      executions: fakes.workflow,
      now: fakes.clock.now,
    });

    const result = await invokeStep(resume, {}, 'resume-open-purchases');

    expect(result).toEqual({
      resumed: [
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1', resumeAt: 'APPROVAL' },
        { purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2', resumeAt: 'PROPOSAL' },
      ],
    });
    expect(fakes.workflow.starts).toEqual([
      {
        purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA1',
        resumeAt: 'APPROVAL',
        executionName: 'PUR-2026-AAAAAAAAAAAAAAA1-r20260302080000000',
      },
      {
        purchaseId: 'PUR-2026-AAAAAAAAAAAAAAA2',
        resumeAt: 'PROPOSAL',
        executionName: 'PUR-2026-AAAAAAAAAAAAAAA2-r20260302080000000',
      },
    ]);
    expect(fakes.workflow.starts[0]?.executionName).toMatch(/^PUR-2026-AAAAAAAAAAAAAAA1-r\d{17}$/);
  });
});
