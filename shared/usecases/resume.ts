import { amendmentExecutionName, openAmendment } from '../domain/amendments.js';
import { isTerminal, type ResumePoint, type Stage } from '../domain/lifecycle.js';
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
  const stamp = resumeStamp(deps.now());
  const resumed: { purchaseId: string; resumeAt: ResumePoint }[] = [];
  for (const { purchaseId, stage } of open) {
    const outcome = await resumeAt(deps, purchaseId, stage, stamp);
    if (outcome.resumed) resumed.push({ purchaseId, resumeAt: outcome.resumed });
  }
  return resumed;
}

/** What resuming one purchase did: started an execution at its stage, or found nothing to do. */
export type ResumeOutcome =
  | { resumed: ResumePoint; execution: string }
  | { resumed?: undefined; reason: 'RUNNING' | 'FINISHED' | 'UNKNOWN'; stage?: Stage };

/** One purchase, as resumeOpenPurchases does it (for an operator: `npm run ops -- resume`). */
export async function resumePurchase(deps: ResumeDeps, purchaseId: string): Promise<ResumeOutcome> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (!purchase) return { reason: 'UNKNOWN' };
  return resumeAt(deps, purchaseId, purchase.stage, resumeStamp(deps.now()));
}

/** Down to the millisecond: two resumes in one second must not share a name. */
function resumeStamp(now: string): string {
  return now.replace(/[^0-9]/g, '').slice(0, 17);
}

async function resumeAt(
  deps: ResumeDeps,
  purchaseId: string,
  stage: Stage,
  stamp: string,
): Promise<ResumeOutcome> {
  if (isTerminal(stage)) return { reason: 'FINISHED', stage };
  // An amendment's approval runs beside the purchase's own execution: each is resumed on its own.
  const started = startedExecutions(await deps.purchases.listAudit(purchaseId));
  const [amendments, own] = [
    started.filter((e) => e.resumeAt === 'AMENDMENT'),
    started.filter((e) => e.resumeAt !== 'AMENDMENT'),
  ];
  await resumeOpenAmendment(deps, purchaseId, amendments, stamp);
  if (await anyRunning(deps, [purchaseId, ...own.map((e) => e.name)])) return { reason: 'RUNNING', stage };
  const execution = `${purchaseId}-r${stamp}`;
  const resumed = stage as ResumePoint;
  await startWorkflow(deps, { purchaseId, resumeAt: resumed, executionName: execution });
  return { resumed, execution };
}

/**
 * An amendment still awaiting approval whose execution no longer runs (a restart of the local
 * runtime, an operator's stop) is asked on in a fresh one; its decided levels are not asked again.
 */
async function resumeOpenAmendment(
  deps: ResumeDeps,
  purchaseId: string,
  started: readonly { name: string }[],
  stamp: string,
): Promise<void> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  const open = purchase && openAmendment(purchase);
  if (
    !open ||
    (await anyRunning(
      deps,
      started.map((e) => e.name),
    ))
  )
    return;
  const executionName = `${amendmentExecutionName(purchaseId, open.id)}-r${stamp}`;
  await startWorkflow(deps, { purchaseId, resumeAt: 'AMENDMENT', executionName });
}

/**
 * Whether one of these executions still runs (the purchase's own name stands for its first
 * execution, for a purchase from before starts were recorded).
 */
async function anyRunning(deps: ResumeDeps, names: readonly string[]): Promise<boolean> {
  const described = await Promise.all([...new Set(names)].map((name) => deps.executions.describe(name)));
  return described.some((execution) => execution?.status === 'RUNNING');
}
