import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkKeyring, parseLinkKeyring, rotateLinkKeyring } from '../../../shared/links/link-keyring.js';
import {
  InvalidNgoLinkError,
  ngoLinkExpiresAt,
  signNgoLink,
  verifyNgoLink,
} from '../../../shared/links/ngo-link.js';
import { signTaskId } from '../../../shared/links/signing.js';

const KEY = 'n'.repeat(20) + 'g'.repeat(20);
const key = parseLinkKeyring(KEY);
const otherKey = parseLinkKeyring('o'.repeat(40));
const PURCHASE = 'PUR-2026-ABCDEFGHJKMNPQRS';
const OTHER = 'PUR-2026-ZZZZZZZZZZZZZZZZ';
const EXPIRES = '2026-04-01T08:00:00.000Z';
const EXP = String(Date.parse(EXPIRES) / 1000);
const BEFORE = '2026-03-02T08:00:00.000Z';

function parts(link: string) {
  const url = new URL(link);
  return {
    path: url.pathname,
    exp: url.searchParams.get('exp') ?? '',
    sig: url.searchParams.get('sig') ?? '',
  };
}

describe('signNgoLink', () => {
  it('builds base/ngo/<purchase>?exp=<unix seconds>&sig=<key id>.<HMAC-SHA256 of "ngo:v1:<purchase>:<exp>">', () => {
    const expected = createHmac('sha256', KEY).update(`ngo:v1:${PURCHASE}:${EXP}`).digest('base64url');

    const link = signNgoLink('https://purchases.example.gov.cn/', PURCHASE, EXPIRES, key);

    expect(link).toBe(`https://purchases.example.gov.cn/ngo/${PURCHASE}?exp=${EXP}&sig=k0.${expected}`);
  });

  it('signs with the current key of a rotated keyring and names it', () => {
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY, 'r'.repeat(40)).secretString);
    const expected = createHmac('sha256', 'r'.repeat(40))
      .update(`ngo:v1:${PURCHASE}:${EXP}`)
      .digest('base64url');

    expect(parts(signNgoLink('https://x.example', PURCHASE, EXPIRES, rotated)).sig).toBe(`k1.${expected}`);
  });

  it('refuses a purchase id that could not be a path segment', () => {
    expect(() => signNgoLink('https://x.example', '../etc', EXPIRES, key)).toThrow(InvalidNgoLinkError);
  });

  it('expires validityDays after it is issued', () => {
    expect(ngoLinkExpiresAt(BEFORE, 30)).toBe('2026-04-01T08:00:00.000Z');
  });
});

describe('verifyNgoLink', () => {
  const { exp, sig } = parts(signNgoLink('https://x.example', PURCHASE, EXPIRES, key));

  it('accepts its own link before the expiry', () => {
    expect(verifyNgoLink(PURCHASE, exp, sig, key, BEFORE)).toBe('OK');
  });

  it('is EXPIRED at and after the expiry instant, for a valid signature', () => {
    expect(verifyNgoLink(PURCHASE, exp, sig, key, EXPIRES)).toBe('EXPIRED');
    expect(verifyNgoLink(PURCHASE, exp, sig, key, '2027-01-01T00:00:00.000Z')).toBe('EXPIRED');
  });

  it('is FORBIDDEN, not EXPIRED, when a forged link would also have expired', () => {
    const later = '2027-01-01T00:00:00.000Z';
    expect(verifyNgoLink(PURCHASE, exp, sig, otherKey, later)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, exp, `${sig.slice(0, -2)}AA`, key, later)).toBe('FORBIDDEN');
  });

  it('refuses a prolonged expiry: the signature covers exp', () => {
    expect(verifyNgoLink(PURCHASE, String(Number(exp) + 86400), sig, key, BEFORE)).toBe('FORBIDDEN');
  });

  it("refuses another purchase's signature", () => {
    const other = parts(signNgoLink('https://x.example', OTHER, EXPIRES, key));
    expect(verifyNgoLink(PURCHASE, other.exp, other.sig, key, BEFORE)).toBe('FORBIDDEN');
  });

  it('refuses a task-link signature over the same text (domain separation)', () => {
    const taskSig = signTaskId('AbCdEfGhIjKlMnOpQrSt_-12', key);
    expect(verifyNgoLink(PURCHASE, exp, taskSig, key, BEFORE)).toBe('FORBIDDEN');
  });

  it('refuses missing or malformed parts', () => {
    expect(verifyNgoLink(PURCHASE, undefined, sig, key, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, exp, undefined, key, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, `0${exp}`, sig, key, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, '17e9', sig, key, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, exp, `${sig}=`, key, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink('PUR:1', exp, sig, key, BEFORE)).toBe('FORBIDDEN');
  });

  it('accepts a link mailed before links named their key (no id: k0) while k0 is listed', () => {
    const legacy = sig.replace(/^k0\./, '');
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY).secretString);

    expect(verifyNgoLink(PURCHASE, exp, legacy, key, BEFORE)).toBe('OK');
    expect(verifyNgoLink(PURCHASE, exp, legacy, rotated, BEFORE)).toBe('OK');
  });

  it('accepts a link signed before a rotation, by the key id it names', () => {
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY).secretString);

    expect(verifyNgoLink(PURCHASE, exp, sig, rotated, BEFORE)).toBe('OK');
  });

  it('refuses a key id the keyring does not hold, and a MAC presented under another listed id', () => {
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY).secretString);
    const mac = sig.slice(3);

    expect(verifyNgoLink(PURCHASE, exp, `k7.${mac}`, rotated, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, exp, `k1.${mac}`, rotated, BEFORE)).toBe('FORBIDDEN');
    expect(verifyNgoLink(PURCHASE, exp, `x0.${mac}`, rotated, BEFORE)).toBe('FORBIDDEN');
  });

  it('refuses a link signed with the task-link keys, even for the same text', () => {
    const taskKeys = linkKeyring('k0', { k0: 't'.repeat(40) });
    const forged = parts(signNgoLink('https://x.example', PURCHASE, EXPIRES, taskKeys));

    expect(verifyNgoLink(PURCHASE, forged.exp, forged.sig, key, BEFORE)).toBe('FORBIDDEN');
  });

  it('refuses a non-canonical spelling of the right signature', () => {
    // The last base64url character carries 2 padding bits; flipping one keeps the bytes equal.
    const last = sig.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const variant = sig.slice(0, -1) + twin;
    expect(Buffer.from(variant.slice(3), 'base64url').equals(Buffer.from(sig.slice(3), 'base64url'))).toBe(
      true,
    );
    expect(verifyNgoLink(PURCHASE, exp, variant, key, BEFORE)).toBe('FORBIDDEN');
  });
});
