import type { AuditEntry } from '../domain/audit.js';
import { formatTotal } from '../domain/evaluation.js';
import type { EvaluationCriterion } from '../domain/lifecycle-settings.js';
import { formatYuan } from '../domain/money.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { assertMayViewPurchase, type StaffMember } from '../domain/staff-roles.js';
import type {
  DeliverableRepository,
  PaymentRepository,
  PurchaseRepository,
  TaskRepository,
} from '../ports/repositories.js';
import type { WorkflowExecutions } from '../ports/workflow.js';
import { startedExecutions } from './start-workflow.js';

export interface PurchaseViewDeps {
  purchases: PurchaseRepository;
  tasks: TaskRepository;
  deliverables: DeliverableRepository;
  payments: PaymentRepository;
  executions: WorkflowExecutions;
}

/**
 * What staff see of one purchase: never a task token or nonce (listTasks leaves them out).
 * An approver sees only a purchase they hold or held a task on (NotPermittedError otherwise).
 */
export async function purchaseView(deps: PurchaseViewDeps, purchaseId: string, viewer: StaffMember) {
  if (!/^PUR-\d{4}-[A-Z0-9]{16}$/.test(purchaseId)) return undefined;
  const [trail, tasks, deliverables, payments] = await Promise.all([
    deps.purchases.auditTrail(purchaseId),
    deps.tasks.listTasks(purchaseId),
    deps.deliverables.listDeliverables(purchaseId),
    deps.payments.listPayments(purchaseId),
  ]);
  if (!trail) return undefined;
  assertMayViewPurchase(
    viewer,
    tasks.map((t) => t.assignee.email),
  );
  const { purchase, entries: audit, chain } = trail;
  const executions = await executionsOf(deps, audit);
  const { proposal } = purchase;
  return {
    purchaseId,
    stage: purchase.stage,
    version: purchase.version,
    title: proposal.title,
    ngo: proposal.ngo,
    serviceArea: proposal.serviceArea,
    term: proposal.term,
    totalFen: proposal.totalFen,
    totalYuan: formatYuan(proposal.totalFen),
    budget: purchase.budget,
    approvalLevels: purchase.approvalLevels,
    approvals: purchase.approvals,
    outcome: purchase.outcome,
    contract: purchase.contract,
    decisions: purchase.decisions,
    termination: purchase.termination,
    withdrawal: purchase.withdrawal,
    evaluation: evaluationOf(purchase),
    // The last unexpected workflow failure (state, error, time), for the operator who resumes it.
    failure: purchase.failure,
    deliverables,
    payments,
    pendingTasks: tasks.filter((t) => t.status === 'PENDING'),
    executions,
    tasks,
    audit,
    auditChain: chain,
    createdBy: purchase.createdBy,
    createdAt: purchase.createdAt,
    updatedAt: purchase.updatedAt,
  };
}

/** The agency's scores by criterion (from its recorded decision), its weighted total and grade. */
function evaluationOf(purchase: PurchaseRecord) {
  const { evaluation } = purchase;
  if (!evaluation) return undefined;
  const decision = Object.values(purchase.decisions).find((d) => d.taskId === evaluation.taskId);
  const scores = decision?.data?.scores as Partial<Record<EvaluationCriterion, number>> | undefined;
  return {
    ...evaluation,
    ...(evaluation.total === undefined ? {} : { totalText: formatTotal(evaluation.total) }),
    ...(scores ? { scores } : {}),
  };
}

/**
 * The workflow executions started for the purchase, oldest first, with what Step Functions says of
 * each; NOT_STARTED when the start after the record failed.
 */
async function executionsOf(deps: PurchaseViewDeps, audit: readonly AuditEntry[]) {
  return Promise.all(
    startedExecutions(audit).map(async (started) => {
      const found = await deps.executions.describe(started.name);
      return found ? { ...found, ...started } : { ...started, status: 'NOT_STARTED' as const };
    }),
  );
}
