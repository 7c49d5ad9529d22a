import { randomBytes } from 'node:crypto';
import { chinaCalendarDate } from '../domain/china-time.js';
import { ValidationError } from '../domain/errors.js';
import { parseProposal } from '../domain/policy.js';
import type { PolicySettings } from '../domain/policy-settings.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { StaffMember } from '../domain/staff-roles.js';
import { isBarred } from '../domain/track-record.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository, TrackRecordRepository } from '../ports/repositories.js';
import type { WorkflowStarter } from '../ports/workflow.js';
import { startWorkflow } from './start-workflow.js';

export interface SubmitProposalDeps {
  purchases: PurchaseRepository;
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
 * policy rule (ValidationError lists them all), stored at PROPOSAL with its first audit
 * entry, and its lifecycle execution is started. With an idempotency key a repeated
 * submission (a retried request) returns the first purchase and makes sure it runs.
 */
export async function submitProposal(
  deps: SubmitProposalDeps,
  input: { body: unknown; staff: StaffMember; idempotencyKey?: string },
): Promise<{ purchase: PurchaseRecord; created: boolean }> {
  const now = deps.now();
  const proposal = parseProposal(input.body, deps.settings, { today: chinaCalendarDate(now) });
  if (deps.trackRecords) {
    const bar = isBarred(
      await deps.trackRecords.listEvaluations(proposal.ngo.creditCode),
      chinaCalendarDate(now),
    );
    if (bar.barred) {
      throw new ValidationError([
        {
          field: 'ngo.creditCode',
          value: proposal.ngo.creditCode,
          rule: 'ngo-barred',
          message: bar.reason?.en ?? 'the NGO is barred from new purchases',
          allowed: `an NGO without a failed evaluation; this one may take new purchases after ${bar.until}`,
        },
      ]);
    }
  }
  const result = await deps.purchases.createPurchase({
    purchaseId: newPurchaseId(now),
    proposal,
    createdBy: input.staff.email ?? input.staff.sub,
    idempotencyKey: input.idempotencyKey,
    now,
  });
  await startWorkflow(deps, { purchaseId: result.purchase.purchaseId });
  return result;
}
