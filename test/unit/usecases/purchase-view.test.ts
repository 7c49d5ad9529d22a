import { beforeEach, describe, expect, it, vi } from 'vitest';
import { largeElderlyCareProposal } from '../../../infra/local/samples/proposals.js';
import { NotPermittedError, type StaffMember } from '../../../shared/domain/staff-roles.js';
import { purchaseView } from '../../../shared/usecases/purchase-view.js';
import { startWorkflow } from '../../../shared/usecases/start-workflow.js';
import { createFakes, type Fakes, purchaseRecord } from '../../support/fakes/index.js';
import { TEST_POLICY } from '../../support/settings.js';

const PURCHASE_ID = 'PUR-2026-ABCDEFGHJKMNPQRS';
const TOKEN = 'sfn-task-token-do-not-show';
let fakes: Fakes;

beforeEach(async () => {
  fakes = createFakes('2026-03-02T08:00:00.000Z');
  fakes.purchases.seed(
    purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
      stage: 'APPROVAL',
      approvalLevels: ['SECTION_CHIEF'],
    }),
  );
  const settings = TEST_POLICY;
  await fakes.tasks.openTask({
    purchaseId: PURCHASE_ID,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: { ...settings.approval.approvers.SECTION_CHIEF, role: 'SECTION_CHIEF' },
    taskToken: TOKEN,
    expiresAt: '2026-03-05T08:00:00.000Z',
    now: fakes.clock.now(),
  });
});

const OFFICER: StaffMember = { sub: 'officer-li', roles: ['officer'] };

const view = (
  purchaseId: string,
  viewer: StaffMember = OFFICER,
  query: Record<string, string | undefined> = {},
) =>
  purchaseView(
    {
      purchases: fakes.purchases,
      tasks: fakes.tasks,
      deliverables: fakes.deliverables,
      payments: fakes.payments,
      executions: fakes.workflow,
    },
    purchaseId,
    viewer,
    query,
  );

/** `count` uploads recorded one second apart (each with its audit entry), the last one a later version's flag. */
async function recordUploads(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const uploadId = `upload-${String(i).padStart(5, '0')}`;
    await fakes.deliverables.recordDeliverable(
      {
        purchaseId: PURCHASE_ID,
        uploadId,
        kind: 'EVIDENCE',
        key: `uploads/${PURCHASE_ID}/EVIDENCE/${uploadId}/photo.pdf`,
        fileName: 'photo.pdf',
        size: 1000,
        sha256: 'a'.repeat(64),
        uploadedBy: 'ngo:52350203MJ0427315L',
        uploadedAt: new Date(Date.parse('2026-03-02T08:00:00.000Z') + i * 1000).toISOString(),
        eTag: 'etag',
        status: 'ACCEPTED',
        reasons: [],
      },
      fakes.clock.now(),
    );
  }
}

describe('purchaseView', () => {
  it('shows stage, amounts in fen and yuan, the pending task and a verified audit chain', async () => {
    const shown = await view(PURCHASE_ID);

    expect(shown).toMatchObject({
      purchaseId: PURCHASE_ID,
      stage: 'APPROVAL',
      totalFen: 48_000_000,
      totalYuan: '¥480,000.00',
      auditChain: { valid: true, entries: 1 },
    });
    expect(shown?.pendingTasks).toHaveLength(1);
    expect(shown?.pendingTasks[0]).toMatchObject({ level: 'SECTION_CHIEF', status: 'PENDING' });
  });

  it("masks the NGO's bank account number to its last four digits, in the NGO block and the proposal", async () => {
    const full = largeElderlyCareProposal().ngo.bankAccount?.accountNumber ?? '';
    const shown = await view(PURCHASE_ID);

    expect(shown?.ngo.bankAccount).toEqual({
      ...largeElderlyCareProposal().ngo.bankAccount,
      accountNumber: '****4215',
    });
    expect(shown?.proposal.ngo.bankAccount?.accountNumber).toBe('****4215');
    expect(JSON.stringify(shown)).not.toContain(full);
  });

  it('never contains a task token or nonce', async () => {
    const [task] = fakes.tasks.records.values();
    const body = JSON.stringify(await view(PURCHASE_ID));
    expect(body).not.toContain('taskToken');
    expect(body).not.toContain('nonce');
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(task?.nonce);
  });

  it('shows the last unexpected workflow failure, for the operator who resumes the purchase', async () => {
    const failure = { state: 'Plan approval chain', error: 'TypeError', at: '2026-03-02T08:05:00.000Z' };
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), { stage: 'APPROVAL', failure }),
    );

    expect((await view(PURCHASE_ID))?.failure).toEqual(failure);
  });

  it('lists the executions started for the purchase, oldest first, with their status and resume point', async () => {
    const start = (input: Parameters<typeof startWorkflow>[1]) =>
      startWorkflow({ purchases: fakes.purchases, workflow: fakes.workflow, now: fakes.clock.now }, input);
    await start({ purchaseId: PURCHASE_ID });
    fakes.workflow.executions.set(PURCHASE_ID, {
      name: PURCHASE_ID,
      status: 'FAILED',
      startDate: '2026-03-02T08:00:00.000Z',
      stopDate: '2026-03-02T09:00:00.000Z',
    });
    fakes.clock.advanceSeconds(3600);
    await start({ purchaseId: PURCHASE_ID, resumeAt: 'APPROVAL', executionName: `${PURCHASE_ID}-r1` });
    fakes.workflow.start = async () => {
      throw new Error('Step Functions is unavailable');
    };
    await expect(
      start({ purchaseId: PURCHASE_ID, resumeAt: 'APPROVAL', executionName: `${PURCHASE_ID}-r2` }),
    ).rejects.toThrow();

    const shown = await view(PURCHASE_ID);

    expect(shown?.executions).toEqual([
      expect.objectContaining({ name: PURCHASE_ID, status: 'FAILED', stopDate: '2026-03-02T09:00:00.000Z' }),
      expect.objectContaining({ name: `${PURCHASE_ID}-r1`, status: 'RUNNING', resumeAt: 'APPROVAL' }),
      {
        name: `${PURCHASE_ID}-r2`,
        status: 'NOT_STARTED',
        resumeAt: 'APPROVAL',
        requestedAt: '2026-03-02T09:00:00.000Z',
      },
    ]);
  });

  it("shows the evaluation's scores by criterion, its total and grade, and a withdrawal", async () => {
    const decision = {
      decision: 'SUBMIT' as const,
      by: 'assess@ludao-eval.example.org',
      byName: 'Ludao',
      comment: '',
      at: '2026-09-01T08:00:00.000Z',
      taskId: 'evaluation-task-00000001',
      data: {
        scores: { PROFESSIONAL_SERVICE: 88, OUTCOMES: 91.5, MANAGEMENT: 80 },
        totalTenths: 878,
        grade: 'GOOD',
      },
    };
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'CLOSED',
        decisions: { EVALUATION: decision },
        evaluation: {
          agencyId: 'ludao-eval',
          taskId: decision.taskId,
          total: 878,
          grade: 'GOOD',
          evaluatedAt: decision.at,
        },
        withdrawal: {
          by: 'officer@x.example',
          reason: 'kept for the record',
          at: '2026-03-02T09:00:00.000Z',
        },
      }),
    );

    const shown = await view(PURCHASE_ID);

    expect(shown?.evaluation).toEqual({
      agencyId: 'ludao-eval',
      taskId: decision.taskId,
      total: 878,
      totalText: '87.8',
      grade: 'GOOD',
      evaluatedAt: decision.at,
      scores: { PROFESSIONAL_SERVICE: 88, OUTCOMES: 91.5, MANAGEMENT: 80 },
      declarations: [],
    });
    expect(shown?.withdrawal).toMatchObject({ reason: 'kept for the record' });
  });

  it('shows each agency that declined or declared a conflict, with what it wrote, and the scores of a later round', async () => {
    const decided = (decision: 'DECLINE' | 'CONFLICT' | 'SUBMIT', at: string, comment: string) => ({
      decision,
      by: `${decision.toLowerCase()}@agency.example.org`,
      byName: `Agency that chose ${decision}`,
      comment,
      at,
      taskId: `task-${decision}`,
      ...(decision === 'SUBMIT'
        ? {
            data: {
              scores: { PROFESSIONAL_SERVICE: 70, OUTCOMES: 70, MANAGEMENT: 70 },
              totalTenths: 700,
              grade: 'PASS',
            },
          }
        : {}),
    });
    fakes.purchases.seed(
      purchaseRecord(PURCHASE_ID, largeElderlyCareProposal(), {
        stage: 'EVALUATION',
        decisions: {
          EVALUATION: decided('CONFLICT', '2026-09-01T08:00:00.000Z', '评估组长曾任该机构理事'),
          'EVALUATION:2': decided('DECLINE', '2026-09-02T08:00:00.000Z', '本季度评估任务已满'),
          'EVALUATION:3': decided('SUBMIT', '2026-09-20T08:00:00.000Z', ''),
        },
        evaluation: { agencyId: 'third-agency', excludedAgencies: ['first-agency', 'second-agency'] },
      }),
    );

    const shown = await view(PURCHASE_ID);

    expect(shown?.evaluation?.declarations).toEqual([
      {
        decision: 'CONFLICT',
        agency: 'Agency that chose CONFLICT',
        email: 'conflict@agency.example.org',
        reason: '评估组长曾任该机构理事',
        at: '2026-09-01T08:00:00.000Z',
      },
      {
        decision: 'DECLINE',
        agency: 'Agency that chose DECLINE',
        email: 'decline@agency.example.org',
        reason: '本季度评估任务已满',
        at: '2026-09-02T08:00:00.000Z',
      },
    ]);
    expect(shown?.evaluation?.scores).toEqual({ PROFESSIONAL_SERVICE: 70, OUTCOMES: 70, MANAGEMENT: 70 });
    expect(shown?.evaluation?.excludedAgencies).toEqual(['first-agency', 'second-agency']);
  });

  it('shows an approver a purchase on which they hold a task, whatever the case of their address', async () => {
    const chief = TEST_POLICY.approval.approvers.SECTION_CHIEF;
    const shown = await view(PURCHASE_ID, {
      sub: 'chief',
      roles: ['approver'],
      email: chief.email.toUpperCase(),
    });
    expect(shown?.purchaseId).toBe(PURCHASE_ID);
  });

  it('refuses an approver who never held a task on the purchase', async () => {
    await expect(
      view(PURCHASE_ID, {
        sub: 'other',
        roles: ['approver'],
        email: 'someone.else@civil-affairs.example.gov.cn',
      }),
    ).rejects.toThrow(NotPermittedError);
  });

  it('lets an auditor see every purchase', async () => {
    expect((await view(PURCHASE_ID, { sub: 'audit', roles: ['auditor'] }))?.stage).toBeDefined();
  });

  it('shows the newest 100 audit entries and uploads, with cursors that read every earlier one once; the chain is verified whole', async () => {
    await recordUploads(230);
    fakes.purchases.appendAudit(PURCHASE_ID, {
      actor: 'ngo:52350203MJ0427315L',
      action: 'deliverable.later-version-quarantined',
      detail: { uploadId: 'upload-00000' },
      eventId: 'deliverable.later-version:upload-00000:v2',
      at: fakes.clock.now(),
    });

    const shown = await view(PURCHASE_ID);
    const audit: number[] = [];
    const uploads: string[] = [];
    for (let next = shown?.auditNext; next; ) {
      const page = await view(PURCHASE_ID, OFFICER, { auditBefore: next });
      audit.unshift(...(page?.audit.map((e) => e.seq) ?? []));
      next = page?.auditNext;
    }
    for (let next = shown?.deliverablesNext; next; ) {
      const page = await view(PURCHASE_ID, OFFICER, { deliverablesBefore: next });
      uploads.unshift(...(page?.deliverables.map((d) => d.uploadId) ?? []));
      next = page?.deliverablesNext;
    }

    // 1 (submitted) + 230 uploads + 1 flag.
    expect(shown?.auditChain).toEqual({ valid: true, entries: 232 });
    expect(shown?.audit.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 133 + i));
    expect(shown?.deliverables.map((d) => d.uploadId).at(-1)).toBe('upload-00229');
    expect(shown?.deliverables).toHaveLength(100);
    expect(shown?.deliverablesTotal).toBe(230);
    // The flag of the oldest upload is counted though its upload is on an older page.
    expect(shown?.laterVersionsQuarantined).toBe(1);
    expect(audit).toEqual(Array.from({ length: 132 }, (_, i) => i + 1));
    expect(uploads).toEqual(Array.from({ length: 130 }, (_, i) => `upload-${String(i).padStart(5, '0')}`));
  });

  it('has no cursor when the whole history fits one page', async () => {
    await recordUploads(3);
    const shown = await view(PURCHASE_ID);
    expect(shown?.audit).toHaveLength(4);
    expect(shown).not.toHaveProperty('auditNext');
    expect(shown).not.toHaveProperty('deliverablesNext');
  });

  it('refuses a cursor that is not one, and an unknown query parameter, before reading anything', async () => {
    const auditTrail = vi.spyOn(fakes.purchases, 'auditTrail');

    await expect(view(PURCHASE_ID, OFFICER, { auditBefore: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({
      name: 'ValidationError',
      errors: [expect.objectContaining({ field: 'auditBefore', rule: 'cursor-malformed' })],
    });
    await expect(view(PURCHASE_ID, OFFICER, { page: '2' })).rejects.toMatchObject({
      name: 'ValidationError',
      errors: [expect.objectContaining({ field: 'page', rule: 'schema-unknown-field' })],
    });
    expect(auditTrail).not.toHaveBeenCalled();
  });

  it('is undefined for an unknown purchase', async () => {
    expect(await view('PUR-2026-ZZZZZZZZZZZZZZZZ')).toBeUndefined();
  });

  it('is undefined for a malformed id without reading the table', async () => {
    const getPurchase = vi.spyOn(fakes.purchases, 'getPurchase');
    for (const id of ['', 'PUR-2026-abc', `${PURCHASE_ID}#META`, 'TASK#x', '../PUR-2026-ABCDEFGHJKMNPQRS']) {
      expect(await view(id)).toBeUndefined();
    }
    expect(getPurchase).not.toHaveBeenCalled();
  });
});
