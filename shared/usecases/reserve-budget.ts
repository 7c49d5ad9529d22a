import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { budgetShortfall } from '../domain/budget.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import { loadPurchase } from './load-purchase.js';
import type { WorkflowDeps } from './workflow-deps.js';

/** Reserves the amount on the proposal's budget line; two proposals cannot both take the last money. */
export async function reserveBudget(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  const { budgetLineRef: lineId, totalFen } = purchase.proposal;
  // The line exists before the reservation: the reservation reads a failed condition as "not
  // enough left", which a line seeded meanwhile by a concurrent reservation would have it say
  // wrongly (case 11 of the resilience suite). Lines are never deleted, so a line read once stays;
  // a read, not a seeding write each time (every write to the line waits behind the others).
  const configured = deps.settings.budgetLines.find((l) => l.lineId === lineId);
  if (configured && !(await deps.budgets.getBudgetLine(lineId)))
    await deps.budgets.ensureBudgetLine(configured);
  const now = deps.now();
  const result = await deps.budgets.reserve({ lineId, purchaseId, amountFen: totalFen, now });
  if (result.status === 'NO_SUCH_LINE') {
    throw new PurchaseRefused('BUDGET', {
      zh: `预算指标 ${lineId} 不存在。`,
      en: `budget line ${lineId} does not exist`,
    });
  }
  if (result.status === 'INSUFFICIENT') {
    throw new PurchaseRefused('BUDGET', budgetShortfall(lineId, result.availableFen, totalFen));
  }
  await deps.purchases.change({
    purchaseId,
    set: { budget: { lineId, amountFen: totalFen, status: 'RESERVED', at: now } },
    audit: { actor: WORKFLOW_ACTOR, action: 'budget.reserved', detail: { lineId, amountFen: totalFen } },
    eventId: 'budget.reserved',
    now,
  });
}
