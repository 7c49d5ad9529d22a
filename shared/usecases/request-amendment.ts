import {
  type Amendment,
  amendmentExecutionName,
  amendmentOf,
  amendmentRefusal,
  draftAmendment,
  nextAmendmentId,
  type SettledTranche,
} from '../domain/amendments.js';
import { requiredApprovalLevels } from '../domain/approval-chain.js';
import type { BilingualText } from '../domain/bilingual.js';
import { amendmentShortfallError, leftOnLine } from '../domain/budget.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { ValidationError } from '../domain/errors.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import { mayActOnOwnPurchase, NotPermittedError, type StaffMember } from '../domain/staff-roles.js';
import type { Now } from '../ports/clock.js';
import type { BudgetRepository, PaymentRepository, PurchaseRepository } from '../ports/repositories.js';
import type { WorkflowStarter } from '../ports/workflow.js';
import { startWorkflow } from './start-workflow.js';

export interface RequestAmendmentDeps {
  purchases: PurchaseRepository;
  payments: PaymentRepository;
  /** What is left on the purchase's budget line, read when a raise is asked for. */
  budgets: Pick<BudgetRepository, 'getBudgetLine'>;
  workflow: WorkflowStarter;
  settings: PolicySettings;
  now: Now;
}

export type RequestAmendmentOutcome =
  | { outcome: 'REQUESTED'; purchaseId: string; amendment: Amendment }
  | { outcome: 'NOT_AMENDABLE'; purchaseId: string; stage: string; message: BilingualText }
  | { outcome: 'UNKNOWN' };

/** The tranches finance was told to pay (or paid, waived): their amounts no longer move. */
async function settledTranches(payments: PaymentRepository, purchaseId: string): Promise<SettledTranche[]> {
  return (await payments.listPayments(purchaseId))
    .filter((p) => p.notifiedAt !== undefined)
    .map((p) => ({ milestone: p.milestone, amountFen: p.amountFen }));
}

/**
 * A raise the purchase's budget line cannot take is refused at once (400 on totalFen, naming what
 * is left) rather than sent through every approval level and refused when it is applied. Applying
 * it moves the reservation only while the line has room: that stays the gate for concurrent raises.
 */
async function refuseWhenLineIsShort(
  deps: RequestAmendmentDeps,
  purchase: PurchaseRecord,
  totalFen: number,
): Promise<void> {
  // As when it is applied: only a reservation held on a line moves.
  if (purchase.budget?.status !== 'RESERVED') return;
  const { lineId, amountFen: reservedFen } = purchase.budget;
  if (totalFen <= reservedFen) return;
  const configured = deps.settings.budgetLines.find((l) => l.lineId === lineId);
  const left = leftOnLine(await deps.budgets.getBudgetLine(lineId), configured);
  if (left === undefined || reservedFen + left >= totalFen) return;
  throw new ValidationError([amendmentShortfallError(lineId, reservedFen, left, totalFen)]);
}

/**
 * The officer who registered a purchase (or an administrator) asks to amend its signed contract.
 * The amended proposal is held to every rule a new proposal is (draftAmendment); the amendment is
 * recorded PROPOSED with the levels its value requires, and its approval runs in an execution of
 * its own (`<purchaseId>-AMENDMENT-<n>`, through the alias) beside the purchase's, which goes on
 * untouched. One open amendment at a time; a repeat of the request after a crash finds it
 * recorded under the same id and only starts the execution again (a second start is refused).
 */
export async function requestAmendment(
  deps: RequestAmendmentDeps,
  input: { purchaseId: string; body: unknown; staff: StaffMember },
): Promise<RequestAmendmentOutcome> {
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) return { outcome: 'UNKNOWN' };
  if (!mayActOnOwnPurchase(input.staff, 'amendPurchase', purchase))
    throw new NotPermittedError(
      'only the officer who registered the purchase, or an administrator, may amend its contract',
    );
  const { purchaseId, stage } = purchase;
  const refusal = amendmentRefusal(purchase);
  if (refusal) return { outcome: 'NOT_AMENDABLE', purchaseId, stage, message: refusal };
  const now = deps.now();
  const { request, proposal, changes } = draftAmendment({
    proposal: purchase.proposal,
    body: input.body,
    settled: await settledTranches(deps.payments, purchaseId),
    settings: deps.settings,
    today: chinaCalendarDate(now),
  });
  await refuseWhenLineIsShort(deps, purchase, proposal.totalFen);
  const by = input.staff.email ?? input.staff.sub;
  const id = nextAmendmentId(purchase.amendments);
  const amendment: Amendment = {
    id,
    requestedBy: by,
    requestedAt: now,
    rationale: request.rationale,
    changes,
    levels: requiredApprovalLevels(proposal.totalFen, deps.settings),
    status: 'PROPOSED',
    approvals: {},
  };
  const recorded = await deps.purchases.change({
    purchaseId,
    set: { amendments: [...(purchase.amendments ?? []), amendment] },
    audit: {
      actor: by,
      action: 'amendment.requested',
      detail: { amendment: id, rationale: amendment.rationale, changes, levels: amendment.levels },
    },
    eventId: `amendment.requested:${id}`,
    now,
  });
  await startWorkflow(deps, {
    purchaseId,
    resumeAt: 'AMENDMENT',
    executionName: amendmentExecutionName(purchaseId, id),
  });
  // A concurrent request that recorded this id first is the one that stands.
  return { outcome: 'REQUESTED', purchaseId, amendment: amendmentOf(recorded, id) ?? amendment };
}
