import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { parseLifecycleSettings } from '../../../shared/config/settings.js';
import type { PurchaseRecord } from '../../../shared/domain/purchase.js';
import { deployedLifecycle } from '../../../shared/domain/reference-data.js';
import type { HumanTask } from '../../../shared/domain/tasks.js';
import { log } from '../../../shared/lambda/log.js';
import { linkKeyring } from '../../../shared/links/link-keyring.js';
import { signTaskId } from '../../../shared/links/signing.js';
import type { TaskRepository } from '../../../shared/ports/repositories.js';
import { PAGE_HEADERS, PAGE_SECURITY_HEADERS } from '../../../shared/presentation/pages/layout.js';
import { reviewedUploads } from '../../../shared/usecases/task-links/task-documents.js';
import type { TaskLinkDeps } from '../../../shared/usecases/task-links/task-link-deps.js';
import { lambdaContext, structured, stubFunctionEnv, taskLinkEvent } from '../../support/events.js';
import { createFakes, type Fakes, purchaseRecord, TEST_LINK_KEY } from '../../support/fakes/index.js';
import { recordingCalls, testLinkKey } from '../../support/handler-harness.js';
import { TEST_LIFECYCLE } from '../../support/settings.js';

// A rubric and bands of their own, so the page and the grade show they come from the settings
// (parsed as the default handler parses LIFECYCLE_SETTINGS at cold start).
const LIFECYCLE = parseLifecycleSettings({
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
});

// The module wires its default handler to AWS at import, from the function's environment.
stubFunctionEnv();
vi.stubEnv('LIFECYCLE_SETTINGS', JSON.stringify(deployedLifecycle(LIFECYCLE)));
const { createHandler } = await import('../../../functions/task-link/handler.js');

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'AQCEAAAAKgAAAA-secret-task-token-of-the-execution';
const APPROVER = { name: 'Section Chief 科长', email: 'section-chief@civil-affairs.example.gov.cn' };

let fakes: Fakes;
/** Every call the handler made on a port. */
let calls: string[];
let handler: ReturnType<typeof createHandler>;
/** The task the link is for, opened by `openTask`, with its nonce and the link's signature. */
let TASK_ID: string;
let NONCE: string;
let SIG: string;
/** Every nonce and signature a test used: none may reach a log line. */
const secrets: string[] = [];

/** The handler over the fakes, as the default one is wired without a documents bucket. */
function useHandler(overrides: Partial<TaskLinkDeps> = {}): void {
  const recorded = recordingCalls<TaskLinkDeps>(
    {
      tasks: fakes.tasks,
      purchases: fakes.purchases,
      payments: fakes.payments,
      callbacks: fakes.callbacks,
      mailer: fakes.mailer,
      linkKey: testLinkKey,
      now: fakes.clock.now,
      log: log.warn,
      reviewedDocuments: reviewedUploads({ deliverables: fakes.deliverables }),
      rubric: LIFECYCLE.evaluation.rubric,
      bands: LIFECYCLE.evaluation.bands,
      ...overrides,
    },
    calls,
  );
  handler = createHandler(recorded.deps);
}

function storePurchase(overrides: Partial<PurchaseRecord> = {}): void {
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      ...overrides,
    }),
  );
}

/** Opens the task the link is for (the section chief's approval unless told otherwise). */
async function openTask(
  overrides: Partial<Parameters<TaskRepository['openTask']>[0]> = {},
): Promise<HumanTask> {
  const { task } = await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    purpose: 'APPROVAL',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...APPROVER, role: 'SECTION_CHIEF' },
    taskToken: TOKEN,
    expiresAt: '2026-03-05T07:00:00.000Z',
    now: '2026-03-02T07:00:00.000Z',
    ...overrides,
  });
  await fakes.tasks.recordMailSent(task.taskId, 'FIRST');
  TASK_ID = task.taskId;
  NONCE = task.nonce;
  SIG = signTaskId(TASK_ID, TEST_LINK_KEY);
  secrets.push(NONCE, SIG);
  return fakes.tasks.stored(task.taskId);
}

type Method = 'GET' | 'HEAD' | 'POST';
const invoke = async (
  method: Method,
  options: { sig?: string; form?: Record<string, string>; taskId?: string } = {},
) => {
  calls.length = 0;
  return structured(
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
};

/** The calls that read or wrote the table (the repositories), not the link key. */
const tableCalls = () => calls.filter((c) => /^(tasks|purchases|payments)\./.test(c));
/** The calls that wrote something. */
const writes = () => calls.filter((c) => !/\.(get|list|verify)\w*$/.test(c) && c !== 'linkKey()');

/** What the purchase and its audit hold, to compare before and after a refused request. */
async function snapshot() {
  return {
    purchase: await fakes.purchases.getPurchase(PURCHASE_ID),
    audit: await fakes.purchases.listAudit(PURCHASE_ID),
    task: await fakes.tasks.getTask(TASK_ID),
    payments: await fakes.payments.listPayments(PURCHASE_ID),
  };
}

const logged: string[] = [];

beforeAll(() => {
  for (const stream of ['log', 'error', 'warn'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
});

afterAll(() => {
  // Nothing the handler logged in this whole file may carry a link's secrets.
  const all = logged.join('\n');
  expect(all).not.toContain(TOKEN);
  for (const secret of secrets) expect(all).not.toContain(secret);
});

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  calls = [];
  storePurchase();
  await openTask();
  useHandler();
});

describe('GET /tasks/{taskId}', () => {
  it('shows the confirmation page with the nonce and without the token, under the security headers', async () => {
    const result = await invoke('GET');

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(result.body).toContain(`name="nonce" value="${NONCE}"`);
    expect(result.body).not.toContain(TOKEN);
    // The signature was checked with the link key (Secrets Manager's, in the default handler).
    expect(calls[0]).toBe('linkKey()');
  });

  it('a forged signature answers 403 with the security headers and reads nothing from the table', async () => {
    const result = await invoke('GET', {
      sig: signTaskId(TASK_ID, linkKeyring('k0', { k0: '7'.repeat(32) })),
    });

    expect(result.statusCode).toBe(403);
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS))
      expect(result.headers[name]).toBe(value);
    expect(tableCalls()).toEqual([]);
  });

  it('a link without its signature answers 403', async () => {
    expect((await invoke('GET', { sig: undefined })).statusCode).toBe(403);
    expect(tableCalls()).toEqual([]);
  });

  it('an expired task answers 410', async () => {
    fakes.tasks.stored(TASK_ID).expiresAt = '2026-03-02T07:59:59.000Z';
    expect((await invoke('GET')).statusCode).toBe(410);
  });

  it('a table failure answers a plain 500 page that reveals nothing, still under the security headers', async () => {
    vi.spyOn(fakes.tasks, 'getTask').mockRejectedValue(
      new Error('ProvisionedThroughputExceeded on purchases-unit'),
    );

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
    const before = await snapshot();

    const result = await invoke('HEAD');

    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(writes()).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });
});

describe('POST /tasks/{taskId}', () => {
  it('records the decision, sends SendTaskSuccess with decision, by, comment and taskId, then marks it delivered', async () => {
    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'APPROVE', confirmed: '1', comment: '同意立项' },
    });

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual(PAGE_HEADERS);
    expect(result.body).toContain('Your decision has been recorded');
    const task = fakes.tasks.stored(TASK_ID);
    expect(task).toMatchObject({
      status: 'DECIDED',
      decision: { decision: 'APPROVE', comment: '同意立项', by: APPROVER.email },
    });
    expect((await fakes.purchases.getPurchase(PURCHASE_ID))?.approvals.SECTION_CHIEF).toMatchObject({
      decision: 'APPROVE',
      taskId: TASK_ID,
    });
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: { decision: 'APPROVE', by: APPROVER.email, comment: '同意立项', taskId: TASK_ID },
      },
    ]);
    // Delivered after it was handed back, not before.
    expect(task.deliveredAt).toBe('2026-03-02T08:00:00.000Z');
    expect(calls.indexOf('tasks.markDelivered')).toBeGreaterThan(calls.indexOf('callbacks.succeed'));
    expect(result.body).not.toContain(TOKEN);
  });

  it('without the nonce answers 400 and writes nothing', async () => {
    const before = await snapshot();

    const result = await invoke('POST', { form: { decision: 'APPROVE', confirmed: '1' } });

    expect(result.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a rejection without a comment answers 400 and writes nothing', async () => {
    const before = await snapshot();
    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'REJECT', comment: '' } });
    expect(result.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('a form body over 16 KiB is not read: 400, nothing written', async () => {
    const before = await snapshot();
    // A valid decision, padded past the limit by a field the form does not have.
    const result = await invoke('POST', {
      form: {
        nonce: NONCE,
        decision: 'APPROVE',
        confirmed: '1',
        comment: '同意',
        padding: 'x'.repeat(17 * 1024),
      },
    });
    expect(result.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('a decision posted while the purchase waits for a resumed execution (TaskTimedOut) is shown as recorded, not delivered', async () => {
    // The Step Functions callbacks turn TaskTimedOut into TaskClosedError (aws-adapters.test.ts).
    fakes.callbacks.closed.add(TOKEN);

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'APPROVE', confirmed: '1', comment: '' },
    });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Your decision has been recorded');
    expect(fakes.tasks.stored(TASK_ID)).toMatchObject({ status: 'DECIDED' });
    expect(fakes.tasks.stored(TASK_ID).deliveredAt).toBeUndefined();
  });

  it('a decision posted after the approval step ended (TaskTimedOut, purchase no longer in APPROVAL) answers 410', async () => {
    fakes.callbacks.closed.add(TOKEN);
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'REJECTED',
        approvalLevels: ['SECTION_CHIEF', 'FINANCE_SECTION', 'BUREAU_DIRECTOR'],
      }),
    );

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'APPROVE', confirmed: '1', comment: '' },
    });

    expect(result.statusCode).toBe(410);
    expect(fakes.tasks.stored(TASK_ID).deliveredAt).toBeUndefined();
  });

  it('a task decided and delivered before shows the first decision and sends no second SendTaskSuccess', async () => {
    Object.assign(fakes.tasks.stored(TASK_ID), {
      status: 'DECIDED',
      decision: {
        decision: 'APPROVE',
        by: APPROVER.email,
        byName: APPROVER.name,
        comment: '第一次的决定',
        at: '2026-03-02T07:30:00.000Z',
        taskId: TASK_ID,
      },
      deliveredAt: '2026-03-02T07:30:01.000Z',
    });
    const before = await snapshot();

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'REJECT', comment: '第二次' } });

    expect(result.statusCode).toBe(410);
    expect(result.body).toContain('第一次的决定');
    expect(result.body).not.toContain('第二次');
    expect(fakes.callbacks.succeeded).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});

describe('POST /tasks/{taskId} of a payment confirmation', () => {
  const FINANCE = { name: '陈会计', email: 'finance@civil-affairs.example.gov.cn' };

  beforeEach(async () => {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    storePurchase({ stage: 'CONTRACTING' });
    // Nobody's execution waits on a payment confirmation: the task has no token.
    await openTask({
      stepKey: 'PAYMENT:1',
      purpose: 'PAYMENT_CONFIRMATION',
      level: 'FINANCE_SECTION',
      assignee: { ...FINANCE, role: 'FINANCE_SECTION' },
      taskToken: undefined,
      context: { tranche: 1, milestone: 'CONTRACT_SIGNED', amountFen: 4_320_000, dueDate: '2026-04-01' },
    });
    await fakes.payments.openPayment(
      {
        purchaseId: PURCHASE_ID,
        tranche: 1,
        milestone: 'CONTRACT_SIGNED',
        amountFen: 4_320_000,
        dueDate: '2026-04-01',
        notifiedAt: '2026-03-02T07:00:00.000Z',
        confirmTaskId: TASK_ID,
      },
      '2026-03-02T07:00:00.000Z',
    );
    useHandler();
  });

  it('passes the reference from the form: recorded on the decision and on the payment step, nothing sent to Step Functions', async () => {
    const result = await invoke('POST', {
      form: {
        nonce: NONCE,
        decision: 'CONFIRM',
        actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
        reference: 'BOC-2026/03_0042',
      },
    });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('BOC-2026/03_0042');
    expect(fakes.tasks.stored(TASK_ID).decision).toMatchObject({
      decision: 'CONFIRM',
      data: { reference: 'BOC-2026/03_0042' },
    });
    expect(await fakes.payments.listPayments(PURCHASE_ID)).toEqual([
      expect.objectContaining({
        tranche: 1,
        status: 'CONFIRMED',
        reference: 'BOC-2026/03_0042',
        confirmedBy: 'clerk.wang@civil-affairs.example.gov.cn',
      }),
    ]);
    expect(calls.indexOf('payments.confirmPayment')).toBeGreaterThan(calls.indexOf('tasks.decide'));
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('a mail to the NGO that fails answers 503 "try again" with the payment confirmed; the repeat POST mails it', async () => {
    const form = {
      nonce: NONCE,
      decision: 'CONFIRM',
      actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
      reference: 'BOC-2026/03_0042',
    };
    // SES throttling, as the SDK reports it.
    vi.spyOn(fakes.mailer, 'send').mockRejectedValueOnce(
      Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      }),
    );

    const failed = await invoke('POST', { form });

    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['retry-after']).toBeDefined();
    expect((await fakes.payments.listPayments(PURCHASE_ID))[0]?.status).toBe('CONFIRMED');
    expect(fakes.mailer.sent).toEqual([]);

    const repeated = await invoke('POST', { form });

    expect(repeated.statusCode).toBe(410);
    expect(fakes.mailer.sent.map((m) => m.to)).toEqual([largeElderlyCareProposal().ngo.contactEmail]);
    expect(calls.indexOf('mailer.send')).toBeGreaterThan(calls.indexOf('payments.confirmPayment'));
  });

  it('a malformed reference answers 400 naming the field and writes nothing', async () => {
    const before = await snapshot();

    const result = await invoke('POST', {
      form: {
        nonce: NONCE,
        decision: 'CONFIRM',
        actingEmail: 'clerk.wang@civil-affairs.example.gov.cn',
        reference: 'no spaces',
      },
    });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('reference');
    expect(await snapshot()).toEqual(before);
  });
});

describe('POST /tasks/{taskId} of a mid-term review and of a late report', () => {
  async function review(context: Record<string, string | number>) {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    storePurchase({ stage: 'MIDTERM_REVIEW' });
    await openTask({ stepKey: `MIDTERM_REVIEW:${context.round}`, purpose: 'MIDTERM_REVIEW', context });
    useHandler();
  }

  it('a rectification with what to fix is recorded and sent to the waiting execution', async () => {
    await review({ round: 1, maxRounds: 3 });

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'RECTIFY', comment: '补充服务台账' },
    });

    expect(result.statusCode).toBe(200);
    expect(fakes.tasks.stored(TASK_ID).decision).toMatchObject({
      decision: 'RECTIFY',
      comment: '补充服务台账',
    });
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: { decision: 'RECTIFY', by: APPROVER.email, comment: '补充服务台账', taskId: TASK_ID },
      },
    ]);
  });

  it('a rectification in the last round answers 400 naming the round, and writes and sends nothing', async () => {
    await review({ round: 3, maxRounds: 3 });
    const before = await snapshot();

    const result = await invoke('POST', {
      form: { nonce: NONCE, decision: 'RECTIFY', comment: '补充服务台账' },
    });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('round 3 of 3');
    expect(await snapshot()).toEqual(before);
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('an extension of a late report is sent to the waiting execution', async () => {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    storePurchase({ stage: 'MIDTERM_REVIEW' });
    await openTask({
      stepKey: 'LATE_REPORT:1',
      purpose: 'LATE_REPORT',
      context: { dueDate: '2026-02-01', round: 1 },
    });
    useHandler();

    const result = await invoke('POST', { form: { nonce: NONCE, decision: 'EXTEND' } });

    expect(result.statusCode).toBe(200);
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: { decision: 'EXTEND', by: APPROVER.email, comment: '', taskId: TASK_ID },
      },
    ]);
  });
});

describe('GET /tasks/{taskId} of a countersignature without a documents bucket', () => {
  it('shows the countersignature page with no document link', async () => {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    storePurchase({ stage: 'CONTRACTING' });
    await openTask({ stepKey: 'COUNTERSIGN:1', purpose: 'COUNTERSIGN', context: { round: 1 } });
    // Without DOCUMENTS_BUCKET the default handler has no document links (lambda-wiring.test.ts).
    useHandler();

    const result = await invoke('GET');

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Countersign the contract');
    expect(result.body).not.toMatch(/<a\b/);
  });
});

describe('POST /tasks/{taskId} of a third-party evaluation', () => {
  const AGENCY = {
    name: '嘉禾社会研究中心',
    email: 'evaluation@jiahe-research.example.org',
    role: 'EVALUATOR' as const,
  };

  async function evaluationTask(declaredAt?: string): Promise<void> {
    fakes = createFakes('2026-03-02T08:00:00.000Z');
    storePurchase({ stage: 'EVALUATION' });
    const task = await openTask({
      stepKey: 'EVALUATION:1',
      purpose: 'EVALUATION',
      level: undefined,
      assignee: AGENCY,
      context: { agencyId: 'jiahe-research' },
    });
    if (declaredAt) task.declaredAt = declaredAt;
    useHandler();
  }

  it('passes the ticked declaration: declaredAt is written and the scoring page shows the configured weights', async () => {
    await evaluationTask();

    const result = await invoke('POST', { form: { nonce: NONCE, declare: '1' } });

    expect(result.statusCode).toBe(200);
    expect(fakes.tasks.stored(TASK_ID).declaredAt).toBe('2026-03-02T08:00:00.000Z');
    expect((await fakes.purchases.listAudit(PURCHASE_ID)).map((e) => e.action)).toContain(
      'evaluation.independence-declared',
    );
    expect(result.body).toContain('name="score_PROFESSIONAL_SERVICE"');
    expect(result.body).toContain('weight 50%');
    expect(fakes.callbacks.succeeded).toEqual([]);
  });

  it('passes the score_ fields: the total and grade by the configured rubric and bands are recorded and sent', async () => {
    await evaluationTask('2026-03-02T07:30:00.000Z');

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
    expect(fakes.tasks.stored(TASK_ID).decision).toMatchObject({
      decision: 'SUBMIT',
      comment: '资料齐全',
      data: {
        scores: { PROFESSIONAL_SERVICE: 90, OUTCOMES: 80.5, MANAGEMENT: 70 },
        totalTenths: 832,
        grade: 'PASS',
      },
    });
    expect(fakes.callbacks.succeeded).toEqual([
      {
        taskToken: TOKEN,
        output: { decision: 'SUBMIT', by: AGENCY.email, comment: '资料齐全', taskId: TASK_ID },
      },
    ]);
  });

  it('a score out of range answers 400 naming its field and writes nothing', async () => {
    await evaluationTask('2026-03-02T07:30:00.000Z');
    const before = await snapshot();

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
    expect(await snapshot()).toEqual(before);
  });
});
