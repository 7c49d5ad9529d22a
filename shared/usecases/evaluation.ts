import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import {
  assignAgency,
  type FinalTrancheDecision,
  finalTrancheAward,
  finalTrancheDecision,
  type Grade,
  NoIndependentAgencyError,
} from '../domain/evaluation.js';
import {
  type AgencyChange,
  agencyChange,
  assignedIn,
  evaluationRound,
  evaluationStepKey,
  stepAsides,
  submittedEvaluation,
} from '../domain/evaluation-assignment.js';
import { type HandOver, handOverBefore, type PlanContext } from '../domain/execution-budget.js';
import type { EvaluationAgency } from '../domain/lifecycle-settings.js';
import { officialCalendar } from '../domain/official-calendar.js';
import { outstandingTranches, paidFen } from '../domain/payment-records.js';
import { tranchePlan } from '../domain/payments.js';
import type { EvaluationRecord, PurchaseRecord } from '../domain/purchase.js';
import type { RecordedDecision, TaskAttempt } from '../domain/tasks.js';
import { trackRecordEntry } from '../domain/track-record.js';
import { afterGraces, evaluationWait, reportGrace } from '../domain/waits.js';
import { type AttemptTimeouts, attemptTimeouts, secondsUntil, waitDeadline } from '../domain/working-days.js';
import { signTaskLink } from '../links/signing.js';
import type { TrackRecordRepository } from '../ports/repositories.js';
import { noAgencyLeftMailModel, renderNoAgencyLeftMail } from '../presentation/mail/evaluation-mail.js';
import { renderTaskMail, taskMailModel } from '../presentation/mail/task-mail.js';
import type { ContractingDeps } from './contracting.js';
import { type HumanStepPorts, handBack, sendOncePerAttempt } from './human-steps.js';
import { loadPurchase } from './load-purchase.js';
import { decisionOutput } from './request-decision.js';

/**
 * The third-party evaluation and closing. After the mid-term review the NGO uploads its final
 * report; an independent agency from the roster (never one linked to the NGO or the bureau)
 * declares its independence and scores the project; the grade decides the final tranche (paid
 * in full, reduced to the grade's share, or withheld) and goes into the NGO's track record; the purchase closes.
 */

export interface EvaluationDeps extends ContractingDeps {
  trackRecords: TrackRecordRepository;
}

export type RequestEvaluationDeps = EvaluationDeps & HumanStepPorts;

export type EvaluationStep =
  | {
      next: 'AWAIT_FINAL_REPORT';
      since: string;
      deadline: string;
      /** From now to the deadline, then the reminder's grace, then the escalation's. */
      waitSeconds: number;
      graceSeconds: number;
      escalationSeconds: number;
    }
  | { next: 'EVALUATE'; timeouts: AttemptTimeouts }
  | { next: 'DONE'; grade: Grade; totalTenths: number };

/** The scores an agency submitted, in whichever round of the evaluation. */
function submitted(purchase: PurchaseRecord): RecordedDecision | undefined {
  return submittedEvaluation(purchase.decisions);
}

/**
 * The next step of the evaluation, or a hand-over to a fresh execution when that step could outlast
 * this one: a final report due years after the mid-term review is waited for in slices.
 */
export async function planEvaluation(
  deps: ContractingDeps,
  purchaseId: string,
  execution: PlanContext = {},
): Promise<EvaluationStep | HandOver> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.evaluation?.grade && purchase.evaluation.total !== undefined) {
    return {
      next: 'DONE',
      grade: purchase.evaluation.grade as Grade,
      totalTenths: purchase.evaluation.total,
    };
  }
  const decision = submitted(purchase);
  if (decision) {
    const data = decision.data as { grade: Grade; totalTenths: number };
    return { next: 'DONE', grade: data.grade, totalTenths: data.totalTenths };
  }
  const since = purchase.midterm?.passedAt ?? purchase.contract?.signedAt ?? purchase.createdAt;
  const report = (await deps.deliverables.listDeliverables(purchaseId)).some(
    (d) =>
      d.kind === 'FINAL_REPORT' && d.status === 'ACCEPTED' && Date.parse(d.uploadedAt) >= Date.parse(since),
  );
  // A report that never came is recorded, and the agency evaluates what there is.
  const gaveUp = (await deps.purchases.listAudit(purchaseId)).some(
    (e) => e.action === 'final-report.missing',
  );
  const now = Date.parse(deps.now());
  if (report || gaveUp || purchase.evaluation?.agencyId) {
    // The agency's wait, on the official calendar when it counts working days.
    const timeouts = attemptTimeouts(now, evaluationWait(deps.lifecycle), officialCalendar(deps.policy));
    return handOverBefore({ ...execution, now: deps.now() }, timeouts) ?? { next: 'EVALUATE', timeouts };
  }
  const due =
    purchase.proposal.deliverables.find((d) => d.kind === 'FINAL_REPORT')?.dueDate ??
    purchase.proposal.term.end;
  const grace = reportGrace(deps.lifecycle);
  const calendar = officialCalendar(deps.policy);
  const dueAt = Date.parse(`${due}T23:59:59.999+08:00`);
  const deadline = afterGraces(dueAt, grace, 1, calendar);
  // The report is awaited to the deadline, then through a reminder and an escalation of one grace each.
  const reminded = afterGraces(Math.max(deadline, now), grace, 1, calendar);
  const escalated = afterGraces(reminded, grace, 1, calendar);
  const handOver = handOverBefore(
    { ...execution, now: deps.now() },
    { endsBy: escalated, waitsUntil: dueAt },
  );
  if (handOver) return handOver;
  return {
    next: 'AWAIT_FINAL_REPORT',
    since,
    deadline: new Date(deadline).toISOString(),
    waitSeconds: secondsUntil(deadline, now),
    graceSeconds: secondsUntil(reminded, Math.max(deadline, now)),
    escalationSeconds: secondsUntil(escalated, reminded),
  };
}

/** The NGO sent no final report after the reminder and the escalation: recorded, and the evaluation goes on. */
export async function recordMissingFinalReport(deps: ContractingDeps, purchaseId: string): Promise<void> {
  await deps.purchases.change({
    purchaseId,
    audit: { actor: WORKFLOW_ACTOR, action: 'final-report.missing', detail: {} },
    eventId: 'final-report.missing',
    now: deps.now(),
  });
}

/**
 * Assigns an independent agency and gives it the evaluation link: the page asks it to declare
 * independence (or to decline, or to declare a conflict) before it sees any file. A new agency is
 * assigned at the first ask, once on escalation, and at once after the current agency declined
 * or declared a conflict (a new round: the execution resumed with that decision asks again).
 * When no independent agency is left the officer and the administrator are told, and the step
 * fails with NoIndependentAgencyError, which the workflow records on the purchase.
 */
export async function requestEvaluation(
  deps: RequestEvaluationDeps,
  input: { purchaseId: string; attempt: TaskAttempt; taskToken: string },
): Promise<{ taskId: string; agencyId: string }> {
  let purchase = await loadPurchase(deps, input.purchaseId);
  const roster = deps.lifecycle.evaluation.agencies;
  const round = evaluationRound(purchase.decisions);
  const change = agencyChange(purchase.evaluation, round, input.attempt);
  if (change.assign) purchase = await assignNextAgency(deps, purchase, round, input.attempt, change);
  const evaluation = purchase.evaluation as EvaluationRecord;
  const { agencyId } = evaluation;
  const agency = roster.find((a) => a.id === agencyId);
  if (!agency) throw new Error(`agency ${agencyId} is not in the roster`);
  // A resumed execution asks the round's first attempt again after its escalation: the escalated
  // agency's task is the live one (its mail went out already).
  const assigned = assignedIn(evaluation);
  const step = assigned.round === round && assigned.attempt === 'ESCALATION' ? 'ESCALATION' : input.attempt;
  const now = deps.now();
  const { task } = await deps.tasks.openTask({
    purchaseId: purchase.purchaseId,
    stepKey: evaluationStepKey(round, step),
    purpose: 'EVALUATION',
    attempt: step,
    assignee: { name: agency.name, email: agency.email, role: 'EVALUATOR' },
    taskToken: input.taskToken,
    context: { agencyId },
    expiresAt: new Date(
      waitDeadline(Date.parse(now), evaluationWait(deps.lifecycle), officialCalendar(deps.policy)).at,
    ).toISOString(),
    now,
  });
  if (task.status === 'DECIDED' && task.decision) {
    if (await handBack(deps.callbacks, input.taskToken, decisionOutput(task.decision))) {
      await deps.tasks.markDelivered(task.taskId, deps.now());
    }
    return { taskId: task.taskId, agencyId };
  }
  // An agency taking over on escalation is asked afresh; the reminder goes to the same agency.
  const kind: TaskAttempt = input.attempt === 'REMINDER' ? 'REMINDER' : 'FIRST';
  await sendOncePerAttempt(deps.tasks, task.taskId, kind, async () => {
    const mail = renderTaskMail(
      taskMailModel({
        purpose: 'EVALUATION',
        purchaseId: purchase.purchaseId,
        proposal: purchase.proposal,
        attempt: kind,
        link: signTaskLink(deps.baseUrl, task.taskId, await deps.linkKey()),
        expiresAt: task.expiresAt,
        recipientName: agency.name,
      }),
    );
    await deps.mailer.send({ to: agency.email, ...mail });
  });
  return { taskId: task.taskId, agencyId };
}

/**
 * Records the next independent agency as the purchase's evaluator (with the agencies no longer
 * asked and why the last one was replaced), once per round and attempt. None left: the officer
 * and the administrator are mailed, and NoIndependentAgencyError ends the step.
 */
async function assignNextAgency(
  deps: RequestEvaluationDeps,
  purchase: PurchaseRecord,
  round: number,
  attempt: TaskAttempt,
  change: Extract<AgencyChange, { assign: true }>,
): Promise<PurchaseRecord> {
  const roster = deps.lifecycle.evaluation.agencies;
  let agency: EvaluationAgency;
  try {
    agency = assignAgency(roster, {
      ngoCreditCode: purchase.proposal.ngo.creditCode,
      purchaseId: purchase.purchaseId,
      exclude: change.exclude,
    });
  } catch (error) {
    if (error instanceof NoIndependentAgencyError) await tellNoAgencyLeft(deps, purchase, error);
    throw error;
  }
  const assignedAt = attempt === 'ESCALATION' ? 'ESCALATION' : 'FIRST';
  const stepAside = change.replaces === undefined ? undefined : stepAsides(purchase.decisions).at(-1);
  // Why the agency before was replaced: its decline or conflict when it stepped aside, else its silence.
  const because =
    change.replaces === undefined
      ? null
      : assignedAt === 'ESCALATION'
        ? 'NO_ANSWER'
        : (stepAside?.decision ?? null);
  return deps.purchases.change({
    purchaseId: purchase.purchaseId,
    set: {
      evaluation: {
        ...purchase.evaluation,
        agencyId: agency.id,
        excludedAgencies: change.exclude,
        assignedIn: { round, attempt: assignedAt },
      },
    },
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'evaluation.assigned',
      detail: { agencyId: agency.id, replaces: change.replaces ?? null, because, round },
    },
    // The first round keeps the event ids from before rounds were counted.
    eventId: `evaluation.assigned:${round === 1 ? '' : `${round}:`}${assignedAt === 'ESCALATION' ? 'escalation' : 'first'}`,
    now: deps.now(),
  });
}

/** The officer who registered the purchase and the administrator learn that nobody is left to evaluate. */
async function tellNoAgencyLeft(
  deps: RequestEvaluationDeps,
  purchase: PurchaseRecord,
  error: NoIndependentAgencyError,
): Promise<void> {
  const administrator = deps.policy.approval.administrator?.email;
  const to = [...new Set([purchase.createdBy, ...(administrator ? [administrator] : [])])];
  const mail = renderNoAgencyLeftMail(
    noAgencyLeftMailModel({
      purchaseId: purchase.purchaseId,
      proposal: purchase.proposal,
      skipped: error.skipped,
    }),
  );
  await deps.mailer.send({ to, ...mail });
}

/**
 * Records the grade, adds it to the NGO's track record and decides the final tranche by the
 * grade's share (lifecycle.evaluation.finalTrancheShare): paid in full, reduced, or withheld (on a
 * fail, or when no agency submitted a score at all). The award is decided once and kept on the
 * evaluation record: a retry after the settings changed pays what was decided.
 */
export async function concludeEvaluation(
  deps: EvaluationDeps,
  purchaseId: string,
): Promise<{ finalTranche: FinalTrancheDecision }> {
  const purchase = await loadPurchase(deps, purchaseId);
  const decision = submitted(purchase);
  const now = deps.now();
  const grade = (decision?.data?.grade as Grade | undefined) ?? undefined;
  const total = decision?.data?.totalTenths as number | undefined;
  const shares = deps.lifecycle.evaluation.finalTrancheShare;
  const last = tranchePlan(purchase.proposal).find((t) => t.milestone === 'EVALUATION_PASSED');
  const award =
    purchase.evaluation?.finalTranche ??
    (last ? finalTrancheAward(grade, last.amountFen, shares) : undefined);
  const finalTranche = award?.decision ?? (grade ? finalTrancheDecision(grade, shares) : 'WITHHOLD');
  if (grade && total !== undefined) {
    const entry = trackRecordEntry({ purchaseId, grade, total, evaluatedAt: decision?.at ?? now });
    await deps.trackRecords.addEvaluation(purchase.proposal.ngo.creditCode, entry);
  }
  if (!purchase.evaluation?.grade) {
    await deps.purchases.change({
      purchaseId,
      set: {
        evaluation: {
          ...(purchase.evaluation ?? { agencyId: 'none' }),
          ...(grade ? { grade, total } : {}),
          evaluatedAt: decision?.at ?? now,
          ...(award ? { finalTranche: award } : {}),
        },
      },
      audit: {
        actor: decision?.by ?? WORKFLOW_ACTOR,
        action: 'evaluation.concluded',
        detail: {
          grade: grade ?? 'NONE',
          totalTenths: total ?? null,
          finalTranche,
          ...(award
            ? { sharePercent: award.sharePercent, plannedFen: award.plannedFen, amountFen: award.amountFen }
            : {}),
        },
      },
      eventId: 'evaluation.concluded',
      now,
    });
  }
  if (finalTranche === 'WITHHOLD' && last) {
    await deps.payments.closePayment({
      purchaseId,
      tranche: last.tranche,
      milestone: last.milestone,
      amountFen: last.amountFen,
      status: 'WITHHELD',
      reason: grade ? `third-party evaluation graded ${grade}` : 'no evaluation was submitted',
      now,
    });
  }
  return { finalTranche };
}

/**
 * Asked to close a purchase with a tranche still due: the closing step waits for every tranche to be
 * paid or waived (awaitSettlement) before it closes, so this is a bug in the workflow.
 */
export class TranchesOutstandingError extends Error {
  override name = 'TranchesOutstandingError';
}

/**
 * The purchase ends CLOSED once every tranche it made due is settled (paid, waived, withheld or
 * cancelled; TranchesOutstandingError otherwise): the budget not paid out (a reduction, a waiver,
 * a withheld tranche) returns to its line; the audit chain is checked.
 */
export async function closePurchase(deps: EvaluationDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage !== 'EVALUATION') return;
  const now = deps.now();
  const payments = await deps.payments.listPayments(purchaseId);
  const outstanding = outstandingTranches(payments);
  if (outstanding.length > 0)
    throw new TranchesOutstandingError(
      `purchase ${purchaseId} cannot close: tranche ${outstanding.map((p) => p.tranche).join(', ')} is neither paid nor waived`,
    );
  const keepFen = payments.reduce((sum, p) => sum + paidFen(p), 0);
  let budget = purchase.budget;
  if (budget?.status === 'RESERVED') {
    await deps.budgets.release({ lineId: budget.lineId, purchaseId, keepFen, now });
    budget = { ...budget, status: 'RELEASED', at: now };
  }
  // Every tranche is settled: a confirmation link still open (of a waived rest, say) is over.
  await deps.tasks.expireOpenTasks(purchaseId, now);
  const chain = await deps.purchases.verifyAuditChain(purchaseId);
  await deps.purchases.change({
    purchaseId,
    from: 'EVALUATION',
    to: 'CLOSED',
    set: { closedAt: now, ...(budget ? { budget } : {}) },
    audit: {
      actor: WORKFLOW_ACTOR,
      action: 'purchase.closed',
      detail: {
        paidFen: keepFen,
        tranches: payments.map((p) => `${p.tranche}:${p.status}`),
        auditChainValid: chain.valid,
        closedOn: chinaCalendarDate(now),
      },
    },
    eventId: 'purchase.closed',
    now,
  });
}
