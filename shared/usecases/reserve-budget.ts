import { WORKFLOW_ACTOR } from '../domain/audit.js';
import { formatYuan } from '../domain/money.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import { loadPurchase } from './load-purchase.js';
import type { WorkflowDeps } from './workflow-deps.js';

/** Reserves the amount on the proposal's budget line; two proposals cannot both take the last money. */
export async function reserveBudget(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  const { budgetLineRef: lineId, totalFen } = purchase.proposal;
  // Seeded before every reservation, not only when one finds no line: the reservation reads a
  // failed condition as "not enough left", which a line seeded meanwhile by a concurrent
  // reservation would have it say wrongly (case 11 of the resilience suite).
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
