import { isTerminal, type ResumePoint } from '../domain/lifecycle.js';
import type { WorkflowExecutions } from '../ports/workflow.js';
import { loadPurchase } from './load-purchase.js';
import { type StartWorkflowDeps, startedExecutions, startWorkflow } from './start-workflow.js';

/**
 * The name of a purchase's execution that starts at `stage`, the `nth` to start there: after the
 * purchase and its stage, so an operator reads where each one began (`PUR-2026-…-MIDTERM_REVIEW-2`).
 */
export function stageExecutionName(purchaseId: string, stage: ResumePoint, nth: number): string {
  return `${purchaseId}-${stage}-${nth}`;
}

/**
 * Hands a purchase over from the execution `from` to a fresh one, which starts at the stage
 * DynamoDB holds (at a stage boundary, or to go on waiting before `from` nears AWS's one-year
 * limit); `from` then ends. Idempotent per `from`: a retried hand-over finds the successor it
 * recorded, and starts it only if it has not started (the first try may have stopped between the
 * two). A purchase already finished is handed to no one.
 */
export type HandOverDeps = StartWorkflowDeps & { executions: WorkflowExecutions };

export async function handOverPurchase(
  deps: HandOverDeps,
  input: { purchaseId: string; from: string },
): Promise<{ execution: string | null }> {
  const { purchaseId, from } = input;
  const { stage } = await loadPurchase(deps, purchaseId);
  if (isTerminal(stage)) return { execution: null };
  const resumeAt = stage as ResumePoint;
  const started = startedExecutions(await deps.purchases.listAudit(purchaseId));
  const recorded = started.find((e) => e.from === from)?.name;
  if (recorded && (await deps.executions.describe(recorded))) return { execution: recorded };
  const executionName =
    recorded ??
    stageExecutionName(purchaseId, resumeAt, started.filter((e) => e.resumeAt === resumeAt).length + 1);
  await startWorkflow(deps, { purchaseId, resumeAt, executionName, from });
  return { execution: executionName };
}
