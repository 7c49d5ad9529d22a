import type { ResumePoint } from '../domain/lifecycle.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository } from '../ports/repositories.js';
import type { WorkflowExecutions, WorkflowStarter } from '../ports/workflow.js';
import { startedExecutions, startWorkflow } from './start-workflow.js';

export interface ResumeDeps {
  purchases: PurchaseRepository;
  workflow: WorkflowStarter;
  executions: WorkflowExecutions;
  now: Now;
}

/**
 * Starts one execution per unfinished purchase at its stage boundary, unless one is still
 * running (after a redeploy the old ones may be: they are left to finish, never doubled).
 * Names carry the time of the resume, since an execution name is never reused; what the new execution
 * does next is decided by what DynamoDB holds (decided levels are not asked again, a
 * pending task keeps its id and link and is re-armed with the new token).
 */
export async function resumeOpenPurchases(
  deps: ResumeDeps,
): Promise<{ purchaseId: string; resumeAt: ResumePoint }[]> {
  const open = await deps.purchases.listOpenPurchases();
  // Down to the millisecond: two resumes in one second must not share a name.
  const stamp = deps
    .now()
    .replace(/[^0-9]/g, '')
    .slice(0, 17);
  const resumed: { purchaseId: string; resumeAt: ResumePoint }[] = [];
  for (const { purchaseId, stage } of open) {
    if (stage === 'CLOSED' || stage === 'REJECTED' || stage === 'TERMINATED') continue;
    if (await stillRunning(deps, purchaseId)) continue;
    await startWorkflow(deps, { purchaseId, resumeAt: stage, executionName: `${purchaseId}-r${stamp}` });
    resumed.push({ purchaseId, resumeAt: stage });
  }
  return resumed;
}

/**
 * Whether one of the purchase's executions still runs: those its audit trail names, and the
 * purchase's own name (its first execution, for a purchase from before starts were recorded).
 */
async function stillRunning(deps: ResumeDeps, purchaseId: string): Promise<boolean> {
  const names = new Set([
    purchaseId,
    ...startedExecutions(await deps.purchases.listAudit(purchaseId)).map((e) => e.name),
  ]);
  const described = await Promise.all([...names].map((name) => deps.executions.describe(name)));
  return described.some((execution) => execution?.status === 'RUNNING');
}
