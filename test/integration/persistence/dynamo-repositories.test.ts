import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRepositories, StageConflictError } from '../../../shared/adapters/dynamodb/index.js';
import { keys } from '../../../shared/adapters/dynamodb/table-design.js';
import { IllegalTransitionError } from '../../../shared/domain/lifecycle.js';
import type { Proposal } from '../../../shared/domain/proposal.js';
import type { Assignee, HumanTask } from '../../../shared/domain/tasks.js';
import type { Repositories } from '../../../shared/ports/repositories.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js';

const proposal: Proposal = {
  title: 'Home care visits for elderly residents living alone',
  serviceArea: 'ELDERLY_CARE',
  serviceItem: 'ELDER-HOME-CARE',
  district: 'Siming',
  purchasingUnit: 'Xiamen Civil Affairs Bureau',
  ngo: {
    name: 'Lujiang Social Work Centre',
    creditCode: '52350200MJ0000000X',
    contactEmail: 'ngo@example.org',
  },
  term: { start: '2026-01-01', end: '2026-12-31' },
  procurementMethod: 'COMPETITIVE_CONSULTATION',
  totalFen: 50_000_000,
  budgetLines: [{ item: 'Staff', amountFen: 50_000_000 }],
  staffPlan: [
    { role: 'Social worker', headcount: 4, monthlySalaryFen: 900_000, monthlySocialWelfareFen: 250_000 },
  ],
  trancheSchedule: [
    { milestone: 'CONTRACT_SIGNED', percent: 40 },
    { milestone: 'MIDTERM_PASSED', percent: 30 },
    { milestone: 'EVALUATION_PASSED', percent: 30 },
  ],
  deliverables: [{ kind: 'MIDTERM_REPORT', dueDate: '2026-06-30', description: 'Mid-term report' }],
  budgetLineRef: '2026-MZ-ELDER-01',
};

const chief: Assignee = { name: 'Chen Li', email: 'chen.li@bureau.example', role: 'SECTION_CHIEF' };
const deputy: Assignee = { name: 'Wu Fang', email: 'wu.fang@bureau.example', role: 'DEPUTY' };
const NOW = '2026-03-01T08:00:00.000Z';
const LATER = '2026-03-02T08:00:00.000Z';
const EXPIRES = '2026-03-04T08:00:00.000Z';

let db: DynamoDbLocal;
let repos: Repositories;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  repos = createRepositories({ client: db.client, tableName: db.tableName });
});

afterAll(async () => {
  await db?.stop();
});

async function newPurchase(createdBy = 'officer-1') {
  const purchaseId = randomUUID();
  await repos.purchases.createPurchase({ purchaseId, proposal, createdBy, now: NOW });
  return purchaseId;
}

async function openApprovalTask(purchaseId: string, expiresAt = EXPIRES): Promise<HumanTask> {
  const { task } = await repos.tasks.openTask({
    purchaseId,
    stepKey: 'APPROVAL:SECTION_CHIEF',
    level: 'SECTION_CHIEF',
    attempt: 'FIRST',
    assignee: chief,
    taskToken: 'token-1',
    expiresAt,
    now: NOW,
  });
  return task;
}

describe('purchases and the audit chain', () => {
  test('a purchase created, moved and changed keeps a verifiable audit chain and leaves the open list when final', async () => {
    const purchaseId = randomUUID();
    const { purchase, created } = await repos.purchases.createPurchase({
      purchaseId,
      proposal,
      createdBy: 'officer-1',
      idempotencyKey: 'form-42',
      now: NOW,
    });
    expect(created).toBe(true);
    expect(purchase).toMatchObject({ stage: 'PROPOSAL', version: 1, auditSeq: 1 });
    expect((await repos.purchases.listOpenPurchases()).map((p) => p.purchaseId)).toContain(purchaseId);

    const moved = await repos.purchases.change({
      purchaseId,
      from: 'PROPOSAL',
      to: 'APPROVAL',
      set: { approvalLevels: ['SECTION_CHIEF'] },
      audit: {
        actor: 'system:plan-approvals',
        action: 'approval.planned',
        detail: { levels: ['SECTION_CHIEF'] },
      },
      eventId: 'plan-approvals',
      now: LATER,
    });
    expect(moved).toMatchObject({
      stage: 'APPROVAL',
      version: 2,
      auditSeq: 2,
      approvalLevels: ['SECTION_CHIEF'],
    });
    expect(await repos.purchases.getPurchase(purchaseId)).toEqual(moved);

    await repos.purchases.change({
      purchaseId,
      from: 'APPROVAL',
      to: 'REJECTED',
      set: { outcome: { result: 'REJECTED', reason: 'over budget', by: chief.email, at: LATER } },
      audit: { actor: chief.email, action: 'purchase.rejected' },
      eventId: 'reject',
      now: LATER,
    });

    const audit = await repos.purchases.listAudit(purchaseId);
    expect(audit.map((e) => [e.seq, e.action, e.actor])).toEqual([
      [1, 'proposal.submitted', 'officer-1'],
      [2, 'approval.planned', 'system:plan-approvals'],
      [3, 'purchase.rejected', chief.email],
    ]);
    expect(audit[1]?.detail).toMatchObject({ stageFrom: 'PROPOSAL', stageTo: 'APPROVAL' });
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 3 });
    expect((await repos.purchases.listOpenPurchases()).map((p) => p.purchaseId)).not.toContain(purchaseId);
  });

  test('a repeated create with the same idempotency key returns the first purchase and writes nothing new', async () => {
    const first = await repos.purchases.createPurchase({
      purchaseId: randomUUID(),
      proposal,
      createdBy: 'officer-2',
      idempotencyKey: 'double-click',
      now: NOW,
    });
    const secondId = randomUUID();
    const second = await repos.purchases.createPurchase({
      purchaseId: secondId,
      proposal,
      createdBy: 'officer-2',
      idempotencyKey: 'double-click',
      now: LATER,
    });
    expect(second.created).toBe(false);
    expect(second.purchase).toEqual(first.purchase);
    expect(await repos.purchases.getPurchase(secondId)).toBeUndefined();
  });

  test('an edited audit entry in the table is reported by verifyAuditChain', async () => {
    const purchaseId = await newPurchase();
    await repos.purchases.change({
      purchaseId,
      set: { approvalLevels: ['SECTION_CHIEF'] },
      audit: { actor: 'system:x', action: 'approval.planned' },
      eventId: 'e1',
      now: LATER,
    });
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.audit(purchaseId, 1),
        UpdateExpression: 'SET actor = :forged',
        ExpressionAttributeValues: { ':forged': 'someone-else' },
      }),
    );
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({ valid: false, brokenAt: 1 });
  });

  test('repeating a change with the same eventId applies it and audits it once', async () => {
    const purchaseId = await newPurchase();
    const input = {
      purchaseId,
      from: 'PROPOSAL' as const,
      to: 'APPROVAL' as const,
      audit: { actor: 'system:x', action: 'approval.requested' },
      eventId: 'start-approval',
      now: LATER,
    };
    const results = await Promise.all([repos.purchases.change(input), repos.purchases.change(input)]);
    const again = await repos.purchases.change(input);
    expect(results.map((r) => r.stage)).toEqual(['APPROVAL', 'APPROVAL']);
    expect(again).toMatchObject({ stage: 'APPROVAL', version: 2, auditSeq: 2 });
    expect((await repos.purchases.listAudit(purchaseId)).length).toBe(2);
  });

  test('a stage move from the wrong stage throws StageConflictError, a disallowed one IllegalTransitionError', async () => {
    const purchaseId = await newPurchase();
    const base = { purchaseId, audit: { actor: 'system:x', action: 'x' }, now: LATER };
    await expect(
      repos.purchases.change({ ...base, from: 'APPROVAL', to: 'CONTRACTING', eventId: 'a' }),
    ).rejects.toThrow(StageConflictError);
    await expect(repos.purchases.change({ ...base, to: 'CLOSED', eventId: 'b' })).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(await repos.purchases.getPurchase(purchaseId)).toMatchObject({ stage: 'PROPOSAL', version: 1 });
  });

  test('concurrent audit appends from different changes all land and keep one valid chain', async () => {
    const purchaseId = await newPurchase();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repos.purchases.change({
          purchaseId,
          audit: { actor: `system:worker-${i}`, action: 'note.added', detail: { i } },
          eventId: `note-${i}`,
          now: LATER,
        }),
      ),
    );
    const audit = await repos.purchases.listAudit(purchaseId);
    expect(audit.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(audit.map((e) => e.eventId)).size).toBe(7);
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 7 });
    expect(await repos.purchases.getPurchase(purchaseId)).toMatchObject({ version: 7, auditSeq: 7 });
  });
});

describe('budget reservations', () => {
  async function line(totalFen: number) {
    const lineId = `2026-TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
    await repos.budgets.ensureBudgetLine({ lineId, year: 2026, description: 'test line', totalFen });
    return lineId;
  }

  async function reservations(lineId: string) {
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :r)',
        ExpressionAttributeValues: { ':pk': keys.budgetLine(lineId).PK, ':r': 'RESERVATION#' },
        ConsistentRead: true,
      }),
    );
    return Items;
  }

  test('a terminated purchase gives back only what was not paid out; a repeat gives back nothing more', async () => {
    const lineId = await line(1_000_000);
    await repos.budgets.reserve({ lineId, purchaseId: 'P-PART', amountFen: 600_000, now: NOW });
    expect(
      await repos.budgets.release({ lineId, purchaseId: 'P-PART', keepFen: 180_000, now: LATER }),
    ).toEqual({
      status: 'RELEASED',
    });
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(1_000_000 - 180_000);
    expect((await reservations(lineId))[0]).toMatchObject({ status: 'RELEASED', keptFen: 180_000 });
    await repos.budgets.release({ lineId, purchaseId: 'P-PART', keepFen: 0, now: LATER });
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(1_000_000 - 180_000);
  });

  test('two purchases racing for the last money: exactly one is RESERVED', async () => {
    const lineId = await line(1_000);
    const results = await Promise.all(
      ['p-a', 'p-b'].map((purchaseId) =>
        repos.budgets.reserve({ lineId, purchaseId, amountFen: 1_000, now: NOW }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['INSUFFICIENT', 'RESERVED']);
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(0);
  });

  test('50 concurrent reserves on a line that fits 10 reserve exactly 10 and the money adds up', async () => {
    const lineId = await line(10_000);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        repos.budgets.reserve({ lineId, purchaseId: `p-${i}`, amountFen: 1_000, now: NOW }),
      ),
    );
    expect(results.filter((r) => r.status === 'RESERVED')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'INSUFFICIENT')).toHaveLength(40);
    for (const r of results) if ('availableFen' in r) expect(r.availableFen).toBeGreaterThanOrEqual(0);
    const stored = await repos.budgets.getBudgetLine(lineId);
    const held = (await reservations(lineId)).reduce((sum, r) => sum + (r.amountFen as number), 0);
    expect(stored?.availableFen).toBe(0);
    expect(held + (stored?.availableFen ?? -1)).toBe(10_000);
  });

  test('a repeated reserve counts once, a release gives the money back once and keeps the record', async () => {
    const lineId = await line(5_000);
    const first = await repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 2_000, now: NOW });
    const repeat = await repos.budgets.reserve({ lineId, purchaseId: 'p-1', amountFen: 2_000, now: NOW });
    expect([first, repeat]).toEqual([
      { status: 'RESERVED', availableFen: 3_000 },
      { status: 'RESERVED', availableFen: 3_000 },
    ]);
    expect(await repos.budgets.release({ lineId, purchaseId: 'p-1', now: LATER })).toEqual({
      status: 'RELEASED',
    });
    expect(await repos.budgets.release({ lineId, purchaseId: 'p-1', now: LATER })).toEqual({
      status: 'NOT_RESERVED',
    });
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(5_000);
    expect(await reservations(lineId)).toMatchObject([{ status: 'RELEASED', amountFen: 2_000 }]);
  });

  test('reserving on a missing line answers NO_SUCH_LINE and seeding again does not refill a line', async () => {
    expect(
      await repos.budgets.reserve({ lineId: '2026-NONE', purchaseId: 'p', amountFen: 1, now: NOW }),
    ).toEqual({
      status: 'NO_SUCH_LINE',
    });
    const lineId = await line(3_000);
    await repos.budgets.reserve({ lineId, purchaseId: 'p', amountFen: 1_000, now: NOW });
    await repos.budgets.ensureBudgetLine({ lineId, year: 2026, description: 'test line', totalFen: 3_000 });
    expect((await repos.budgets.getBudgetLine(lineId))?.availableFen).toBe(2_000);
  });
});

describe('human tasks', () => {
  test('expireOpenTasks closes the pending tasks of a purchase and leaves a decided one as it was', async () => {
    const purchaseId = await newPurchase();
    const pending = await openApprovalTask(purchaseId);
    const { task: decided } = await repos.tasks.openTask({
      purchaseId,
      stepKey: 'APPROVAL:FINANCE_SECTION',
      level: 'FINANCE_SECTION',
      attempt: 'FIRST',
      assignee: chief,
      taskToken: 'token-2',
      expiresAt: EXPIRES,
      now: NOW,
    });
    await repos.tasks.decide({
      taskId: decided.taskId,
      nonce: decided.nonce,
      decision: 'APPROVE',
      comment: '',
      now: LATER,
    });

    expect(await repos.tasks.expireOpenTasks(purchaseId, LATER)).toEqual([pending.taskId]);
    expect((await repos.tasks.getTask(pending.taskId))?.status).toBe('EXPIRED');
    expect((await repos.tasks.getTask(decided.taskId))?.status).toBe('DECIDED');
    expect(await repos.tasks.expireOpenTasks(purchaseId, LATER)).toEqual([]);
  });

  test('20 parallel decisions with the right nonce: one DECIDED, the rest ALREADY_DECIDED, one audit entry', async () => {
    const purchaseId = await newPurchase();
    const task = await openApprovalTask(purchaseId);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repos.tasks.decide({
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
    const loser = results.find((r) => r.outcome === 'ALREADY_DECIDED');
    expect(loser && 'task' in loser ? loser.task.decision : undefined).toEqual(
      winner && 'task' in winner ? winner.task.decision : 'no winner',
    );

    const audit = await repos.purchases.listAudit(purchaseId);
    const decided = audit.filter((e) => e.action === 'approval.decided');
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({
      actor: chief.email,
      eventId: `decide:${task.taskId}`,
      detail: { level: 'SECTION_CHIEF', decision: 'APPROVE', taskId: task.taskId, attempt: 'FIRST' },
    });
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toEqual({ valid: true, entries: 2 });
    const purchase = await repos.purchases.getPurchase(purchaseId);
    expect(purchase?.approvals.SECTION_CHIEF).toMatchObject({
      decision: 'APPROVE',
      by: chief.email,
      byName: chief.name,
    });
  });

  test('approve and reject at the same time: exactly one wins and the purchase records that one', async () => {
    const purchaseId = await newPurchase();
    const task = await openApprovalTask(purchaseId);
    const [approve, reject] = await Promise.all(
      (['APPROVE', 'REJECT'] as const).map((decision) =>
        repos.tasks.decide({ taskId: task.taskId, nonce: task.nonce, decision, comment: '', now: LATER }),
      ),
    );
    expect([approve?.outcome, reject?.outcome].sort()).toEqual(['ALREADY_DECIDED', 'DECIDED']);
    const stored = await repos.tasks.getTask(task.taskId);
    const purchase = await repos.purchases.getPurchase(purchaseId);
    expect(purchase?.approvals.SECTION_CHIEF?.decision).toBe(stored?.decision?.decision);
  });

  test('a decision with a wrong nonce or after expiry changes nothing', async () => {
    const purchaseId = await newPurchase();
    const task = await openApprovalTask(purchaseId);
    const wrong = await repos.tasks.decide({
      taskId: task.taskId,
      nonce: `${task.nonce.slice(0, -1)}${task.nonce.endsWith('A') ? 'B' : 'A'}`,
      decision: 'APPROVE',
      comment: '',
      now: LATER,
    });
    const late = await repos.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'APPROVE',
      comment: '',
      now: '2026-03-04T08:00:00.001Z',
    });
    const missing = await repos.tasks.decide({
      taskId: 'nope',
      nonce: 'x',
      decision: 'APPROVE',
      comment: '',
      now: LATER,
    });
    expect([wrong.outcome, late.outcome, missing.outcome]).toEqual(['BAD_NONCE', 'EXPIRED', 'NOT_FOUND']);
    expect(await repos.tasks.getTask(task.taskId)).toEqual(task);
    expect(await repos.purchases.getPurchase(purchaseId)).toMatchObject({
      version: 1,
      auditSeq: 1,
      approvals: {},
    });
  });

  test('opening a step again with a new token keeps the task id and nonce and stores the new token', async () => {
    const purchaseId = await newPurchase();
    const first = await openApprovalTask(purchaseId);
    const again = await repos.tasks.openTask({
      purchaseId,
      stepKey: 'APPROVAL:SECTION_CHIEF',
      level: 'SECTION_CHIEF',
      attempt: 'REMINDER',
      assignee: chief,
      taskToken: 'token-2',
      expiresAt: '2026-03-06T08:00:00.000Z',
      now: LATER,
    });
    expect(again.created).toBe(false);
    expect(again.task).toMatchObject({
      taskId: first.taskId,
      nonce: first.nonce,
      taskToken: 'token-2',
      attempt: 'REMINDER',
      expiresAt: '2026-03-06T08:00:00.000Z',
    });
    expect(first.taskId).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  test('escalation opens a deputy task and supersedes the pending one; the old link then answers NOT_PENDING', async () => {
    const purchaseId = await newPurchase();
    const original = await openApprovalTask(purchaseId);
    const escalated = await repos.tasks.openTask({
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
    expect(escalated.task.taskId).not.toBe(original.taskId);
    expect((await repos.tasks.getTask(original.taskId))?.status).toBe('SUPERSEDED');
    const old = await repos.tasks.decide({
      taskId: original.taskId,
      nonce: original.nonce,
      decision: 'APPROVE',
      comment: '',
      now: LATER,
    });
    expect(old.outcome).toBe('NOT_PENDING');

    const tasks = await repos.tasks.listTasks(purchaseId);
    expect(tasks.map((t) => [t.taskId, t.status])).toEqual([
      [original.taskId, 'SUPERSEDED'],
      [escalated.task.taskId, 'PENDING'],
    ]);
    for (const t of tasks) {
      expect(t).not.toHaveProperty('taskToken');
      expect(t).not.toHaveProperty('nonce');
    }
  });

  test('a sent mail kind is recorded once, however many record it at once, and delivery is recorded once', async () => {
    const purchaseId = await newPurchase();
    const task = await openApprovalTask(purchaseId);
    const records = await Promise.all(
      Array.from({ length: 5 }, () => repos.tasks.recordMailSent(task.taskId, 'FIRST')),
    );
    expect(records.filter(Boolean)).toHaveLength(1);
    expect(await repos.tasks.recordMailSent(task.taskId, 'FIRST')).toBe(false);
    expect(await repos.tasks.recordMailSent(task.taskId, 'REMINDER')).toBe(true);
    expect((await repos.tasks.getTask(task.taskId))?.mailsSent).toEqual(['FIRST', 'REMINDER']);

    await repos.tasks.decide({
      taskId: task.taskId,
      nonce: task.nonce,
      decision: 'REJECT',
      comment: 'no',
      now: LATER,
    });
    await repos.tasks.markDelivered(task.taskId, LATER);
    await repos.tasks.markDelivered(task.taskId, '2026-03-03T00:00:00.000Z');
    expect((await repos.tasks.getTask(task.taskId))?.deliveredAt).toBe(LATER);
  });
});

describe('stored items', () => {
  test('the task item keeps its token out of GSI1 while the table item holds it', async () => {
    const purchaseId = await newPurchase();
    const task = await openApprovalTask(purchaseId);
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': `PURCHASE#${purchaseId}` },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items[0]).not.toHaveProperty('taskToken');
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: keys.task(task.taskId) }),
    );
    expect(Item?.taskToken).toBe('token-1');
  });

  test('a forged audit entry appended past the chain head is reported', async () => {
    const purchaseId = await newPurchase();
    const [entry] = await repos.purchases.listAudit(purchaseId);
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.audit(purchaseId, 2), ...entry, seq: 2, prevHash: entry?.hash, eventId: 'forged' },
      }),
    );
    expect(await repos.purchases.verifyAuditChain(purchaseId)).toMatchObject({ valid: false, brokenAt: 2 });
  });
});
