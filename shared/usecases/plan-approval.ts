import { approverRejection, requiredApprovalLevels } from '../domain/approval-chain.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { type HandOver, handOverBefore, type PlanContext } from '../domain/execution-budget.js';
import { officialCalendar } from '../domain/official-calendar.js';
import {
  type AppliedBenchmark,
  applicableBenchmark,
  isBenchmarkGap,
} from '../domain/policy/salary-benchmark-rule.js';
import type { ApprovalLevel, PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { nextRevisionRound } from '../domain/revision.js';
import { approvalWait } from '../domain/waits.js';
import { withdrawalSentence } from '../domain/withdrawal.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import { type AttemptTimeouts, attemptTimeouts } from '../domain/working-days.js';
import { loadPurchase } from './load-purchase.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * The salary benchmark the approvers are told the staff plan was held to, with the publication
 * window judged on the day the proposal was submitted (so a retry or a resume records the same).
 * None for a proposal without staff.
 */
function benchmarkApplied(purchase: PurchaseRecord, settings: PolicySettings): AppliedBenchmark | undefined {
  const { proposal } = purchase;
  if (proposal.staffPlan.length === 0) return undefined;
  const wantedYear = Number(proposal.term.start.slice(0, 4)) - 1;
  const applied = applicableBenchmark(wantedYear, settings, chinaCalendarDate(purchase.createdAt));
  return isBenchmarkGap(applied) ? undefined : applied;
}

/**
 * What plan answers besides a hand-over: the next level to ask (`null` when every level approved),
 * or that a level returned the proposal and the officer's revision (round `round`) is awaited.
 */
export type ApprovalPlan =
  | ({ next: ApprovalLevel | null; remaining: ApprovalLevel[] } & Planned)
  | ({ next: 'REVISION'; level: ApprovalLevel; round: number } & Planned);

/** The timeouts of the wait that comes next, which the state machine takes when it counts working days. */
interface Planned {
  timeouts: AttemptTimeouts;
}

/**
 * Moves the purchase into APPROVAL with the levels the thresholds require (and the salary benchmark
 * applied, which the approval page names), and names the
 * next level still to decide (`null` when every level approved). The workflow comes back
 * here after each approval, so what DynamoDB holds always decides the next step. Before asking,
 * it hands over to a fresh execution if the ask (reminder and escalation included) could run
 * past its execution's budget.
 */
export async function planApproval(
  deps: WorkflowDeps,
  purchaseId: string,
  execution: PlanContext = {},
): Promise<ApprovalPlan | HandOver> {
  let purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage === 'PROPOSAL') {
    const levels = requiredApprovalLevels(purchase.proposal.totalFen, deps.settings);
    const salaryBenchmark = benchmarkApplied(purchase, deps.settings);
    purchase = await deps.purchases.change({
      purchaseId,
      from: 'PROPOSAL',
      to: 'APPROVAL',
      set: { approvalLevels: levels, ...(salaryBenchmark ? { salaryBenchmark } : {}) },
      audit: {
        actor: WORKFLOW_ACTOR,
        action: 'approval.planned',
        detail: { levels, ...(salaryBenchmark ? { salaryBenchmarkYear: salaryBenchmark.year } : {}) },
      },
      eventId: 'approval.planned',
      now: deps.now(),
    });
  }
  if (purchase.withdrawal) throw new PurchaseRefused('WITHDRAWN', withdrawalSentence(purchase.withdrawal));
  const rejection = Object.values(purchase.approvals).find((d) => d?.decision === 'REJECT');
  if (rejection) throw new PurchaseRefused('REJECTED', approverRejection(rejection));
  const now = deps.now();
  // The next wait's three timeouts, on the official calendar when it is set in working days.
  const timeouts = attemptTimeouts(
    Date.parse(now),
    approvalWait(deps.settings),
    officialCalendar(deps.settings),
  );
  const ask = { endsBy: timeouts.endsBy };
  // A level that returned the proposal waits for the officer's revision, then is asked again.
  const returnedBy = purchase.approvalLevels.find(
    (level) => purchase.approvals[level]?.decision === 'RETURN',
  );
  if (returnedBy) {
    const revision = {
      next: 'REVISION',
      level: returnedBy,
      round: nextRevisionRound(purchase.revisions),
    } as const;
    return handOverBefore({ ...execution, now }, ask) || { ...revision, timeouts };
  }
  const remaining = purchase.approvalLevels.filter((level) => !purchase.approvals[level]);
  const next = remaining[0] ?? null;
  return (next && handOverBefore({ ...execution, now }, ask)) || { next, remaining, timeouts };
}
