import type { AuditInput } from '../domain/audit.js';
import type { PurchaseRecord } from '../domain/purchase.js';
import type { Now } from '../ports/clock.js';
import type { PurchaseRepository } from '../ports/repositories.js';

/**
 * Does a side effect (an e-mail, an SNS publish) for a purchase once, and records it in the
 * audit trail under `eventId`. The effect happens before it is recorded: a crash in between
 * repeats it on the retry, never loses it (at least once, and once in the normal case).
 */
export async function onceForPurchase(
  deps: { purchases: PurchaseRepository; now: Now },
  purchase: Pick<PurchaseRecord, 'purchaseId'>,
  eventId: string,
  audit: AuditInput,
  effect: () => Promise<unknown>,
): Promise<boolean> {
  const done = await deps.purchases.listAudit(purchase.purchaseId);
  if (done.some((e) => e.eventId === eventId)) return false;
  await effect();
  await deps.purchases.change({ purchaseId: purchase.purchaseId, audit, eventId, now: deps.now() });
  return true;
}
