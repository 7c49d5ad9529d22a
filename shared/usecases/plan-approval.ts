import { requiredApprovalLevels } from '../domain/approval-chain.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import {
  escalatingWaitMs,
  type HandOver,
  handOverBefore,
  type PlanContext,
} from '../domain/execution-budget.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import { withdrawalSentence } from '../domain/withdrawal.js';
import { PurchaseRefused } from '../domain/workflow-errors.js';
import { loadPurchase } from './load-purchase.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * Moves the purchase into APPROVAL with the levels the thresholds require, and names the
 * next level still to decide (`null` when every level approved). The workflow comes back
 * here after each approval, so what DynamoDB holds always decides the next step. Before asking,
 * it hands over to a fresh execution if the ask (reminder and escalation included) could run
 * past its execution's budget.
 */
export async function planApproval(
  deps: WorkflowDeps,
  purchaseId: string,
  execution: PlanContext = {},
): Promise<{ next: ApprovalLevel | null; remaining: ApprovalLevel[] } | HandOver> {
  let purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage === 'PROPOSAL') {
    const levels = requiredApprovalLevels(purchase.proposal.totalFen, deps.settings);
    purchase = await deps.purchases.change({
      purchaseId,
      from: 'PROPOSAL',
      to: 'APPROVAL',
      set: { approvalLevels: levels },
      audit: { actor: WORKFLOW_ACTOR, action: 'approval.planned', detail: { levels } },
      eventId: 'approval.planned',
      now: deps.now(),
    });
  }
  if (purchase.withdrawal) throw new PurchaseRefused('WITHDRAWN', withdrawalSentence(purchase.withdrawal));
  const rejection = Object.values(purchase.approvals).find((d) => d?.decision === 'REJECT');
  if (rejection)
    throw new PurchaseRefused('REJECTED', `rejected by ${rejection.byName}: ${rejection.comment}`);
  const remaining = purchase.approvalLevels.filter((level) => !purchase.approvals[level]);
  const next = remaining[0] ?? null;
  const now = deps.now();
  const ask = { endsBy: Date.parse(now) + escalatingWaitMs(deps.settings.approval.timeoutSeconds) };
  return (next && handOverBefore({ ...execution, now }, ask)) || { next, remaining };
}
