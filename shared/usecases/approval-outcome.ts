import { approverRejection } from '../domain/approval-chain.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import type { BilingualText } from '../domain/bilingual.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { RecordedDecision } from '../domain/tasks.js';
import { WithdrawnPurchaseError, withdrawalSentence } from '../domain/withdrawal.js';
import { PurchaseRefused, workflowEnding } from '../domain/workflow-errors.js';
import { APPROVAL_LEVEL_LABELS } from '../presentation/labels.js';
import { outcomeMailModel, renderOutcomeMail } from '../presentation/mail/outcome-mail.js';
import { loadPurchase } from './load-purchase.js';
import { onceForPurchase } from './once.js';
import type { WorkflowDeps } from './workflow-deps.js';

/** How the approval stage ends: approved at every level (on to contracting) or rejected (the budget given back), the officer told either way. */

/** Every required level approved: the purchase leaves APPROVAL for CONTRACTING. */
export async function concludeApproval(deps: WorkflowDeps, purchaseId: string): Promise<void> {
  const purchase = await loadPurchase(deps, purchaseId);
  if (purchase.stage !== 'APPROVAL') {
    // A retry after the move: only the notification may still be missing.
    if (purchase.outcome?.result === 'APPROVED') await notifyOfficer(deps, purchase);
    return;
  }
  if (purchase.withdrawal) throw new PurchaseRefused('WITHDRAWN', withdrawalSentence(purchase.withdrawal));
  const missing = purchase.approvalLevels.filter((l) => purchase.approvals[l]?.decision !== 'APPROVE');
  if (missing.length > 0) {
    // The state machine only gets here after every level approved; anything else is a bug, loudly.
    throw new Error(`purchase ${purchaseId} lacks approval at ${missing.join(', ')}`);
  }
  const last = purchase.approvals[purchase.approvalLevels.at(-1) as ApprovalLevel] as RecordedDecision;
  const chain = (lang: keyof BilingualText) =>
    purchase.approvalLevels.map((l) => APPROVAL_LEVEL_LABELS[l][lang]).join(' → ');
  const now = deps.now();
  const approved = await deps.purchases
    .change({
      purchaseId,
      from: 'APPROVAL',
      to: 'CONTRACTING',
      set: {
        outcome: {
          result: 'APPROVED',
          reason: `approved at every level (${purchase.approvalLevels.join(' → ')})`,
          reasonText: {
            zh: `各级均已批准（${chain('zh')}）。`,
            en: `Approved at every level (${chain('en')}).`,
          },
          by: last.by,
          at: now,
        },
      },
      audit: {
        actor: WORKFLOW_ACTOR,
        action: 'purchase.approved',
        detail: { levels: purchase.approvalLevels },
      },
      eventId: 'purchase.approved',
      now,
    })
    .catch((error: unknown) => {
      // Withdrawn after it was read above: the purchase ends as the officer asked.
      if (error instanceof WithdrawnPurchaseError)
        throw new PurchaseRefused('WITHDRAWN', {
          zh: '项目已在最后一级批准后撤回，不进入合同签订。',
          en: error.message,
        });
      throw error;
    });
  await notifyOfficer(deps, approved);
}

/** Tells the officer who registered the purchase how the approval ended, when they signed in with an e-mail. */
async function notifyOfficer(deps: WorkflowDeps, purchase: PurchaseRecord): Promise<void> {
  const { mailer } = deps;
  const { outcome, createdBy: to } = purchase;
  if (!mailer || !outcome || !to.includes('@')) return;
  const mail = renderOutcomeMail(
    outcomeMailModel({
      purchaseId: purchase.purchaseId,
      proposal: purchase.proposal,
      outcome,
      recipientName: to,
    }),
  );
  await onceForPurchase(
    deps,
    purchase,
    'officer.notified',
    { actor: WORKFLOW_ACTOR, action: 'officer.notified', detail: { to, result: outcome.result } },
    () => mailer.send({ to, ...mail }),
  );
}

/** Ends the purchase REJECTED with its reason and gives its budget back. */
export async function rejectPurchase(
  deps: WorkflowDeps,
  input: { purchaseId: string; error?: string; cause?: string },
): Promise<void> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const now = deps.now();
  if (purchase.budget?.status === 'RESERVED') {
    await deps.budgets.release({ lineId: purchase.budget.lineId, purchaseId: purchase.purchaseId, now });
    await deps.purchases.change({
      purchaseId: purchase.purchaseId,
      set: { budget: { ...purchase.budget, status: 'RELEASED', at: now } },
      audit: { actor: WORKFLOW_ACTOR, action: 'budget.released', detail: { lineId: purchase.budget.lineId } },
      eventId: 'budget.released',
      now,
    });
  }
  // Links still open (the lapsed escalation, a level never reached) now answer 410.
  await deps.tasks.expireOpenTasks(purchase.purchaseId, now);
  if (purchase.stage === 'REJECTED') {
    await notifyOfficer(deps, purchase);
    return;
  }
  const { result, reason, reasonText, by } = howItEnded(purchase, input);
  const rejected = await deps.purchases.change({
    purchaseId: purchase.purchaseId,
    from: purchase.stage,
    to: 'REJECTED',
    set: { outcome: { result, reason, reasonText, by, at: now } },
    audit: {
      actor: by,
      action: result === 'WITHDRAWN' ? 'purchase.withdrawn' : 'purchase.rejected',
      detail: { reason, reasonText },
    },
    eventId: 'purchase.rejected',
    now,
  });
  await notifyOfficer(deps, rejected);
}

/** Who ended the purchase and why: the officer's withdrawal, an approver's rejection, or the workflow's refusal. */
function howItEnded(
  purchase: PurchaseRecord,
  input: { error?: string; cause?: string },
): { result: 'REJECTED' | 'WITHDRAWN'; reason: string; reasonText: BilingualText; by: string } {
  if (purchase.withdrawal) {
    const text = withdrawalSentence(purchase.withdrawal);
    return { result: 'WITHDRAWN', reason: text.en, reasonText: text, by: purchase.withdrawal.by };
  }
  const rejection = Object.values(purchase.approvals).find((d) => d?.decision === 'REJECT');
  if (rejection) {
    const text = approverRejection(rejection);
    return { result: 'REJECTED', reason: text.en, reasonText: text, by: rejection.by };
  }
  const ending = workflowEnding(input.error, input.cause);
  return { result: 'REJECTED', reason: ending.reason, reasonText: ending.text, by: WORKFLOW_ACTOR };
}
