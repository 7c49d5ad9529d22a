import { amendmentDecision, amendmentOf, amendmentStepKey, applyChanges } from '../domain/amendments.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import type { Absences } from '../domain/delegation.js';
import { assigneeFor } from '../domain/escalation.js';
import { officialCalendar } from '../domain/official-calendar.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { approvalStepKey } from '../domain/revision.js';
import { type ApprovalAssignment, assignApprover } from '../domain/separation-of-duties.js';
import { isApproverPurpose, type RecordedDecision, type TaskAttempt } from '../domain/tasks.js';
import { approvalWait } from '../domain/waits.js';
import { waitDeadline } from '../domain/working-days.js';
import { signTaskLink } from '../links/signing.js';
import type { DelegationRepository } from '../ports/repositories.js';
import { passedOverReason } from '../presentation/labels.js';
import { renderTaskMail, taskMailModel } from '../presentation/mail/task-mail.js';
import { type HumanStepPorts, handBack, sendOncePerAttempt } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';
import { closeForWithdrawal } from './withdraw-proposal.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * Asking a person for a decision from a link in an e-mail: the approval of a level, the
 * countersignature, the mid-term review and the decision on a late report. One live task per
 * step; an escalation is a step of its own, taken by the deputy.
 */

export interface RequestDecisionInput {
  purchaseId: string;
  /**
   * APPROVAL of a level; or, by the section chief: the COUNTERSIGN of the contract, the
   * MIDTERM_REVIEW of the report, the decision on a LATE_REPORT. @default 'APPROVAL'
   */
  purpose?: 'APPROVAL' | 'COUNTERSIGN' | 'MIDTERM_REVIEW' | 'LATE_REPORT' | 'AMENDMENT_APPROVAL';
  /** The deciding level (the countersigner acts as SECTION_CHIEF). */
  level: ApprovalLevel;
  /** The round of the stage (contracting: +1 after each refusal; mid-term: +1 after each rectification). */
  round?: number;
  /** MIDTERM_REVIEW: how many rounds there may be in all (rectification is offered while round < maxRounds). */
  maxRounds?: number;
  /** LATE_REPORT: which late decision of the round (1, then +1 after each extension), and the missed deadline. */
  extension?: number;
  deadline?: string;
  /** AMENDMENT_APPROVAL: which amendment (`A1`), and what its budget line had left when the level was planned. */
  amendmentId?: string;
  lineAvailableFen?: number | null;
  attempt: TaskAttempt;
  taskToken: string;
}

/** The delegations too: an approver away has named who decides for them (delegation.ts). */
export type RequestDecisionDeps = WorkflowDeps & HumanStepPorts & { delegations: DelegationRepository };

/**
 * One live task per purpose, level and round; the escalation is a step of its own. A level asked
 * again after the revision it returned the proposal for is a new step (approvalStepKey).
 */
function stepKeyOf(input: RequestDecisionInput, purchase: Pick<PurchaseRecord, 'revisions'>): string {
  const round = input.round ?? 1;
  if (input.purpose === 'AMENDMENT_APPROVAL') {
    const key = amendmentStepKey(input.amendmentId ?? '', input.level);
    return input.attempt === 'ESCALATION' ? `${key}:ESCALATED` : key;
  }
  const base =
    input.purpose === 'COUNTERSIGN'
      ? `COUNTERSIGN:${round}`
      : input.purpose === 'MIDTERM_REVIEW'
        ? `MIDTERM_REVIEW:${round}`
        : input.purpose === 'LATE_REPORT'
          ? `LATE_REPORT:${round}:${input.extension ?? 1}`
          : approvalStepKey(input.level, purchase.revisions);
  return input.attempt === 'ESCALATION' ? `${base}:ESCALATED` : base;
}

/** Facts the task's page shows (never a secret). */
function contextOf(input: RequestDecisionInput): Record<string, string | number> | undefined {
  switch (input.purpose) {
    case 'COUNTERSIGN':
      return { round: input.round ?? 1 };
    case 'MIDTERM_REVIEW':
      return { round: input.round ?? 1, maxRounds: input.maxRounds ?? 1 };
    case 'AMENDMENT_APPROVAL':
      return {
        amendment: input.amendmentId ?? '',
        ...(typeof input.lineAvailableFen === 'number' ? { lineAvailableFen: input.lineAvailableFen } : {}),
      };
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
 * Who is asked: for an approval, whoever separation of duties lets decide the level (its approver,
 * the deputy, or the administrator's queue); for the section chief's other steps, the chief, and
 * the deputy on escalation.
 */
function assignmentOf(
  deps: RequestDecisionDeps,
  input: RequestDecisionInput,
  purchase: PurchaseRecord,
  absences: Absences,
): ApprovalAssignment {
  const { approval } = deps.settings;
  if (!isApproverPurpose(input.purpose ?? 'APPROVAL'))
    return { assignee: assigneeFor(approval, input.level, input.attempt, absences), passedOver: [] };
  const amendment =
    input.purpose === 'AMENDMENT_APPROVAL' ? amendmentOf(purchase, input.amendmentId) : undefined;
  return assignApprover(
    approval,
    input.level,
    input.attempt,
    {
      registeredBy: purchase.createdBy,
      ...(amendment ? { amendmentRequestedBy: amendment.requestedBy } : {}),
      approvals: purchase.approvals,
    },
    absences,
  );
}

/**
 * The purchase as an amendment's approver is asked about it: the contract as amended, and the
 * levels' approvals being the amendment's (separation of duties reads them, beside who registered
 * the purchase and who asked for the amendment).
 */
function asAsked(purchase: PurchaseRecord, input: RequestDecisionInput): PurchaseRecord {
  if (input.purpose !== 'AMENDMENT_APPROVAL') return purchase;
  const amendment = amendmentOf(purchase, input.amendmentId);
  if (!amendment) throw new Error(`purchase ${purchase.purchaseId} has no amendment ${input.amendmentId}`);
  const approvals = Object.fromEntries(
    amendment.levels.flatMap((level) => {
      const decision = amendmentDecision(purchase, amendment.id, level);
      return decision ? [[level, decision]] : [];
    }),
  );
  return {
    ...purchase,
    proposal: applyChanges(purchase.proposal, amendment.changes),
    approvals,
  };
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
  const purchase = asAsked(await loadPurchase(deps, input.purchaseId), input);
  const now = deps.now();
  // The escalation goes to the deputy whoever is away: only the first ask and reminder read them.
  const absences: Absences = {
    delegations: input.attempt === 'ESCALATION' ? [] : (await deps.delegations.list()).delegations,
    now,
  };
  const { assignee, passedOver } = assignmentOf(deps, input, purchase, absences);
  const purpose = input.purpose ?? 'APPROVAL';
  const stepKey = stepKeyOf(input, purchase);
  // The link lives as long as the attempt waits (working days on the official calendar when set).
  const expiresAt = new Date(
    waitDeadline(Date.parse(now), approvalWait(deps.settings), officialCalendar(deps.settings)).at,
  ).toISOString();
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
  // A task opened by an earlier attempt keeps its assignee: the reminder goes to whoever holds its
  // link, even when a delegation began or ended since the first ask (the link records their name).
  const holder = task.assignee;
  const asked = await deps.purchases.change({
    purchaseId: input.purchaseId,
    audit: {
      actor: WORKFLOW_ACTOR,
      action: purpose === 'APPROVAL' ? 'approval.requested' : 'task.requested',
      detail: {
        purpose,
        level: input.level,
        attempt: input.attempt,
        assignee: holder.email,
        ...(holder.onBehalfOf
          ? { onBehalfOf: { name: holder.onBehalfOf.name, email: holder.onBehalfOf.email } }
          : {}),
        ...(passedOver.length > 0
          ? { passedOver: passedOver.map((p) => ({ email: p.email, ...p.conflict })) }
          : {}),
        taskCreated: created,
      },
    },
    eventId: `${purpose === 'APPROVAL' ? 'approval' : 'task'}.requested:${stepKey}:${input.attempt}`,
    now,
  });
  // Written after the task was opened, so it sees a withdrawal the withdrawing officer's closing of
  // open tasks may have missed: nobody is mailed, and the step is handed WITHDRAWN now.
  if (asked.withdrawal) {
    await closeForWithdrawal(deps, asked);
    return { taskId: task.taskId };
  }
  await sendOncePerAttempt(deps.tasks, task.taskId, input.attempt, async () => {
    const link = signTaskLink(deps.baseUrl, task.taskId, await deps.linkKey());
    const approver = deps.settings.approval.approvers[input.level];
    const mail = renderTaskMail(
      taskMailModel({
        purpose,
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        level: input.level,
        ...(isApproverPurpose(purpose) ? {} : { round: input.round ?? 1 }),
        ...(input.deadline ? { dueDate: chinaCalendarDate(input.deadline) } : {}),
        attempt: input.attempt,
        link,
        expiresAt: task.expiresAt,
        recipientName: holder.name,
        notAnsweredBy: input.attempt === 'ESCALATION' ? approver : undefined,
        passedOver: passedOver.map(passedOverReason),
        ...(holder.onBehalfOf ? { onBehalfOf: holder.onBehalfOf } : {}),
      }),
    );
    await deps.mailer.send({ to: holder.email, ...mail });
  });
  return { taskId: task.taskId };
}
