import type { AuditEntry } from '../domain/audit.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository } from '../ports/repositories.js';
import type { ExecutionEntry, WorkflowStarter } from '../ports/workflow.js';

/** The audit entry naming each execution started for a purchase, so its executions can be listed. */
export const WORKFLOW_STARTED_ACTION = 'workflow.started';

export interface StartWorkflowDeps {
  purchases: PurchaseRepository;
  workflow: WorkflowStarter;
  now: Now;
}

/**
 * Starts an execution of the lifecycle for a purchase (named after the purchase unless a name is
 * given), recording its name on the audit trail first: a start that then fails leaves a name
 * with no execution behind it, never an execution nobody can find. A repeat records nothing twice.
 */
export async function startWorkflow(
  deps: StartWorkflowDeps,
  input: {
    purchaseId: string;
    resumeAt?: ExecutionEntry;
    executionName?: string;
    /** The execution that hands the purchase over to this one. */
    from?: string;
  },
): Promise<void> {
  const { purchaseId, resumeAt, from } = input;
  const executionName = input.executionName ?? purchaseId;
  await deps.purchases.change({
    purchaseId,
    audit: {
      actor: 'system:workflow',
      action: WORKFLOW_STARTED_ACTION,
      detail: { execution: executionName, ...(resumeAt ? { resumeAt } : {}), ...(from ? { from } : {}) },
    },
    eventId: `${WORKFLOW_STARTED_ACTION}:${executionName}`,
    now: deps.now(),
  });
  await deps.workflow.start({ purchaseId, executionName, ...(resumeAt ? { resumeAt } : {}) });
}

/**
 * The executions started for a purchase, oldest first, from its audit trail: each name with its
 * resume point, the execution that handed over to it, and when it was recorded.
 */
export function startedExecutions(audit: readonly AuditEntry[]) {
  return audit
    .filter((e) => e.action === WORKFLOW_STARTED_ACTION)
    .map(({ at, detail }) => ({
      name: String(detail.execution),
      ...(typeof detail.resumeAt === 'string' ? { resumeAt: detail.resumeAt } : {}),
      ...(typeof detail.from === 'string' ? { from: detail.from } : {}),
      requestedAt: at,
    }));
}
