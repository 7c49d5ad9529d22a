import { randomBytes } from 'node:crypto';
import {
  InvalidEscalationStepError,
  InvalidTaskError,
  TaskNotDecidedError,
  TaskNotFoundError,
} from '../../../shared/adapters/dynamodb/errors.js';
import {
  type HumanTask,
  isOfStep,
  type PublicHumanTask,
  type RecordedDecision,
  type TaskAttempt,
} from '../../../shared/domain/tasks.js';
import type {
  DecideResult,
  DeclareResult,
  DraftResult,
  ReissueResult,
  TaskRepository,
} from '../../../shared/ports/repositories.js';
import { copy } from './copy.js';
import type { InMemoryPurchaseRepository } from './purchase-repository.js';

const ESCALATED_SUFFIX = ':ESCALATED';

function randomId(): string {
  return randomBytes(18).toString('base64url');
}

/** Why a task cannot take a decision now; undefined if it can. */
function refusal(
  task: HumanTask,
  now: string,
): Extract<DecideResult, { outcome: 'ALREADY_DECIDED' | 'NOT_PENDING' | 'EXPIRED' }> | undefined {
  if (task.status === 'DECIDED') return { outcome: 'ALREADY_DECIDED', task: copy(task) };
  if (task.status !== 'PENDING') return { outcome: 'NOT_PENDING', task: copy(task) };
  if (Date.parse(task.expiresAt) <= Date.parse(now)) return { outcome: 'EXPIRED', task: copy(task) };
  return undefined;
}

/** Human tasks: the first decision wins, and it lands on the purchase and its audit chain in the same step. */
export class InMemoryTaskRepository implements TaskRepository {
  readonly records = new Map<string, HumanTask>();
  private readonly steps = new Map<string, string>();

  constructor(private readonly purchases: InMemoryPurchaseRepository) {}

  async openTask(
    input: Parameters<TaskRepository['openTask']>[0],
  ): Promise<{ task: HumanTask; created: boolean }> {
    const { purchaseId, stepKey, attempt, now, purpose = 'APPROVAL' } = input;
    if (attempt === 'ESCALATION' && !stepKey.endsWith(ESCALATED_SUFFIX))
      throw new InvalidEscalationStepError(stepKey);
    if (purpose === 'APPROVAL' && input.level === undefined)
      throw new InvalidTaskError(`the APPROVAL task of step ${stepKey} needs a level`);
    const existing = this.taskOfStep(purchaseId, stepKey);
    if (existing) {
      if (existing.status === 'PENDING') {
        if (input.taskToken !== undefined) existing.taskToken = input.taskToken;
        existing.expiresAt = new Date(input.expiresAt).toISOString();
        existing.attempt = attempt;
      }
      return { task: copy(existing), created: false };
    }
    let superseded: HumanTask | undefined;
    if (attempt === 'ESCALATION') {
      const base = this.taskOfStep(purchaseId, stepKey.slice(0, -ESCALATED_SUFFIX.length));
      if (base?.status === 'DECIDED') return { task: copy(base), created: false };
      if (base?.status === 'PENDING') superseded = base;
    }
    const task: HumanTask = {
      taskId: randomId(),
      purchaseId,
      stepKey,
      purpose,
      attempt,
      assignee: copy(input.assignee),
      nonce: randomId(),
      createdAt: now,
      expiresAt: new Date(input.expiresAt).toISOString(),
      status: 'PENDING',
      mailsSent: [],
    };
    if (input.level !== undefined) task.level = input.level;
    if (input.taskToken !== undefined) task.taskToken = input.taskToken;
    if (input.context !== undefined) task.context = copy(input.context);
    this.records.set(task.taskId, task);
    this.steps.set(`${purchaseId}\u0000${stepKey}`, task.taskId);
    if (superseded) superseded.status = 'SUPERSEDED';
    this.purchases.recordViewer(purchaseId, task.assignee.email);
    return { task: copy(task), created: true };
  }

  async reissueTask(input: { taskId: string; now: string }): Promise<ReissueResult> {
    const previous = this.records.get(input.taskId);
    if (!previous) return { outcome: 'UNKNOWN' };
    if (previous.status !== 'PENDING') return { outcome: 'NOT_PENDING', task: copy(previous) };
    const task: HumanTask = {
      ...copy(previous),
      taskId: randomId(),
      nonce: randomId(),
      createdAt: input.now,
      mailsSent: [],
    };
    this.records.set(task.taskId, task);
    this.steps.set(`${previous.purchaseId}\u0000${previous.stepKey}`, task.taskId);
    previous.status = 'SUPERSEDED';
    return { outcome: 'REISSUED', task: copy(task), previous: copy(previous) };
  }

  async getTask(taskId: string): Promise<HumanTask | undefined> {
    const task = this.records.get(taskId);
    return task && copy(task);
  }

  async recordMailSent(taskId: string, kind: TaskAttempt): Promise<boolean> {
    const task = this.require(taskId);
    if (task.mailsSent.includes(kind)) return false;
    task.mailsSent.push(kind);
    return true;
  }

  async decide(input: Parameters<TaskRepository['decide']>[0]): Promise<DecideResult> {
    const task = this.records.get(input.taskId);
    if (!task) return { outcome: 'NOT_FOUND' };
    if (task.nonce !== input.nonce) return { outcome: 'BAD_NONCE' };
    const refused = refusal(task, input.now);
    if (refused) return refused;
    const decision: RecordedDecision = {
      decision: input.decision,
      by: task.assignee.email,
      byName: task.assignee.name,
      ...(task.assignee.onBehalfOf ? { onBehalfOf: task.assignee.onBehalfOf } : {}),
      comment: input.comment,
      at: input.now,
      taskId: task.taskId,
    };
    if (input.data !== undefined) decision.data = copy(input.data);
    this.purchases.recordDecision(task, decision);
    task.status = 'DECIDED';
    task.decision = decision;
    return { outcome: 'DECIDED', task: copy(task) };
  }

  async declareIndependence(input: { taskId: string; nonce: string; now: string }): Promise<DeclareResult> {
    const task = this.records.get(input.taskId);
    if (!task) return { outcome: 'NOT_FOUND' };
    if (task.nonce !== input.nonce) return { outcome: 'BAD_NONCE' };
    if (task.purpose !== 'EVALUATION') return { outcome: 'NOT_EVALUATION', task: copy(task) };
    if (task.declaredAt !== undefined) return { outcome: 'ALREADY_DECLARED', task: copy(task) };
    const refused = refusal(task, input.now);
    if (refused) return refused;
    this.purchases.appendAudit(task.purchaseId, {
      actor: task.assignee.email,
      action: 'evaluation.independence-declared',
      detail: {
        taskId: task.taskId,
        stepKey: task.stepKey,
        assignee: task.assignee.email,
        role: task.assignee.role,
      },
      eventId: `declare:${task.taskId}`,
      at: input.now,
    });
    task.declaredAt = input.now;
    return { outcome: 'DECLARED', task: copy(task) };
  }

  async saveDraft(input: Parameters<TaskRepository['saveDraft']>[0]): Promise<DraftResult> {
    const task = this.records.get(input.taskId);
    if (!task) return { outcome: 'NOT_FOUND' };
    if (task.nonce !== input.nonce) return { outcome: 'BAD_NONCE' };
    if (task.purpose !== 'EVALUATION') return { outcome: 'NOT_EVALUATION', task: copy(task) };
    const refused = refusal(task, input.now);
    if (refused) return refused;
    if (task.declaredAt === undefined) return { outcome: 'NOT_DECLARED', task: copy(task) };
    const draft = { scores: { ...input.draft.scores }, comment: input.draft.comment, savedAt: input.now };
    this.purchases.appendAudit(task.purchaseId, {
      actor: task.assignee.email,
      action: 'evaluation.draft-saved',
      detail: {
        taskId: task.taskId,
        stepKey: task.stepKey,
        scores: { ...draft.scores },
        comment: draft.comment,
      },
      eventId: `draft:${task.taskId}:${input.now}`,
      at: input.now,
    });
    task.draft = draft;
    return { outcome: 'SAVED', task: copy(task) };
  }

  async markDelivered(taskId: string, now: string): Promise<void> {
    const task = this.require(taskId);
    if (task.deliveredAt !== undefined) return;
    if (task.status !== 'DECIDED') throw new TaskNotDecidedError(taskId, task.status);
    task.deliveredAt = now;
  }

  async expireOpenTasks(purchaseId: string, _now: string, only?: { step: string }): Promise<string[]> {
    const pending = this.tasksOf(purchaseId).filter(
      (t) => t.status === 'PENDING' && (only === undefined || isOfStep(t.stepKey, only.step)),
    );
    for (const task of pending) task.status = 'EXPIRED';
    return pending.map((t) => t.taskId);
  }

  async listTasks(purchaseId: string): Promise<PublicHumanTask[]> {
    // As the table's index holds them: the evaluator's draft stays on its task item.
    return this.tasksOf(purchaseId).map(({ taskToken: _token, nonce: _nonce, draft: _draft, ...rest }) =>
      copy(rest),
    );
  }

  /** The step's live task as stored (not a copy), for tests that age or inspect it. */
  stored(taskId: string): HumanTask {
    return this.require(taskId);
  }

  /** A purchase's tasks in the table index's order: its sort key `<createdAt>#<taskId>`, byte by byte. */
  private tasksOf(purchaseId: string): HumanTask[] {
    const sortKey = (t: HumanTask) => `${t.createdAt}#${t.taskId}`;
    return [...this.records.values()]
      .filter((t) => t.purchaseId === purchaseId)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  }

  private taskOfStep(purchaseId: string, stepKey: string): HumanTask | undefined {
    const taskId = this.steps.get(`${purchaseId}\u0000${stepKey}`);
    return taskId === undefined ? undefined : this.records.get(taskId);
  }

  private require(taskId: string): HumanTask {
    const task = this.records.get(taskId);
    if (!task) throw new TaskNotFoundError(taskId);
    return task;
  }
}
