import { randomBytes } from 'node:crypto';
import { budgetShortfallError, leftOnLine } from '../domain/budget.js';
import { chinaCalendarDate } from '../domain/china-time.js';
import { ValidationError } from '../domain/errors.js';
import { parseProposal } from '../domain/policy.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { Proposal } from '../domain/proposal.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { StaffMember } from '../domain/staff-roles.js';
import { isBarred } from '../domain/track-record.js';
import type { Now } from '../ports/clock.js';
import type { BudgetRepository, PurchaseRepository, TrackRecordRepository } from '../ports/repositories.js';
import type { WorkflowStarter } from '../ports/workflow.js';
import { startWorkflow } from './start-workflow.js';

export interface SubmitProposalDeps {
  purchases: PurchaseRepository;
  /** What is left on the proposal's budget line, read at submission. */
  budgets: BudgetRepository;
  workflow: WorkflowStarter;
  settings: PolicySettings;
  now: Now;
  /** When given, an NGO barred by a failed evaluation is refused at once (400). */
  trackRecords?: TrackRecordRepository;
}

/** `PUR-2026-` + 16 base32 characters (80 random bits): readable, unguessable, a valid execution name. */
export function newPurchaseId(now: string): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';
  const bytes = randomBytes(16);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % 32];
  return `PUR-${now.slice(0, 4)}-${suffix}`;
}

/**
 * A purchasing officer registers a proposal: it is validated against the schema and every
 * policy rule (ValidationError lists them all), its budget line must still hold its amount,
 * it is stored at PROPOSAL with its first audit entry, and its lifecycle execution is started. With an idempotency key a repeated
 * submission (a retried request) returns the first purchase and makes sure it runs.
 */
export async function submitProposal(
  deps: SubmitProposalDeps,
  input: { body: unknown; staff: StaffMember; idempotencyKey?: string },
): Promise<{ purchase: PurchaseRecord; created: boolean }> {
  const now = deps.now();
  const proposal = parseProposal(input.body, deps.settings, { today: chinaCalendarDate(now) });
  if (deps.trackRecords) await refuseBarredNgo(deps.trackRecords, proposal, now);
  const createdBy = input.staff.email ?? input.staff.sub;
  await refuseWhenLineIsShort(deps, proposal, { createdBy, idempotencyKey: input.idempotencyKey });
  const result = await deps.purchases.createPurchase({
    purchaseId: newPurchaseId(now),
    proposal,
    createdBy,
    idempotencyKey: input.idempotencyKey,
    now,
  });
  await startWorkflow(deps, { purchaseId: result.purchase.purchaseId });
  return result;
}

/** An NGO barred by a failed evaluation is refused at once (400 on ngo.creditCode, saying until when). */
export async function refuseBarredNgo(
  trackRecords: TrackRecordRepository,
  proposal: Proposal,
  now: string,
): Promise<void> {
  const bar = isBarred(await trackRecords.listEvaluations(proposal.ngo.creditCode), chinaCalendarDate(now));
  if (!bar.barred) return;
  throw new ValidationError([
    {
      field: 'ngo.creditCode',
      value: proposal.ngo.creditCode,
      rule: 'ngo-barred',
      message: bar.reason?.en ?? 'the NGO is barred from new purchases',
      allowed: `an NGO without a failed evaluation; this one may take new purchases after ${bar.until}`,
      ...(bar.reason ? { zh: bar.reason.zh } : {}),
    },
  ]);
}

/**
 * A proposal whose budget line no longer holds its amount is refused at once (400 on budgetLineRef,
 * naming what is left) rather than accepted and rejected by the workflow minutes later. The
 * reservation in the workflow stays the gate two proposals racing for the last money meet. A
 * repeated submission whose first purchase already holds the money is answered as the first.
 */
async function refuseWhenLineIsShort(
  deps: SubmitProposalDeps,
  proposal: Proposal,
  submission: { createdBy: string; idempotencyKey: string | undefined },
): Promise<void> {
  const { budgetLineRef: lineId, totalFen } = proposal;
  const configured = deps.settings.budgetLines.find((l) => l.lineId === lineId);
  const left = leftOnLine(await deps.budgets.getBudgetLine(lineId), configured);
  if (left === undefined || left >= totalFen) return;
  const { createdBy, idempotencyKey } = submission;
  if (idempotencyKey !== undefined && (await deps.purchases.findByIdempotencyKey(createdBy, idempotencyKey)))
    return;
  throw new ValidationError([budgetShortfallError(lineId, left, totalFen)]);
}
