import { createHmac, timingSafeEqual } from 'node:crypto';
import { LinkKeyError, MIN_LINK_KEY_BYTES } from './signing.js';

/**
 * The NGO's page link: `${base}/ngo/${purchaseId}?exp=<unix seconds>&sig=<signature>`.
 * It is a capability for ONE purchase until `exp`: the signature is an HMAC over the
 * purchase id and the expiry, so neither can be changed, and it is worth nothing for
 * another purchase or for a task link (different context string).
 */

const SIGNATURE_CONTEXT = 'ngo:v1:';
/** The same shape as purchase ids in upload keys; never contains ':' so the MAC input is unambiguous. */
const PURCHASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Unix seconds without leading zeros, so one expiry has one spelling. */
const EXP_PATTERN = /^[1-9][0-9]{0,11}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type NgoLinkVerdict = 'OK' | 'FORBIDDEN' | 'EXPIRED';

export class InvalidNgoLinkError extends Error {
  override name = 'InvalidNgoLinkError';
}

function mac(purchaseId: string, exp: string, key: Buffer): Buffer {
  if (key.length < MIN_LINK_KEY_BYTES) {
    throw new LinkKeyError(
      `the link-signing key has ${key.length} bytes; at least ${MIN_LINK_KEY_BYTES} are required`,
    );
  }
  return createHmac('sha256', key).update(`${SIGNATURE_CONTEXT}${purchaseId}:${exp}`, 'utf8').digest();
}

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
export function signNgoLink(baseUrl: string, purchaseId: string, expiresAt: string, key: Buffer): string {
  if (!PURCHASE_ID_PATTERN.test(purchaseId))
    throw new InvalidNgoLinkError(`not a purchase id: ${purchaseId}`);
  const exp = String(unixSeconds(expiresAt));
  if (!EXP_PATTERN.test(exp)) throw new InvalidNgoLinkError(`expiry out of range: ${expiresAt}`);
  const sig = mac(purchaseId, exp, key).toString('base64url');
  return `${baseUrl.replace(/\/+$/, '')}/ngo/${purchaseId}?exp=${exp}&sig=${sig}`;
}

/**
 * FORBIDDEN for anything malformed or not signed by us for this purchase and expiry;
 * EXPIRED only once the signature is proven (so an expiry is never revealed for a forgery).
 * `now` is an ISO instant. The MAC is compared in constant time.
 */
export function verifyNgoLink(
  purchaseId: string,
  exp: string | undefined,
  sig: string | undefined,
  key: Buffer,
  now: string,
): NgoLinkVerdict {
  if (!PURCHASE_ID_PATTERN.test(purchaseId) || !exp || !EXP_PATTERN.test(exp)) return 'FORBIDDEN';
  if (!sig || !SIGNATURE_PATTERN.test(sig)) return 'FORBIDDEN';
  const given = Buffer.from(sig, 'base64url');
  // Non-canonical spellings (stray bits in the last character) are refused: one MAC, one link.
  if (given.length !== 32 || given.toString('base64url') !== sig) return 'FORBIDDEN';
  if (!timingSafeEqual(given, mac(purchaseId, exp, key))) return 'FORBIDDEN';
  return Number(exp) * 1000 <= Date.parse(now) ? 'EXPIRED' : 'OK';
}
