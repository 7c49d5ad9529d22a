import type { LinkKeyring } from '../ports/link-key.js';
import { signWithCurrentKey, verifyWithNamedKey } from './link-keyring.js';

/**
 * The NGO's page link: `${base}/ngo/${purchaseId}?exp=<unix seconds>&sig=<key id>.<mac>`.
 * It is a capability for ONE purchase until `exp`: the MAC is an HMAC over the purchase id and
 * the expiry under the NGO-link key the id names (link-keyring.ts), so neither can be changed,
 * and it is worth nothing for another purchase or for a task link (a different key, and a
 * different context string).
 */

const SIGNATURE_CONTEXT = 'ngo:v1:';
/** The same shape as purchase ids in upload keys; never contains ':' so the MAC input is unambiguous. */
const PURCHASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Unix seconds without leading zeros, so one expiry has one spelling. */
const EXP_PATTERN = /^[1-9][0-9]{0,11}$/;

export type NgoLinkVerdict = 'OK' | 'FORBIDDEN' | 'EXPIRED';

export class InvalidNgoLinkError extends Error {
  override name = 'InvalidNgoLinkError';
}

const signed = (purchaseId: string, exp: string) => `${SIGNATURE_CONTEXT}${purchaseId}:${exp}`;

/** Unix seconds of an ISO instant, rounded down. */
function unixSeconds(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new InvalidNgoLinkError(`not an instant: ${instant}`);
  return Math.floor(ms / 1000);
}

/** When a link issued at `now` stops working (the settings' `ngoLinks.validityDays`). */
export function ngoLinkExpiresAt(now: string, validityDays: number): string {
  return new Date(Date.parse(now) + validityDays * 24 * 3600 * 1000).toISOString();
}

/** The signed link; `expiresAt` is an ISO instant (kept to the second). */
export function signNgoLink(
  baseUrl: string,
  purchaseId: string,
  expiresAt: string,
  keys: LinkKeyring,
): string {
  if (!PURCHASE_ID_PATTERN.test(purchaseId))
    throw new InvalidNgoLinkError(`not a purchase id: ${purchaseId}`);
  const exp = String(unixSeconds(expiresAt));
  if (!EXP_PATTERN.test(exp)) throw new InvalidNgoLinkError(`expiry out of range: ${expiresAt}`);
  const sig = signWithCurrentKey(keys, signed(purchaseId, exp));
  return `${baseUrl.replace(/\/+$/, '')}/ngo/${purchaseId}?exp=${exp}&sig=${sig}`;
}

/**
 * FORBIDDEN for anything malformed or not signed by us for this purchase and expiry (a key id
 * the keyring does not hold included); EXPIRED only once the signature is proven (so an expiry
 * is never revealed for a forgery). `now` is an ISO instant. The MAC is compared in constant time.
 */
export function verifyNgoLink(
  purchaseId: string,
  exp: string | undefined,
  sig: string | undefined,
  keys: LinkKeyring,
  now: string,
): NgoLinkVerdict {
  if (!PURCHASE_ID_PATTERN.test(purchaseId) || !exp || !EXP_PATTERN.test(exp)) return 'FORBIDDEN';
  if (!sig || !verifyWithNamedKey(keys, signed(purchaseId, exp), sig)) return 'FORBIDDEN';
  return Number(exp) * 1000 <= Date.parse(now) ? 'EXPIRED' : 'OK';
}
