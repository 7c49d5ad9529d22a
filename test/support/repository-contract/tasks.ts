import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InvalidEscalationStepError,
  InvalidTaskError,
  PurchaseNotFoundError,
  TaskNotDecidedError,
  TaskNotFoundError,
} from '../../../shared/adapters/dynamodb/errors.js';
import { chief, clerk, deputy, EXPIRES, evaluator, LATER, NOW, padding, type Subject } from './subject.js';

const ID = /^[A-Za-z0-9_-]{24}$/;

export function taskContract(s: Subject): void {
  describe('human tasks', () => {
    it('an opened task is PENDING with a random id and nonce, its expiry as a UTC instant, and reads back as opened', async () => {
      const purchaseId = await s.newPurchase();
      const { task, created } = await s.repos.tasks.openTask({
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        level: 'SECTION_CHIEF',
        attempt: 'FIRST',
        assignee: chief,
        taskToken: 'token-1',
        expiresAt: '2026-04-30T16:00:00+08:00',
        now: NOW,
      });
      expect(created).toBe(true);
      expect(task).toEqual({
        taskId: expect.stringMatching(ID),
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        purpose: 'APPROVAL',
        level: 'SECTION_CHIEF',
        attempt: 'FIRST',
        assignee: chief,
        taskToken: 'token-1',
        nonce: expect.stringMatching(ID),
        createdAt: NOW,
        expiresAt: EXPIRES,
        status: 'PENDING',
        mailsSent: [],
      });
      expect(task.nonce).not.toBe(task.taskId);
      expect(await s.repos.tasks.getTask(task.taskId)).toEqual(task);
      expect(await s.repos.tasks.getTask('no-such-task')).toBeUndefined();
    });

    it('opening a step again with a new token keeps the task id and nonce and stores the new token', async () => {
      const purchaseId = await s.newPurchase();
      const first = await s.openApproval(purchaseId);
      const again = await s.repos.tasks.openTask({
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        level: 'SECTION_CHIEF',
        attempt: 'REMINDER',
        assignee: chief,
        taskToken: 'token-2',
        expiresAt: '2026-05-06T08:00:00.000Z',
        now: LATER,
      });
      expect(again.created).toBe(false);
      expect(again.task).toEqual({
        ...first,
        taskToken: 'token-2',
        attempt: 'REMINDER',
        expiresAt: '2026-05-06T08:00:00.000Z',
      });
      expect(await s.repos.tasks.getTask(first.taskId)).toEqual(again.task);
    });

    it('a payment-confirmation task opened without a token is decided, and a renewal without one adds none', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openTask(purchaseId, {
        stepKey: 'PAYMENT_CONFIRMATION:1',
        purpose: 'PAYMENT_CONFIRMATION',
        assignee: clerk,
        taskToken: undefined,
        context: { tranche: 1, amountFen: 12_000_000 },
      });
      expect(task).not.toHaveProperty('taskToken');
      expect(task).not.toHaveProperty('level');
      const renewed = await s.openTask(purchaseId, {
        stepKey: 'PAYMENT_CONFIRMATION:1',
        purpose: 'PAYMENT_CONFIRMATION',
        attempt: 'REMINDER',
        assignee: clerk,
        // A renewal keeps the first context.
        context: { tranche: 9 },
      });
      expect(renewed).toMatchObject({
        taskId: task.taskId,
        attempt: 'REMINDER',
        context: { tranche: 1, amountFen: 12_000_000 },
      });
      expect(renewed).not.toHaveProperty('taskToken');

      const result = await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'CONFIRM',
        comment: '',
        data: { reference: 'BOC-2026-0001' },
        now: LATER,
      });

      expect(result.outcome).toBe('DECIDED');
      expect(await s.repos.tasks.getTask(task.taskId)).not.toHaveProperty('taskToken');
      const [listed] = await s.repos.tasks.listTasks(purchaseId);
      expect(listed).toMatchObject({
        purpose: 'PAYMENT_CONFIRMATION',
        context: { tranche: 1, amountFen: 12_000_000 },
        status: 'DECIDED',
      });
      expect(listed).not.toHaveProperty('nonce');
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.decisions['PAYMENT_CONFIRMATION:1']).toMatchObject({
        decision: 'CONFIRM',
        by: clerk.email,
        data: { reference: 'BOC-2026-0001' },
      });
    });

    it('an APPROVAL task needs a level, and an ESCALATION a step key ending in :ESCALATED', async () => {
      const purchaseId = await s.newPurchase();
      await expect(
        s.openTask(purchaseId, { stepKey: 'APPROVAL:SECTION_CHIEF', taskToken: 't' }),
      ).rejects.toBeInstanceOf(InvalidTaskError);
      await expect(
        s.openTask(purchaseId, {
          stepKey: 'APPROVAL:SECTION_CHIEF',
          level: 'SECTION_CHIEF',
          attempt: 'ESCALATION',
          assignee: deputy,
          taskToken: 't',
        }),
      ).rejects.toBeInstanceOf(InvalidEscalationStepError);
      expect(await s.repos.tasks.listTasks(purchaseId)).toEqual([]);
    });

    it('escalation opens a deputy task and supersedes the pending one; the old link then answers NOT_PENDING', async () => {
      const purchaseId = await s.newPurchase();
      const original = await s.openApproval(purchaseId);
      const escalated = await s.repos.tasks.openTask({
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
        level: 'SECTION_CHIEF',
        attempt: 'ESCALATION',
        assignee: deputy,
        taskToken: 'token-3',
        expiresAt: EXPIRES,
        now: LATER,
      });
      expect(escalated.created).toBe(true);
      expect(escalated.task).toMatchObject({ assignee: deputy, attempt: 'ESCALATION', status: 'PENDING' });
      expect(escalated.task.taskId).not.toBe(original.taskId);
      expect((await s.repos.tasks.getTask(original.taskId))?.status).toBe('SUPERSEDED');
      const old = await s.repos.tasks.decide({
        taskId: original.taskId,
        nonce: original.nonce,
        decision: 'APPROVE',
        comment: '',
        now: LATER,
      });
      expect(old).toMatchObject({ outcome: 'NOT_PENDING', task: { status: 'SUPERSEDED' } });

      const tasks = await s.repos.tasks.listTasks(purchaseId);
      expect(tasks.map((t) => [t.taskId, t.status])).toEqual([
        [original.taskId, 'SUPERSEDED'],
        [escalated.task.taskId, 'PENDING'],
      ]);
      for (const t of tasks) {
        expect(t).not.toHaveProperty('taskToken');
        expect(t).not.toHaveProperty('nonce');
      }
    });

    it('a reissued task takes the step with a new id and nonce; the old link answers NOT_PENDING, the new one decides', async () => {
      const purchaseId = await s.newPurchase();
      const original = await s.openApproval(purchaseId);
      const reissued = await s.repos.tasks.reissueTask({ taskId: original.taskId, now: LATER });
      if (reissued.outcome !== 'REISSUED') throw new Error(`not reissued: ${reissued.outcome}`);
      const { task } = reissued;
      expect(task).toEqual({
        ...original,
        taskId: expect.stringMatching(ID),
        nonce: expect.stringMatching(ID),
        createdAt: LATER,
      });
      expect([task.taskId, task.nonce]).not.toContain(original.taskId);
      expect(task.nonce).not.toBe(original.nonce);
      expect((await s.repos.tasks.getTask(original.taskId))?.status).toBe('SUPERSEDED');
      // The workflow re-arming the step now renews the new task.
      const renewed = await s.repos.tasks.openTask({
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        level: 'SECTION_CHIEF',
        attempt: 'REMINDER',
        assignee: chief,
        taskToken: 'token-after-reissue',
        expiresAt: EXPIRES,
        now: LATER,
      });
      expect(renewed).toMatchObject({
        created: false,
        task: { taskId: task.taskId, taskToken: 'token-after-reissue' },
      });
      const decide = (t: { taskId: string; nonce: string }) =>
        s.repos.tasks.decide({
          taskId: t.taskId,
          nonce: t.nonce,
          decision: 'APPROVE',
          comment: '',
          now: LATER,
        });
      expect(await decide(original)).toMatchObject({ outcome: 'NOT_PENDING' });
      expect(await decide(task)).toMatchObject({ outcome: 'DECIDED' });
      // Neither a decided nor an unknown task is reissued.
      expect(await s.repos.tasks.reissueTask({ taskId: task.taskId, now: LATER })).toMatchObject({
        outcome: 'NOT_PENDING',
        task: { status: 'DECIDED' },
      });
      expect(await s.repos.tasks.reissueTask({ taskId: 'AAAAAAAAAAAAAAAAAAAAAAAA', now: LATER })).toEqual({
        outcome: 'UNKNOWN',
      });
    });

    it('an escalation that comes after the decision returns the decided task and opens nothing', async () => {
      const purchaseId = await s.newPurchase();
      const original = await s.openApproval(purchaseId);
      await s.repos.tasks.decide({
        taskId: original.taskId,
        nonce: original.nonce,
        decision: 'APPROVE',
        comment: '',
        now: LATER,
      });
      const escalated = await s.openTask(purchaseId, {
        stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
        level: 'SECTION_CHIEF',
        attempt: 'ESCALATION',
        assignee: deputy,
        taskToken: 'token-e',
      });
      expect(escalated).toMatchObject({ taskId: original.taskId, status: 'DECIDED' });
      expect(await s.repos.tasks.listTasks(purchaseId)).toHaveLength(1);
    });

    it('a task no longer pending is returned as it is when its step is opened again', async () => {
      const purchaseId = await s.newPurchase();
      const original = await s.openApproval(purchaseId);
      await s.repos.tasks.decide({
        taskId: original.taskId,
        nonce: original.nonce,
        decision: 'REJECT',
        comment: 'no',
        now: LATER,
      });
      const decided = await s.repos.tasks.getTask(original.taskId);
      const { task, created } = await s.repos.tasks.openTask({
        purchaseId,
        stepKey: 'APPROVAL:SECTION_CHIEF',
        level: 'SECTION_CHIEF',
        attempt: 'REMINDER',
        assignee: chief,
        taskToken: 'token-late',
        expiresAt: '2026-06-01T00:00:00.000Z',
        now: LATER,
      });
      expect(created).toBe(false);
      expect(task).toEqual(decided);
      expect(await s.repos.tasks.getTask(original.taskId)).toEqual(decided);
    });

    it('20 parallel decisions with the right nonce: one DECIDED, the rest ALREADY_DECIDED, one audit entry', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openApproval(purchaseId);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.repos.tasks.decide({
            taskId: task.taskId,
            nonce: task.nonce,
            decision: 'APPROVE',
            comment: `click ${i}`,
            now: LATER,
          }),
        ),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'DECIDED')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'ALREADY_DECIDED')).toHaveLength(19);
      const winner = results.find((r) => r.outcome === 'DECIDED');
      const decision = winner && 'task' in winner ? winner.task.decision : undefined;
      expect(decision).toEqual({
        decision: 'APPROVE',
        by: chief.email,
        byName: chief.name,
        comment: expect.stringMatching(/^click \d+$/),
        at: LATER,
        taskId: task.taskId,
      });
      for (const r of results) expect('task' in r ? r.task.decision : undefined).toEqual(decision);
      expect(await s.repos.tasks.getTask(task.taskId)).toMatchObject({ status: 'DECIDED', decision });

      const audit = await s.repos.purchases.listAudit(purchaseId);
      const decided = audit.filter((e) => e.action === 'approval.decided');
      expect(decided).toHaveLength(1);
      expect(decided[0]).toMatchObject({
        actor: chief.email,
        at: LATER,
        eventId: `decide:${task.taskId}`,
        detail: {
          level: 'SECTION_CHIEF',
          decision: 'APPROVE',
          comment: decision?.comment,
          taskId: task.taskId,
          attempt: 'FIRST',
        },
      });
      expect(await s.repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 2 });
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase).toMatchObject({ version: 2, auditSeq: 2, updatedAt: LATER, decisions: {} });
      expect(purchase?.approvals).toEqual({ SECTION_CHIEF: decision });
    });

    it('approve and reject at the same time: exactly one wins and the purchase records that one', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openApproval(purchaseId);
      const [approve, reject] = await Promise.all(
        (['APPROVE', 'REJECT'] as const).map((decision) =>
          s.repos.tasks.decide({ taskId: task.taskId, nonce: task.nonce, decision, comment: '', now: LATER }),
        ),
      );
      expect([approve?.outcome, reject?.outcome].sort()).toEqual(['ALREADY_DECIDED', 'DECIDED']);
      const stored = await s.repos.tasks.getTask(task.taskId);
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.approvals.SECTION_CHIEF?.decision).toBe(stored?.decision?.decision);
    });

    it('a decision with a wrong or shortened nonce, at or after expiry, on a superseded or missing task changes nothing', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openApproval(purchaseId);
      const decide = (nonce: string, now = LATER, taskId = task.taskId) =>
        s.repos.tasks.decide({ taskId, nonce, decision: 'APPROVE', comment: '', now });
      const wrong = `${task.nonce.slice(0, -1)}${task.nonce.endsWith('A') ? 'B' : 'A'}`;

      expect(await decide(wrong)).toEqual({ outcome: 'BAD_NONCE' });
      expect(await decide(task.nonce.slice(0, -1))).toEqual({ outcome: 'BAD_NONCE' });
      expect(await decide(task.nonce, EXPIRES)).toEqual({ outcome: 'EXPIRED', task });
      expect(await decide(task.nonce, '2026-04-30T08:00:00.001Z')).toEqual({ outcome: 'EXPIRED', task });
      expect(await decide('x', LATER, 'nope')).toEqual({ outcome: 'NOT_FOUND' });
      expect(await s.repos.tasks.getTask(task.taskId)).toEqual(task);
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({
        version: 1,
        auditSeq: 1,
        approvals: {},
      });

      await s.openTask(purchaseId, {
        stepKey: 'APPROVAL:SECTION_CHIEF:ESCALATED',
        level: 'SECTION_CHIEF',
        attempt: 'ESCALATION',
        assignee: deputy,
        taskToken: 'token-e',
      });
      expect((await decide(task.nonce)).outcome).toBe('NOT_PENDING');
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({ version: 1, approvals: {} });
    });

    it('a COUNTERSIGN decision with data lands in decisions[stepKey], not in approvals, audited as task.decided', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openTask(purchaseId, {
        stepKey: 'COUNTERSIGN',
        purpose: 'COUNTERSIGN',
        taskToken: 'token-countersign',
        context: { contractKey: 'contracts/c.pdf', round: 1 },
      });

      const result = await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'COUNTERSIGN',
        comment: '',
        data: { signedUploadId: 'u-1' },
        now: LATER,
      });

      expect(result).toMatchObject({
        outcome: 'DECIDED',
        task: { status: 'DECIDED', decision: { data: { signedUploadId: 'u-1' } } },
      });
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.approvals).toEqual({});
      expect(purchase?.decisions).toEqual({
        COUNTERSIGN: {
          decision: 'COUNTERSIGN',
          by: chief.email,
          byName: chief.name,
          comment: '',
          at: LATER,
          data: { signedUploadId: 'u-1' },
          taskId: task.taskId,
        },
      });
      const last = (await s.repos.purchases.listAudit(purchaseId)).at(-1);
      expect(last).toMatchObject({
        action: 'task.decided',
        actor: chief.email,
        eventId: `decide:${task.taskId}`,
        detail: {
          purpose: 'COUNTERSIGN',
          stepKey: 'COUNTERSIGN',
          decision: 'COUNTERSIGN',
          comment: '',
          taskId: task.taskId,
          attempt: 'FIRST',
          data: { signedUploadId: 'u-1' },
        },
      });
      expect(last?.detail).not.toHaveProperty('level');
      await s.expectChainIntact(purchaseId);
    });

    it('decisions of two steps both stay on the purchase', async () => {
      const purchaseId = await s.newPurchase();
      for (const round of [1, 2]) {
        const task = await s.openTask(purchaseId, {
          stepKey: `MIDTERM_REVIEW:${round}`,
          purpose: 'MIDTERM_REVIEW',
          taskToken: `t-${round}`,
        });
        await s.repos.tasks.decide({
          taskId: task.taskId,
          nonce: task.nonce,
          decision: round === 1 ? 'RECTIFY' : 'PASS',
          comment: '',
          now: LATER,
        });
      }
      const purchase = await s.repos.purchases.getPurchase(purchaseId);
      expect(purchase?.decisions['MIDTERM_REVIEW:1']?.decision).toBe('RECTIFY');
      expect(purchase?.decisions['MIDTERM_REVIEW:2']?.decision).toBe('PASS');
    });

    it('a decision on a task whose purchase does not exist is PurchaseNotFoundError and leaves the task pending', async () => {
      const purchaseId = randomUUID();
      const task = await s.openApproval(purchaseId);
      await expect(
        s.repos.tasks.decide({
          taskId: task.taskId,
          nonce: task.nonce,
          decision: 'APPROVE',
          comment: '',
          now: LATER,
        }),
      ).rejects.toThrow(PurchaseNotFoundError);
      expect((await s.repos.tasks.getTask(task.taskId))?.status).toBe('PENDING');
    });

    it('the evaluator declares independence once: parallel declarations give one DECLARED and one audit entry', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openTask(purchaseId, {
        stepKey: 'EVALUATION',
        purpose: 'EVALUATION',
        assignee: evaluator,
        taskToken: 'token-eval',
      });

      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          s.repos.tasks.declareIndependence({ taskId: task.taskId, nonce: task.nonce, now: LATER }),
        ),
      );

      expect(results.filter((r) => r.outcome === 'DECLARED')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'ALREADY_DECLARED')).toHaveLength(4);
      for (const r of results) expect(r).toMatchObject({ task: { declaredAt: LATER, status: 'PENDING' } });
      expect((await s.repos.tasks.getTask(task.taskId))?.declaredAt).toBe(LATER);
      const [listed] = await s.repos.tasks.listTasks(purchaseId);
      expect(listed?.declaredAt).toBe(LATER);
      const declared = (await s.repos.purchases.listAudit(purchaseId)).filter(
        (e) => e.action === 'evaluation.independence-declared',
      );
      expect(declared).toHaveLength(1);
      expect(declared[0]).toMatchObject({
        actor: evaluator.email,
        eventId: `declare:${task.taskId}`,
        detail: { taskId: task.taskId, stepKey: 'EVALUATION', assignee: evaluator.email, role: 'EVALUATOR' },
      });
      expect(
        await s.repos.tasks.declareIndependence({ taskId: task.taskId, nonce: 'wrong', now: LATER }),
      ).toEqual({ outcome: 'BAD_NONCE' });
      expect(await s.repos.purchases.getPurchase(purchaseId)).toMatchObject({ version: 2, updatedAt: LATER });
      await s.expectChainIntact(purchaseId);

      // The declaration does not decide: the evaluation is still to be scored.
      const scored = await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'SUBMIT',
        comment: '',
        data: { total: 850 },
        now: LATER,
      });
      expect(scored).toMatchObject({ outcome: 'DECIDED', task: { declaredAt: LATER } });
    });

    it('only a pending, unexpired EVALUATION task takes a declaration', async () => {
      const purchaseId = await s.newPurchase();
      const countersign = await s.openTask(purchaseId, {
        stepKey: 'COUNTERSIGN',
        purpose: 'COUNTERSIGN',
        taskToken: 't',
      });
      const evaluation = await s.openTask(purchaseId, {
        stepKey: 'EVALUATION',
        purpose: 'EVALUATION',
        assignee: evaluator,
        taskToken: 't-eval',
      });
      const declare = (taskId: string, nonce: string, now = LATER) =>
        s.repos.tasks.declareIndependence({ taskId, nonce, now });

      expect(await declare(countersign.taskId, countersign.nonce)).toEqual({
        outcome: 'NOT_EVALUATION',
        task: countersign,
      });
      expect((await s.repos.tasks.getTask(countersign.taskId))?.declaredAt).toBeUndefined();
      expect(await declare('nope', 'x')).toEqual({ outcome: 'NOT_FOUND' });
      expect(await declare(evaluation.taskId, evaluation.nonce, EXPIRES)).toEqual({
        outcome: 'EXPIRED',
        task: evaluation,
      });
      expect(await s.actions(purchaseId)).toEqual(['proposal.submitted']);

      await s.repos.tasks.decide({
        taskId: evaluation.taskId,
        nonce: evaluation.nonce,
        decision: 'SUBMIT',
        comment: '',
        now: LATER,
      });
      expect((await declare(evaluation.taskId, evaluation.nonce)).outcome).toBe('ALREADY_DECIDED');
      expect((await s.repos.tasks.getTask(evaluation.taskId))?.declaredAt).toBeUndefined();
    });

    /** A revised draft, a day after the first (still before the task expires). */
    const DRAFT_REVISED_AT = '2026-04-03T08:00:00.000Z';

    it('the declared evaluator saves drafts of its scores: the newest is on the task, every one on the audit trail, none in the listing', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openTask(purchaseId, {
        stepKey: 'EVALUATION',
        purpose: 'EVALUATION',
        assignee: evaluator,
        taskToken: 'token-draft',
      });
      const save = (scores: Record<string, string>, comment: string, now: string, nonce = task.nonce) =>
        s.repos.tasks.saveDraft({ taskId: task.taskId, nonce, draft: { scores, comment }, now });

      expect(await save({ OUTCOMES: '80' }, '', LATER)).toEqual({ outcome: 'NOT_DECLARED', task });
      await s.repos.tasks.declareIndependence({ taskId: task.taskId, nonce: task.nonce, now: LATER });
      expect(await save({ OUTCOMES: '80' }, '', LATER, 'wrong')).toEqual({ outcome: 'BAD_NONCE' });

      const first = await save({ OUTCOMES: '80' }, '初稿', LATER);
      const newer = await save({ OUTCOMES: '82.5', MANAGEMENT: '90' }, '修改稿', DRAFT_REVISED_AT);

      expect(first).toMatchObject({
        outcome: 'SAVED',
        task: { draft: { scores: { OUTCOMES: '80' }, comment: '初稿', savedAt: LATER } },
      });
      expect(newer.outcome).toBe('SAVED');
      expect((await s.repos.tasks.getTask(task.taskId))?.draft).toEqual({
        scores: { OUTCOMES: '82.5', MANAGEMENT: '90' },
        comment: '修改稿',
        savedAt: DRAFT_REVISED_AT,
      });
      const [listed] = await s.repos.tasks.listTasks(purchaseId);
      expect(listed?.draft).toBeUndefined();
      const drafts = (await s.repos.purchases.listAudit(purchaseId)).filter(
        (e) => e.action === 'evaluation.draft-saved',
      );
      expect(drafts.map((e) => [e.actor, e.detail.scores, e.detail.comment])).toEqual([
        [evaluator.email, { OUTCOMES: '80' }, '初稿'],
        [evaluator.email, { OUTCOMES: '82.5', MANAGEMENT: '90' }, '修改稿'],
      ]);
      await s.expectChainIntact(purchaseId);

      // A draft is no decision: the task still waits for the scores.
      expect((await s.repos.tasks.getTask(task.taskId))?.status).toBe('PENDING');
      await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'SUBMIT',
        comment: '',
        now: DRAFT_REVISED_AT,
      });
      expect((await save({ OUTCOMES: '1' }, '', DRAFT_REVISED_AT)).outcome).toBe('ALREADY_DECIDED');
    });

    it('only a pending, unexpired EVALUATION task takes a draft', async () => {
      const purchaseId = await s.newPurchase();
      const countersign = await s.openTask(purchaseId, {
        stepKey: 'COUNTERSIGN',
        purpose: 'COUNTERSIGN',
        taskToken: 't',
      });
      const evaluation = await s.openTask(purchaseId, {
        stepKey: 'EVALUATION',
        purpose: 'EVALUATION',
        assignee: evaluator,
        taskToken: 't-eval',
      });
      await s.repos.tasks.declareIndependence({
        taskId: evaluation.taskId,
        nonce: evaluation.nonce,
        now: LATER,
      });
      const draft = { scores: { OUTCOMES: '70' }, comment: '' };

      expect(
        (
          await s.repos.tasks.saveDraft({
            taskId: countersign.taskId,
            nonce: countersign.nonce,
            draft,
            now: LATER,
          })
        ).outcome,
      ).toBe('NOT_EVALUATION');
      expect(await s.repos.tasks.saveDraft({ taskId: 'nope', nonce: 'x', draft, now: LATER })).toEqual({
        outcome: 'NOT_FOUND',
      });
      expect(
        (
          await s.repos.tasks.saveDraft({
            taskId: evaluation.taskId,
            nonce: evaluation.nonce,
            draft,
            now: EXPIRES,
          })
        ).outcome,
      ).toBe('EXPIRED');
      expect((await s.repos.tasks.getTask(evaluation.taskId))?.draft).toBeUndefined();
    });

    it('a sent mail kind is recorded once, however many record it at once, and delivery is recorded once', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openApproval(purchaseId);
      const records = await Promise.all(
        Array.from({ length: 5 }, () => s.repos.tasks.recordMailSent(task.taskId, 'FIRST')),
      );
      expect(records.filter(Boolean)).toHaveLength(1);
      expect(await s.repos.tasks.recordMailSent(task.taskId, 'FIRST')).toBe(false);
      expect(await s.repos.tasks.recordMailSent(task.taskId, 'REMINDER')).toBe(true);
      expect((await s.repos.tasks.getTask(task.taskId))?.mailsSent).toEqual(['FIRST', 'REMINDER']);

      await s.repos.tasks.decide({
        taskId: task.taskId,
        nonce: task.nonce,
        decision: 'REJECT',
        comment: 'no',
        now: LATER,
      });
      await s.repos.tasks.markDelivered(task.taskId, LATER);
      await s.repos.tasks.markDelivered(task.taskId, '2026-04-03T00:00:00.000Z');
      expect((await s.repos.tasks.getTask(task.taskId))?.deliveredAt).toBe(LATER);
    });

    it('a mail or a delivery for a missing task is TaskNotFoundError, a delivery before the decision TaskNotDecidedError', async () => {
      const purchaseId = await s.newPurchase();
      const task = await s.openApproval(purchaseId);
      await expect(s.repos.tasks.recordMailSent('nope', 'FIRST')).rejects.toThrow(TaskNotFoundError);
      await expect(s.repos.tasks.markDelivered('nope', LATER)).rejects.toThrow(TaskNotFoundError);
      await expect(s.repos.tasks.markDelivered(task.taskId, LATER)).rejects.toThrow(TaskNotDecidedError);
      expect(await s.repos.tasks.getTask(task.taskId)).not.toHaveProperty('deliveredAt');
    });

    it('expireOpenTasks closes the pending tasks of a purchase and leaves a decided one as it was', async () => {
      const purchaseId = await s.newPurchase();
      const other = await s.newPurchase();
      const pending = await s.openApproval(purchaseId);
      const elsewhere = await s.openApproval(other);
      const decided = await s.openTask(purchaseId, {
        stepKey: 'APPROVAL:FINANCE_SECTION',
        level: 'FINANCE_SECTION',
        taskToken: 'token-2',
      });
      await s.repos.tasks.decide({
        taskId: decided.taskId,
        nonce: decided.nonce,
        decision: 'APPROVE',
        comment: '',
        now: LATER,
      });
      const decidedTask = await s.repos.tasks.getTask(decided.taskId);

      expect(await s.repos.tasks.expireOpenTasks(purchaseId, LATER)).toEqual([pending.taskId]);
      expect((await s.repos.tasks.getTask(pending.taskId))?.status).toBe('EXPIRED');
      expect(await s.repos.tasks.getTask(decided.taskId)).toEqual(decidedTask);
      expect((await s.repos.tasks.getTask(elsewhere.taskId))?.status).toBe('PENDING');
      expect(await s.repos.tasks.expireOpenTasks(purchaseId, LATER)).toEqual([]);
      const late = await s.repos.tasks.decide({
        taskId: pending.taskId,
        nonce: pending.nonce,
        decision: 'APPROVE',
        comment: '',
        now: LATER,
      });
      expect(late).toMatchObject({ outcome: 'NOT_PENDING', task: { status: 'EXPIRED' } });
    });

    it('expireOpenTasks of one step closes that step’s tasks and those under it, and no other', async () => {
      const purchaseId = await s.newPurchase();
      const open = (stepKey: string) =>
        s.openTask(purchaseId, { stepKey, purpose: 'PAYMENT_CONFIRMATION', level: 'FINANCE_SECTION' });
      const first = await open('PAYMENT:2');
      const rest = await open('PAYMENT:2:2');
      const otherTranche = await open('PAYMENT:1');
      const approval = await s.openApproval(purchaseId);

      const closed = await s.repos.tasks.expireOpenTasks(purchaseId, LATER, { step: 'PAYMENT:2' });

      expect(closed.sort()).toEqual([first.taskId, rest.taskId].sort());
      for (const task of [otherTranche, approval])
        expect((await s.repos.tasks.getTask(task.taskId))?.status).toBe('PENDING');
    });

    it('the tasks of a purchase are listed oldest first, only its own, without token or nonce', async () => {
      const purchaseId = await s.newPurchase();
      await s.openApproval(await s.newPurchase());
      const later = await s.openTask(purchaseId, {
        stepKey: 'COUNTERSIGN',
        purpose: 'COUNTERSIGN',
        taskToken: 't-c',
        now: LATER,
      });
      const earlier = await s.openApproval(purchaseId);
      const listed = await s.repos.tasks.listTasks(purchaseId);
      const { taskToken: _t1, nonce: _n1, ...earlierPublic } = earlier;
      const { taskToken: _t2, nonce: _n2, ...laterPublic } = later;
      expect(listed).toEqual([earlierPublic, laterPublic]);
      expect(await s.repos.tasks.listTasks(randomUUID())).toEqual([]);
    });

    it('the tasks of a purchase are listed whole when they outgrow a page of the index (1 MB)', async () => {
      const purchaseId = await s.newPurchase();
      const count = 36;
      for (let i = 0; i < count; i++) {
        await s.openTask(purchaseId, {
          stepKey: `EVIDENCE_REVIEW:${i}`,
          purpose: 'MIDTERM_REVIEW',
          taskToken: `t-${i}`,
          context: { i, note: padding(30_000) },
        });
      }
      const listed = await s.repos.tasks.listTasks(purchaseId);
      expect(listed).toHaveLength(count);
      expect(new Set(listed.map((t) => t.stepKey)).size).toBe(count);
    });
  });
}
