import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '../../domain/audit.js';
import { nextAuditEntry } from '../../domain/audit-chain.js';
import type { PurchaseRecord } from '../../domain/purchase.js';
import {
  type HumanTask,
  isOfStep,
  type PublicHumanTask,
  type RecordedDecision,
  type TaskAttempt,
} from '../../domain/tasks.js';
import type {
  DecideResult,
  DeclareResult,
  DraftResult,
  ReissueResult,
  TaskRepository,
} from '../../ports/repositories.js';
import {
  ContentionError,
  InvalidEscalationStepError,
  InvalidTaskError,
  PurchaseNotFoundError,
  TaskNotDecidedError,
  TaskNotFoundError,
} from './errors.js';
import { UpdateBuilder } from './expressions.js';
import { DynamoPurchaseRepository, type DynamoRepositoryOptions } from './purchase-repository.js';
import {
  auditedWriteItems,
  publicTaskFromItem,
  queryAll,
  type TransactItem,
  taskFromItem,
} from './records.js';
import { GSI1, keys } from './table-design.js';
import {
  backoff,
  cancellationCodes,
  conditionFailed,
  isConditionalCheckFailed,
  lostRace,
  MAX_ATTEMPTS,
  withoutUndefined,
} from './transactions.js';

const ESCALATED_SUFFIX = ':ESCALATED';

type OpenTaskInput = Parameters<TaskRepository['openTask']>[0];
type DecideInput = Parameters<TaskRepository['decide']>[0];
type PendingInput = { taskId: string; nonce: string; now: string };

/** What a write on a pending task changes: the task, the purchase, and the audit entry of both. */
interface PendingChange {
  /** The task's own change: a SET clause, further conditions and their placeholders. */
  task: {
    update: string;
    condition?: string;
    names?: Record<string, string>;
    values: Record<string, unknown>;
  };
  purchase: UpdateBuilder;
  audit: AuditInput & { eventId: string };
  /** The task as it is once the write went through. */
  after: HumanTask;
}

/** 144 random bits, URL-safe: unguessable in a link and short enough for an e-mail. */
function randomId(): string {
  return randomBytes(18).toString('base64url');
}

function nonceMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Expiry is compared as text inside DynamoDB's condition, which is only right when both sides
 * are ISO-8601 UTC instants in the same form.
 */
function isoInstant(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

/** Why a task cannot take a decision now, judged from its stored state; undefined if it can. */
function refusal(task: HumanTask, now: string): DecideResult | undefined {
  if (task.status === 'DECIDED') return { outcome: 'ALREADY_DECIDED', task };
  if (task.status !== 'PENDING') return { outcome: 'NOT_PENDING', task };
  if (Date.parse(task.expiresAt) <= Date.parse(now)) return { outcome: 'EXPIRED', task };
  return undefined;
}

/** Why a draft cannot be saved on a task now (undefined if it can): the purpose, the declaration, then refusal. */
export function draftRefusal(task: HumanTask, now: string): DraftResult | undefined {
  if (task.purpose !== 'EVALUATION') return { outcome: 'NOT_EVALUATION', task };
  const refused = refusal(task, now);
  if (refused) return refused as DraftResult;
  if (task.declaredAt === undefined) return { outcome: 'NOT_DECLARED', task };
  return undefined;
}

export class DynamoTaskRepository implements TaskRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly purchases: DynamoPurchaseRepository;

  constructor(options: DynamoRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.purchases = new DynamoPurchaseRepository(options);
  }

  async openTask(input: OpenTaskInput): Promise<{ task: HumanTask; created: boolean }> {
    const { purchaseId, stepKey, attempt: taskAttempt, now, purpose = 'APPROVAL' } = input;
    if (taskAttempt === 'ESCALATION' && !stepKey.endsWith(ESCALATED_SUFFIX)) {
      throw new InvalidEscalationStepError(stepKey);
    }
    // The decision of an approval is recorded under its level; without one it would have nowhere to go.
    if (purpose === 'APPROVAL' && input.level === undefined) {
      throw new InvalidTaskError(`the APPROVAL task of step ${stepKey} needs a level`);
    }
    // The purchase item learns the assignee, unless there is none (a task may be opened before it).
    let tellPurchase = true;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const existing = await this.taskOfStep(purchaseId, stepKey);
      if (existing) return { task: await this.renew(existing, input), created: false };

      let superseded: HumanTask | undefined;
      if (taskAttempt === 'ESCALATION') {
        const base = await this.taskOfStep(purchaseId, stepKey.slice(0, -ESCALATED_SUFFIX.length));
        // Decided while the escalation was on its way: that decision stands and is re-delivered.
        if (base?.status === 'DECIDED') return { task: base, created: false };
        if (base?.status === 'PENDING') superseded = base;
      }

      const task: HumanTask = withoutUndefined({
        taskId: randomId(),
        purchaseId,
        stepKey,
        purpose,
        level: input.level,
        attempt: taskAttempt,
        assignee: input.assignee,
        taskToken: input.taskToken,
        nonce: randomId(),
        context: input.context,
        createdAt: now,
        expiresAt: isoInstant(input.expiresAt),
        status: 'PENDING',
        mailsSent: [],
      });
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.step(purchaseId, stepKey),
              entity: 'STEP',
              stepKey,
              taskId: task.taskId,
              at: now,
            },
            // One live task per step: the pointer is written once, by whoever gets there first.
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        this.newTask(task, now),
      ];
      if (superseded) items.push(this.supersede(superseded.taskId, task.taskId, now));
      const viewerIndex = tellPurchase ? items.push(this.addViewer(purchaseId, task.assignee.email)) - 1 : -1;
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { task, created: true };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes && viewerIndex >= 0 && conditionFailed(codes, viewerIndex)) {
          // No purchase item to list the assignee on: the task is opened all the same.
          tellPurchase = false;
          continue;
        }
        // A concurrent open of the same step, or a decision on the task being superseded: look again.
        if (!codes || !lostRace(codes, [0, 2])) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError(`opening the task of step ${stepKey} of purchase ${purchaseId}`, MAX_ATTEMPTS);
  }

  async getTask(taskId: string): Promise<HumanTask | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.task(taskId), ConsistentRead: true }),
    );
    return Item ? taskFromItem(Item) : undefined;
  }

  async reissueTask(input: { taskId: string; now: string }): Promise<ReissueResult> {
    const { now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const previous = await this.getTask(input.taskId);
      if (!previous) return { outcome: 'UNKNOWN' };
      if (previous.status !== 'PENDING') return { outcome: 'NOT_PENDING', task: previous };
      const task: HumanTask = {
        ...previous,
        taskId: randomId(),
        nonce: randomId(),
        createdAt: now,
        mailsSent: [],
      };
      const items: TransactItem[] = [
        this.newTask(task, now),
        this.supersede(previous.taskId, task.taskId, now),
        {
          // The step's one live task is the new one from now on (the workflow re-arms that one).
          Update: {
            TableName: this.tableName,
            Key: keys.step(previous.purchaseId, previous.stepKey),
            UpdateExpression: 'SET taskId = :taskId, #at = :now',
            ConditionExpression: 'taskId = :previous',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':taskId': task.taskId, ':previous': previous.taskId, ':now': now },
          },
        },
      ];
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { outcome: 'REISSUED', task, previous: { ...previous, status: 'SUPERSEDED' } };
      } catch (error) {
        const codes = cancellationCodes(error);
        // Decided, escalated or reissued meanwhile: look again.
        if (!codes || !lostRace(codes, [1, 2])) throw error;
        await backoff(attempt);
      }
    }
    throw new ContentionError(`reissuing task ${input.taskId}`, MAX_ATTEMPTS);
  }

  async recordMailSent(taskId: string, kind: TaskAttempt): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(taskId),
          UpdateExpression: 'SET mailsSent = list_append(mailsSent, :kinds)',
          ConditionExpression: 'attribute_exists(PK) AND NOT contains(mailsSent, :kind)',
          ExpressionAttributeValues: { ':kinds': [kind], ':kind': kind },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if (!(await this.getTask(taskId))) throw new TaskNotFoundError(taskId);
      return false;
    }
  }

  async decide(input: DecideInput): Promise<DecideResult> {
    const { taskId, now } = input;
    return this.changePending<DecideResult>(input, {
      refuse: (task) => refusal(task, now),
      change: (task, purchase) => {
        const decision: RecordedDecision = withoutUndefined({
          decision: input.decision,
          by: task.assignee.email,
          byName: task.assignee.name,
          ...(task.assignee.onBehalfOf ? { onBehalfOf: task.assignee.onBehalfOf } : {}),
          comment: input.comment,
          at: now,
          taskId,
          data: input.data,
        });
        const approval = task.purpose === 'APPROVAL' && task.level !== undefined;
        const meta = new UpdateBuilder();
        if (approval) meta.set(`approvals.${task.level}`, decision);
        // The whole map is written: items from before the later stages have none to set a key in,
        // and the purchase's version condition keeps a concurrent change from being lost.
        else meta.set('decisions', { ...purchase.decisions, [task.stepKey]: decision });
        const detail: Record<string, unknown> = {
          ...(approval ? { level: task.level } : { purpose: task.purpose, stepKey: task.stepKey }),
          decision: input.decision,
          comment: input.comment,
          taskId,
          attempt: task.attempt,
        };
        if (input.data !== undefined) detail.data = input.data;
        if (task.assignee.onBehalfOf) {
          const { name, email } = task.assignee.onBehalfOf;
          detail.onBehalfOf = { name, email };
          detail.delegateName = task.assignee.name;
        }
        return {
          task: {
            update: 'SET #status = :decided, decision = :decision',
            values: { ':decided': 'DECIDED', ':decision': decision },
          },
          purchase: meta,
          audit: {
            actor: task.assignee.email,
            action: approval ? 'approval.decided' : 'task.decided',
            detail,
            eventId: `decide:${taskId}`,
          },
          after: { ...task, status: 'DECIDED', decision },
        };
      },
      done: (task) => ({ outcome: 'DECIDED', task }),
    });
  }

  async declareIndependence(input: PendingInput): Promise<DeclareResult> {
    const { taskId, now } = input;
    const declared = (task: HumanTask): DeclareResult | undefined => {
      if (task.purpose !== 'EVALUATION') return { outcome: 'NOT_EVALUATION', task };
      if (task.declaredAt !== undefined) return { outcome: 'ALREADY_DECLARED', task };
      return refusal(task, now) as DeclareResult | undefined;
    };
    return this.changePending<DeclareResult>(input, {
      refuse: declared,
      change: (task) => {
        return {
          task: {
            update: 'SET declaredAt = :declaredAt',
            // First declaration wins; only an evaluation has anything to declare.
            condition: '#purpose = :evaluation AND attribute_not_exists(declaredAt)',
            names: { '#purpose': 'purpose' },
            values: { ':declaredAt': now, ':evaluation': 'EVALUATION' },
          },
          purchase: new UpdateBuilder(),
          audit: {
            actor: task.assignee.email,
            action: 'evaluation.independence-declared',
            detail: {
              taskId,
              stepKey: task.stepKey,
              assignee: task.assignee.email,
              role: task.assignee.role,
            },
            eventId: `declare:${taskId}`,
          },
          after: { ...task, declaredAt: now },
        };
      },
      done: (task) => ({ outcome: 'DECLARED', task }),
    });
  }

  async saveDraft(input: Parameters<TaskRepository['saveDraft']>[0]): Promise<DraftResult> {
    const { taskId, now } = input;
    const draft = { scores: input.draft.scores, comment: input.draft.comment, savedAt: now };
    return this.changePending<DraftResult>(input, {
      refuse: (task) => draftRefusal(task, now),
      change: (task) => ({
        task: {
          update: 'SET draft = :draft',
          condition: '#purpose = :evaluation AND attribute_exists(declaredAt)',
          names: { '#purpose': 'purpose' },
          values: { ':draft': draft, ':evaluation': 'EVALUATION' },
        },
        purchase: new UpdateBuilder(),
        audit: {
          actor: task.assignee.email,
          action: 'evaluation.draft-saved',
          detail: { taskId, stepKey: task.stepKey, scores: draft.scores, comment: draft.comment },
          eventId: `draft:${taskId}:${now}`,
        },
        after: { ...task, draft },
      }),
      done: (task) => ({ outcome: 'SAVED', task }),
    });
  }

  /**
   * One write on a task that still waits: the task's own change, the purchase's and the audit
   * entry in one transaction, conditional on the task being PENDING, unexpired and the nonce
   * matching. `refuse` judges the stored task before the write and again when a condition
   * failed (someone else, or the clock, got there first).
   */
  private async changePending<R>(
    input: PendingInput,
    steps: {
      refuse: (task: HumanTask) => R | undefined;
      change: (task: HumanTask, purchase: PurchaseRecord) => PendingChange;
      done: (task: HumanTask) => R;
    },
  ): Promise<R | { outcome: 'BAD_NONCE' } | { outcome: 'NOT_FOUND' }> {
    const { taskId, nonce, now } = input;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const task = await this.getTask(taskId);
      if (!task) return { outcome: 'NOT_FOUND' };
      // The nonce comes first: without it a caller learns nothing about the task.
      if (!nonceMatches(task.nonce, nonce)) return { outcome: 'BAD_NONCE' };
      const refused = steps.refuse(task);
      if (refused) return refused;

      const purchase = await this.purchases.getPurchase(task.purchaseId);
      if (!purchase) throw new PurchaseNotFoundError(task.purchaseId);
      const change = steps.change(task, purchase);
      const entry = nextAuditEntry(purchase, { ...change.audit, at: now });
      const own = change.task;
      // The token read is the one the result hands back: a re-arm by a resumed execution in between
      // fails the write, and the next try reads the token that execution waits on.
      const sameWaiter =
        task.taskToken === undefined ? 'attribute_not_exists(taskToken)' : 'taskToken = :token';
      const waiting = `#status = :pending AND nonce = :nonce AND expiresAt > :now AND ${sameWaiter}`;
      const taskUpdate: TransactItem = {
        Update: {
          TableName: this.tableName,
          Key: keys.task(taskId),
          UpdateExpression: own.update,
          ConditionExpression: own.condition === undefined ? waiting : `${waiting} AND ${own.condition}`,
          ExpressionAttributeNames: { '#status': 'status', ...own.names },
          ExpressionAttributeValues: {
            ...own.values,
            ':pending': 'PENDING',
            ':nonce': nonce,
            ':now': isoInstant(now),
            ...(task.taskToken === undefined ? {} : { ':token': task.taskToken }),
          },
        },
      };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              taskUpdate,
              ...auditedWriteItems(this.tableName, purchase, entry, change.purchase),
            ],
          }),
        );
        return steps.done(change.after);
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (conditionFailed(codes, 0) || conditionFailed(codes, 3)) {
          const latest = await this.getTask(taskId);
          const after = latest && steps.refuse(latest);
          if (after) return after;
        } else if (!lostRace(codes, [1, 2])) {
          throw error;
        }
        await backoff(attempt);
      }
    }
    throw new ContentionError(`changing task ${taskId}`, MAX_ATTEMPTS);
  }

  async markDelivered(taskId: string, now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(taskId),
          UpdateExpression: 'SET deliveredAt = :now',
          ConditionExpression: '#status = :decided AND attribute_not_exists(deliveredAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':decided': 'DECIDED' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const task = await this.getTask(taskId);
      if (!task) throw new TaskNotFoundError(taskId);
      // Already recorded by an earlier delivery: the first time stands.
      if (task.deliveredAt !== undefined) return;
      throw new TaskNotDecidedError(taskId, task.status);
    }
  }

  async expireOpenTasks(purchaseId: string, now: string, only?: { step: string }): Promise<string[]> {
    const pending = (await this.listTasks(purchaseId)).filter(
      (t) => t.status === 'PENDING' && (only === undefined || isOfStep(t.stepKey, only.step)),
    );
    const expired: string[] = [];
    for (const task of pending) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.task(task.taskId),
            UpdateExpression: 'SET #status = :expired, expiredAt = :now',
            // Only a task still waiting: a decision that got in first stands.
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':expired': 'EXPIRED', ':pending': 'PENDING', ':now': now },
          }),
        );
        expired.push(task.taskId);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return expired;
  }

  async listTasks(purchaseId: string): Promise<PublicHumanTask[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: GSI1.indexName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey, '#sk': GSI1.sortKey },
      ExpressionAttributeValues: { ':pk': keys.purchase(purchaseId).PK, ':prefix': 'TASK#' },
    });
    return items.map(publicTaskFromItem);
  }

  /** A task's item, written once (listed under its purchase by the time it was created). */
  private newTask(task: HumanTask, now: string): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.task(task.taskId),
          entity: 'TASK',
          [GSI1.partitionKey]: keys.purchase(task.purchaseId).PK,
          [GSI1.sortKey]: `TASK#${now}#${task.taskId}`,
          ...task,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /**
   * The assignee may see the purchase from now on (the list's `viewerEmails`, lower case). A set:
   * adding the same e-mail again changes nothing, and the purchase's version is not moved.
   */
  private addViewer(purchaseId: string, email: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.purchase(purchaseId),
        UpdateExpression: 'ADD viewerEmails :email',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':email': new Set([email.toLowerCase()]) },
      },
    };
  }

  /** A pending task superseded by another (an escalation, or a reissued link): its link stops working. */
  private supersede(taskId: string, by: string, now: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.task(taskId),
        UpdateExpression: 'SET #status = :superseded, supersededAt = :now, supersededBy = :taskId',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':superseded': 'SUPERSEDED',
          ':pending': 'PENDING',
          ':now': now,
          ':taskId': by,
        },
      },
    };
  }

  /** The task a step points to (the step's one live task), read consistently. */
  private async taskOfStep(purchaseId: string, stepKey: string): Promise<HumanTask | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.step(purchaseId, stepKey),
        ConsistentRead: true,
      }),
    );
    return Item ? this.getTask(Item.taskId as string) : undefined;
  }

  /**
   * A step that already has a task gets the newest task token and expiry while it waits;
   * a task that is no longer waiting is returned as it is.
   */
  private async renew(task: HumanTask, input: OpenTaskInput): Promise<HumanTask> {
    if (task.status !== 'PENDING') return task;
    const update = new UpdateBuilder()
      .set('expiresAt', isoInstant(input.expiresAt))
      .set('attempt', input.attempt);
    // A task nobody waits on keeps whatever token it has (none).
    if (input.taskToken !== undefined) update.set('taskToken', input.taskToken);
    update.condition(`${update.name('status')} = ${update.value('PENDING')}`);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(task.taskId),
          ...update.build(),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? taskFromItem(Attributes) : task;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Decided (or superseded) in the meantime: return what it is now.
      return (await this.getTask(task.taskId)) ?? task;
    }
  }
}
