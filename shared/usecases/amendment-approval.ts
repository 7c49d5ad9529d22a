import { type Amendment, amendmentDecision, applyChanges, openAmendment } from '../domain/amendments.js';
import { approverRejection } from '../domain/approval-chain.js';
import { WORKFLOW_ACTOR } from '../domain/audit.js';
import type { BilingualText } from '../domain/bilingual.js';
import { BudgetLineShortError } from '../domain/budget.js';
import { formatYuan } from '../domain/money.js';
import { officialCalendar } from '../domain/official-calendar.js';
import type { ApprovalLevel } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { RecordedDecision } from '../domain/tasks.js';
import { approvalWait } from '../domain/waits.js';
import { type AttemptTimeouts, attemptTimeouts } from '../domain/working-days.js';
import { renderAmendmentOutcomeMail } from '../presentation/mail/amendment-mail.js';
import { loadPurchase } from './load-purchase.js';
import { onceForPurchase } from './once.js';
import type { WorkflowDeps } from './workflow-deps.js';

/**
 * The approval of an amendment, in its own execution: plan names the next level still to decide
 * (read from DynamoDB, so a retry skips what was decided), the level is asked like a proposal's
 * (request-decision.ts, AMENDMENT_APPROVAL), and conclude applies it, or records why not.
 */

/** What plan answers: the amendment, and its next level (`null` once every level approved, REJECTED after a rejection). */
export interface AmendmentPlan {
  amendmentId: string;
  next: ApprovalLevel | 'REJECTED' | null;
  /** What the purchase's budget line has left now, which the approver's page shows (null without a line). */
  lineAvailableFen: number | null;
  /** The timeouts of the wait that comes next, which the state machine takes when it counts working days. */
  timeouts: AttemptTimeouts;
}

/** The amendment an execution carries: the open one, or (on a retry after it was decided) the newest. */
function carried(purchase: PurchaseRecord): Amendment {
  const amendment = openAmendment(purchase) ?? purchase.amendments?.at(-1);
  if (!amendment) throw new Error(`purchase ${purchase.purchaseId} has no amendment to approve`);
  return amendment;
}

/** Each level's decision on the amendment so far. */
function decisionsOf(purchase: PurchaseRecord, amendment: Amendment) {
  return Object.fromEntries(
    amendment.levels.flatMap((level) => {
      const decision = amendmentDecision(purchase, amendment.id, level);
      return decision ? [[level, decision]] : [];
    }),
  ) as Partial<Record<ApprovalLevel, RecordedDecision>>;
}

export async function planAmendment(deps: WorkflowDeps, purchaseId: string): Promise<AmendmentPlan> {
  const purchase = await loadPurchase(deps, purchaseId);
  const amendment = carried(purchase);
  const decisions = decisionsOf(purchase, amendment);
  const timeouts = attemptTimeouts(
    Date.parse(deps.now()),
    approvalWait(deps.settings),
    officialCalendar(deps.settings),
  );
  const line = purchase.budget && (await deps.budgets.getBudgetLine(purchase.budget.lineId));
  const base = {
    amendmentId: amendment.id,
    timeouts,
    lineAvailableFen: line ? line.availableFen : null,
  };
  if (amendment.status !== 'PROPOSED') return { ...base, next: null };
  if (Object.values(decisions).some((d) => d?.decision === 'REJECT')) return { ...base, next: 'REJECTED' };
  return { ...base, next: amendment.levels.find((level) => !decisions[level]) ?? null };
}

/** Why a line too short for the amended value refuses it, in both languages. */
function budgetRefusal(error: BudgetLineShortError): BilingualText {
  return {
    zh: `预算指标 ${error.lineId} 仅剩 ${formatYuan(error.availableFen)}，变更需要追加 ${formatYuan(error.neededFen)}，变更未生效。`,
    en: `budget line ${error.lineId} has ${formatYuan(error.availableFen)} left and the amendment needs ${formatYuan(error.neededFen)} more, so it was not applied`,
  };
}

const LAPSED: BilingualText = {
  zh: '审批人在提醒和转交后仍未作出决定，变更未生效。',
  en: 'no decision after a reminder and an escalation, so the amendment was not applied',
};

/**
 * Decides the amendment once plan has nothing more to ask: every level approved, so one
 * transaction writes the amended proposal, the amendment APPROVED, the budget reservation moved by
 * the difference on the same line (only while the line has room) and the audit entry; or a level
 * rejected it, the wait lapsed (`lapsed`), or the line is short, so it is REJECTED with why and the
 * purchase is left as it was. The officer who asked is told either way, once.
 */
export async function concludeAmendment(
  deps: WorkflowDeps,
  input: { purchaseId: string; lapsed?: boolean },
): Promise<Amendment> {
  const purchase = await loadPurchase(deps, input.purchaseId);
  const amendment = carried(purchase);
  if (amendment.status !== 'PROPOSED') {
    await notifyOfficer(deps, purchase, amendment);
    return amendment;
  }
  const now = deps.now();
  const approvals = decisionsOf(purchase, amendment);
  const rejection = Object.values(approvals).find((d) => d?.decision === 'REJECT');
  const approved = amendment.levels.every((level) => approvals[level]?.decision === 'APPROVE');
  if (!rejection && !approved && !input.lapsed)
    throw new Error(`amendment ${amendment.id} of ${purchase.purchaseId} is not decided at every level`);
  const decided = (status: Amendment['status'], reason?: BilingualText): Amendment => ({
    ...amendment,
    status,
    approvals,
    decidedAt: now,
    ...(reason ? { reason } : {}),
  });
  const withDecided = (a: Amendment) => (purchase.amendments ?? []).map((x) => (x.id === a.id ? a : x));
  const eventId = `amendment.decided:${amendment.id}`;
  const reject = async (reason: BilingualText, action: string): Promise<Amendment> => {
    const rejected = decided('REJECTED', reason);
    const after = await deps.purchases.change({
      purchaseId: purchase.purchaseId,
      set: { amendments: withDecided(rejected) },
      audit: { actor: rejection?.by ?? WORKFLOW_ACTOR, action, detail: { amendment: amendment.id, reason } },
      eventId,
      now,
    });
    await notifyOfficer(deps, after, rejected);
    return rejected;
  };
  if (rejection) return reject(approverRejection(rejection), 'amendment.rejected');
  if (!approved) return reject(LAPSED, 'amendment.lapsed');

  const proposal = applyChanges(purchase.proposal, amendment.changes);
  const applied = decided('APPROVED');
  const hold = purchase.budget;
  const moves = hold?.status === 'RESERVED' && hold.amountFen !== proposal.totalFen;
  try {
    const after = await deps.purchases.change({
      purchaseId: purchase.purchaseId,
      set: {
        proposal,
        amendments: withDecided(applied),
        ...(hold && moves ? { budget: { ...hold, amountFen: proposal.totalFen, at: now } } : {}),
      },
      audit: {
        actor: approvals[amendment.levels.at(-1) as ApprovalLevel]?.by ?? WORKFLOW_ACTOR,
        action: 'amendment.applied',
        detail: {
          amendment: amendment.id,
          changes: amendment.changes,
          levels: amendment.levels,
          ...(hold && moves
            ? { reservation: { lineId: hold.lineId, from: hold.amountFen, to: proposal.totalFen } }
            : {}),
        },
      },
      eventId,
      now,
      ...(hold && moves ? { reservation: { lineId: hold.lineId, amountFen: proposal.totalFen } } : {}),
    });
    await notifyOfficer(deps, after, applied);
    return applied;
  } catch (error) {
    if (!(error instanceof BudgetLineShortError)) throw error;
    return reject(budgetRefusal(error), 'amendment.refused');
  }
}

/** Tells the officer who asked for the amendment how it ended, once. */
async function notifyOfficer(deps: WorkflowDeps, purchase: PurchaseRecord, amendment: Amendment) {
  const { mailer } = deps;
  const to = amendment.requestedBy;
  if (!mailer || !to.includes('@')) return;
  const mail = renderAmendmentOutcomeMail({
    purchaseId: purchase.purchaseId,
    proposal: purchase.proposal,
    amendment,
    recipientName: to,
  });
  await onceForPurchase(
    deps,
    purchase,
    `officer.amendment-notified:${amendment.id}`,
    {
      actor: WORKFLOW_ACTOR,
      action: 'officer.notified',
      detail: { to, amendment: amendment.id, result: amendment.status },
    },
    () => mailer.send({ to, ...mail }),
  );
}
