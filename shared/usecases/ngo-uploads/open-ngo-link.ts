import { randomBytes } from 'node:crypto';
import type { PurchaseRecord } from '../../domain/purchase.js';
import { keyIdOfSignature } from '../../links/link-keyring.js';
import { verifyNgoLink } from '../../links/ngo-link.js';
import type { NgoLinkDeps } from './ngo-upload-deps.js';

/** Opening the NGO's link: signed for one purchase, until it expires. */

export type Opened =
  | { ok: true; purchase: PurchaseRecord; expiresAt: string }
  | { ok: false; status: 403 | 404 | 410 };

export interface LinkInput {
  purchaseId: string;
  exp?: string;
  sig?: string;
}

/** The signature is checked before anything is read, so a forged link learns nothing. */
export async function openLink(deps: NgoLinkDeps, input: LinkInput) {
  const keys = await deps.linkKey(keyIdOfSignature(input.sig));
  const verdict = verifyNgoLink(input.purchaseId, input.exp, input.sig, keys, deps.now());
  if (verdict === 'FORBIDDEN') return { ok: false, status: 403 } satisfies Opened;
  if (verdict === 'EXPIRED') return { ok: false, status: 410 } satisfies Opened;
  const purchase = await deps.purchases.getPurchase(input.purchaseId);
  if (!purchase) return { ok: false, status: 404 } satisfies Opened;
  const expiresAt = new Date(Number(input.exp) * 1000).toISOString();
  return { ok: true, purchase, expiresAt } satisfies Opened;
}

/** Nonces the NGO side hands out when its deps give none (tests do). */
export const newNonce = () => randomBytes(16).toString('base64');
