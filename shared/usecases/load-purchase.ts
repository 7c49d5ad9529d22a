import type { PurchaseRecord } from '../domain/purchase.js';
import type { PurchaseRepository } from '../ports/repositories.js';

/** A workflow step named a purchase that DynamoDB does not hold: a fault, never a refusal. */
export class PurchaseMissingError extends Error {
  override name = 'PurchaseMissingError';
}

/** The purchase a workflow step works on, read fresh from the table. */
export async function loadPurchase(
  deps: { purchases: PurchaseRepository },
  purchaseId: string,
): Promise<PurchaseRecord> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (!purchase) throw new PurchaseMissingError(`purchase ${purchaseId} does not exist`);
  return purchase;
}
