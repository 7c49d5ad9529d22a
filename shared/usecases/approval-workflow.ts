import { requiredApprovalLevels } from '../domain/approval-chain.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { formatYuan } from '../domain/money.js';
import { checkProposalPolicy } from '../domain/policy.js';
import type { ApprovalLevel, PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { Assignee, RecordedDecision, TaskAttempt } from '../domain/tasks.js';
import { isBarred } from '../domain/track-record.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import { signTaskLink } from '../links/signing.js';
import type { Now } from '../ports/clock.js';
import type { Mailer } from '../ports/mailer.js';
import type {
  BudgetRepository,
  PurchaseRepository,
  TaskRepository,
  TrackRecordRepository,
} from '../ports/repositories.js';
import { outcomeMailModel, renderOutcomeMail } from '../presentation/mail/outcome-mail.js';
import { renderTaskMail, taskMailModel } from '../presentation/mail/task-mail.js';
import { type HumanStepPorts, handBack, sendOncePerAttempt } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';
import { onceForPurchase } from './once.js';

/**
 * The steps of the proposal and approval stages, one function per Task state of the
 * workflow. Each is safe to run twice with the same input: every write is named by an
 * eventId, so a Step Functions retry or a resumed execution changes nothing twice.
 */
export interface WorkflowDeps {
  purchases: PurchaseRepository;
  budgets: BudgetRepository;
  tasks: TaskRepository;
  settings: PolicySettings;
  now: Now;
  /** Tells the purchasing officer how the approval ended (steps that end it). */
  mailer?: Mailer;
  /** NGOs' evaluations: one that failed bars the NGO from new purchases for the following year. */
  trackRecords?: TrackRecordRepository;
}

/** Re-checks every policy rule with the settings in force now (they may have changed since submission). */
export async function validateProposal(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  const errors = checkProposalPolicy(purchase.proposal, deps.settings);
  if (errors.length > 0) {
    throw new PurchaseRefused('POLICY', errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  if (deps.trackRecords) {
    const bar = await ngoBar(deps.trackRecords, purchase.proposal.ngo.creditCode, deps.now());
    if (bar.barred) throw new PurchaseRefused('NGO_BARRED', bar.reason?.en ?? 'the NGO is barred');
  }
}

/** Whether an NGO is barred today (China date) by a failed evaluation of the year before. */
export async function ngoBar(trackRecords: TrackRecordRepository, creditCode: string, now: string) {
  return isBarred(await trackRecords.listEvaluations(creditCode), chinaCalendarDate(now));
}

/** Reserves the amount on the proposal's budget line; two proposals cannot both take the last money. */
export async function reserveBudget(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  const { budgetLineRef: lineId, totalFen } = purchase.proposal;
  const configured = deps.settings.budgetLines.find((l) => l.lineId === lineId);
  if (configured) await deps.budgets.ensureBudgetLine(configured);
  const now = deps.now();
  const result = await deps.budgets.reserve({ lineId, purchaseId, amountFen: totalFen, now });
  if (result.status === 'NO_SUCH_LINE') {
    throw new PurchaseRefused('BUDGET', `budget line ${lineId} does not exist`);
  }
  if (result.status === 'INSUFFICIENT') {
    throw new PurchaseRefused(
      'BUDGET',
      `budget line ${lineId} has ${formatYuan(result.availableFen)} left; the proposal needs ${formatYuan(totalFen)}`,
    );
  }
  await deps.purchases.change({
    purchaseId,
    set: { budget: { lineId, amountFen: totalFen, status: 'RESERVED', at: now } },
    audit: { actor: WORKFLOW_ACTOR, action: 'budget.reserved', detail: { lineId, amountFen: totalFen } },
    eventId: 'budget.reserved',
    now,
  });
}

/**
 * Moves the purchase into APPROVAL with the levels the thresholds require, and names the
 * next level still to decide (`null` when every level approved). The workflow comes back
 * here after each approval, so what DynamoDB holds always decides the next step.
 */
export async function planApproval(
  deps: WorkflowDeps,
  purchaseId: string,
): Promise<{ next: ApprovalLevel | null; remaining: ApprovalLevel[] }> {
  let purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage === 'PROPOSAL') {
    const levels = requiredApprovalLevels(purchase.proposal.totalFen, deps.settings);
    purchase = await deps.purchases.change({
      purchaseId,
      from: 'PROPOSAL',
      to: 'APPROVAL',
      set: { approvalLevels: levels },
      audit: { actor: WORKFLOW_ACTOR, action: 'approval.planned', detail: { levels } },
      eventId: 'approval.planned',
      now: deps.now(),
    });
  }
  const rejection = Object.values(purchase.approvals).find((d) => d?.decision === 'REJECT');
  if (rejection)
    throw new PurchaseRefused('REJECTED', `rejected by ${rejection.byName}: ${rejection.comment}`);
  const remaining = purchase.approvalLevels.filter((level) => !purchase.approvals[level]);
  return { next: remaining[0] ?? null, remaining };
}

function assigneeFor(settings: PolicySettings, level: ApprovalLevel, attempt: TaskAttempt): Assignee {
  const approval = settings.approval;
  if (attempt === 'ESCALATION') return { ...approval.deputy, role: 'DEPUTY' };
  return { ...approval.approvers[level], role: level };
}

export interface RequestDecisionInput {
  purchaseId: string;
  /**
   * APPROVAL of a level; or, by the section chief: the COUNTERSIGN of the contract, the
   * MIDTERM_REVIEW of the report, the decision on a LATE_REPORT. @default 'APPROVAL'
   */
  purpose?: 'APPROVAL' | 'COUNTERSIGN' | 'MIDTERM_REVIEW' | 'LATE_REPORT';
  /** The deciding level (the countersigner acts as SECTION_CHIEF). */
  level: ApprovalLevel;
  /** The round of the stage (contracting: +1 after each refusal; mid-term: +1 after each rectification). */
  round?: number;
  /** MIDTERM_REVIEW: how many rounds there may be in all (rectification is offered while round < maxRounds). */
  maxRounds?: number;
  /** LATE_REPORT: which late decision of the round (1, then +1 after each extension), and the missed deadline. */
  extension?: number;
  deadline?: string;
  attempt: TaskAttempt;
  taskToken: string;
}

export type RequestDecisionDeps = WorkflowDeps & HumanStepPorts;

/** One live task per purpose, level and round; the escalation is a step of its own. */
function stepKeyOf(input: RequestDecisionInput): string {
  const round = input.round ?? 1;
  const base =
    input.purpose === 'COUNTERSIGN'
      ? `COUNTERSIGN:${round}`
      : input.purpose === 'MIDTERM_REVIEW'
        ? `MIDTERM_REVIEW:${round}`
        : input.purpose === 'LATE_REPORT'
          ? `LATE_REPORT:${round}:${input.extension ?? 1}`
          : `APPROVAL:${input.level}`;
  return input.attempt === 'ESCALATION' ? `${base}:ESCALATED` : base;
}

/** Facts the task's page shows (never a secret). */
function contextOf(input: RequestDecisionInput): Record<string, string | number> | undefined {
  switch (input.purpose) {
    case 'COUNTERSIGN':
      return { round: input.round ?? 1 };
    case 'MIDTERM_REVIEW':
      return { round: input.round ?? 1, maxRounds: input.maxRounds ?? 1 };
    case 'LATE_REPORT':
      return {
        round: input.round ?? 1,
        extension: input.extension ?? 1,
        ...(input.deadline ? { dueDate: chinaCalendarDate(input.deadline) } : {}),
      };
    default:
      return undefined;
  }
}

/** What the waiting Task state receives when the person decides. */
export type DecisionOutput = Pick<RecordedDecision, 'decision' | 'by' | 'comment' | 'taskId'>;

export function decisionOutput(decision: RecordedDecision): DecisionOutput {
  return { decision: decision.decision, by: decision.by, comment: decision.comment, taskId: decision.taskId };
}

/**
 * Opens (or re-arms with the new token) the human task of one approval level and e-mails
 * its link once per attempt. When a resumed execution finds the decision already recorded,
 * it hands that decision straight back instead of asking again.
 */
export async function requestDecision(
  deps: RequestDecisionDeps,
  input: RequestDecisionInput,
): Promise<{ taskId: string }> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  const assignee = assigneeFor(deps.settings, input.level, input.attempt);
  const purpose = input.purpose ?? 'APPROVAL';
  const stepKey = stepKeyOf(input);
  const expiresAt = new Date(Date.parse(now) + deps.settings.approval.timeoutSeconds * 1000).toISOString();
  const { task, created } = await deps.tasks.openTask({
    purchaseId: input.purchaseId,
    stepKey,
    purpose,
    level: input.level,
    ...(contextOf(input) ? { context: contextOf(input) } : {}),
    attempt: input.attempt,
    assignee,
    taskToken: input.taskToken,
    expiresAt,
    now,
  });
  if (task.status === 'SUPERSEDED' && input.attempt !== 'ESCALATION') {
    // A resumed execution asks a level that was already escalated: the deputy's task is the
    // live one, so re-arm that with this execution's token (its mail went out already).
    return requestDecision(deps, { ...input, attempt: 'ESCALATION' });
  }
  if (task.status === 'DECIDED' && task.decision) {
    if (await handBack(deps.callbacks, input.taskToken, decisionOutput(task.decision))) {
      await deps.tasks.markDelivered(task.taskId, deps.now());
    }
    return { taskId: task.taskId };
  }
  await deps.purchases.change({
    purchaseId: input.purchaseId,
    audit: {
      actor: WORKFLOW_ACTOR,
      action: purpose === 'APPROVAL' ? 'approval.requested' : 'task.requested',
      detail: {
        purpose,
        level: input.level,
        attempt: input.attempt,
        assignee: assignee.email,
        taskCreated: created,
      },
    },
    eventId: `${purpose === 'APPROVAL' ? 'approval' : 'task'}.requested:${stepKey}:${input.attempt}`,
    now,
  });
  await sendOncePerAttempt(deps.tasks, task.taskId, input.attempt, async () => {
    const link = signTaskLink(deps.baseUrl, task.taskId, await deps.linkKey());
    const approver = deps.settings.approval.approvers[input.level];
    const mail = renderTaskMail(
      taskMailModel({
        purpose,
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        level: input.level,
        ...(purpose !== 'APPROVAL' ? { round: input.round ?? 1 } : {}),
        ...(input.deadline ? { dueDate: chinaCalendarDate(input.deadline) } : {}),
        attempt: input.attempt,
        link,
        expiresAt: task.expiresAt,
        recipientName: assignee.name,
        notAnsweredBy: input.attempt === 'ESCALATION' ? approver : undefined,
      }),
    );
    await deps.mailer.send({ to: assignee.email, ...mail });
  });
  return { taskId: task.taskId };
}

/** Every required level approved: the purchase leaves APPROVAL for CONTRACTING. */
export async function concludeApproval(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage !== 'APPROVAL') {
    // A retry after the move: only the notification may still be missing.
    if (purchase.outcome?.result === 'APPROVED') await notifyOfficer(deps, purchase);
    return;
  }
  const missing = purchase.approvalLevels.filter((l) => purchase.approvals[l]?.decision !== 'APPROVE');
  if (missing.length > 0) {
    // The state machine only gets here after every level approved; anything else is a bug, loudly.
    throw new Error(`purchase ${purchaseId} lacks approval at ${missing.join(', ')}`);
  }
  const last = purchase.approvals[purchase.approvalLevels.at(-1) as ApprovalLevel] as RecordedDecision;
  const now = deps.now();
  const approved = await deps.purchases.change({
    purchaseId,
    from: 'APPROVAL',
    to: 'CONTRACTING',
    set: {
      outcome: {
        result: 'APPROVED',
        reason: `approved at every level (${purchase.approvalLevels.join(' → ')})`,
        by: last.by,
        at: now,
      },
    },
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'purchase.approved',
      detail: { levels: purchase.approvalLevels },
    },
    eventId: 'purchase.approved',
    now,
  });
  await notifyOfficer(deps, approved);
}

/** Tells the officer who registered the purchase how the approval ended, when they signed in with an e-mail. */
async function notifyOfficer(deps: WorkflowDeps, purchase: PurchaseRecord): Promise<void> {
  const { mailer } = deps;
  const { outcome, createdBy: to } = purchase;
  if (!mailer || !outcome || !to.includes('@')) return;
  const mail = renderOutcomeMail(
    outcomeMailModel({
      purchaseId: purchase.purchaseId,
      proposal: purchase.proposal,
      outcome,
      recipientName: to,
    }),
  );
  await onceForPurchase(
    deps,
    purchase,
    'officer.notified',
    { actor: WORKFLOW_ACTOR, action: 'officer.notified', detail: { to, result: outcome.result } },
    () => mailer.send({ to, ...mail }),
  );
}

/** Turns the workflow's failure record ({Error, Cause}) into a sentence for people. */
export function rejectionReason(error: string | undefined, cause: string | undefined): string {
  let message = cause ?? '';
  try {
    const parsed = JSON.parse(cause ?? '') as { errorMessage?: string };
    if (parsed.errorMessage) message = parsed.errorMessage;
  } catch {
    // A Fail state's cause is plain text already.
  }
  return `${error ?? 'Rejected'}: ${message}`.trim();
}

/** Ends the purchase REJECTED with its reason and gives its budget back. */
export async function rejectPurchase(
  deps: WorkflowDeps,
  input: { purchaseId: string; error?: string; cause?: string },
): Promise<void> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  if (purchase.budget?.status === 'RESERVED') {
    await deps.budgets.release({ lineId: purchase.budget.lineId, purchaseId: purchase.purchaseId, now });
    await deps.purchases.change({
      purchaseId: purchase.purchaseId,
      set: { budget: { ...purchase.budget, status: 'RELEASED', at: now } },
      audit: { actor: WORKFLOW_ACTOR, action: 'budget.released', detail: { lineId: purchase.budget.lineId } },
      eventId: 'budget.released',
      now,
    });
  }
  // Links still open (the lapsed escalation, a level never reached) now answer 410.
  await deps.tasks.expireOpenTasks(purchase.purchaseId, now);
  if (purchase.stage === 'REJECTED') {
    await notifyOfficer(deps, purchase);
    return;
  }
  const rejection = Object.values(purchase.approvals).find((d) => d?.decision === 'REJECT');
  const reason = rejection
    ? `rejected by ${rejection.byName} (${rejection.by}): ${rejection.comment}`
    : rejectionReason(input.error, input.cause);
  const rejected = await deps.purchases.change({
    purchaseId: purchase.purchaseId,
    from: purchase.stage,
    to: 'REJECTED',
    set: { outcome: { result: 'REJECTED', reason, by: rejection?.by ?? WORKFLOW_ACTOR, at: now } },
    audit: { actor: rejection?.by ?? WORKFLOW_ACTOR, action: 'purchase.rejected', detail: { reason } },
    eventId: 'purchase.rejected',
    now,
  });
  await notifyOfficer(deps, rejected);
}
