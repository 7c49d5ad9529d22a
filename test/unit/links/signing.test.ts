import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  linkKeyring,
  parseLinkKeyring,
  retireOldLinkKeys,
  rotateLinkKeyring,
} from '../../../shared/links/link-keyring.js';
import {
  InvalidTaskIdError,
  isWellFormedTaskId,
  signTaskId,
  signTaskLink,
  verifyTaskSignature,
} from '../../../shared/links/signing.js';

const KEY = 'k'.repeat(16) + 'e'.repeat(16) + 'y'.repeat(8);
const key = parseLinkKeyring(KEY);
const otherKey = parseLinkKeyring('o'.repeat(40));
const taskId = 'AbCdEfGhIjKlMnOpQrSt_-12';
/** The MAC of a task id under a raw key, as links carried it before they named their key. */
const macOf = (id: string, raw: string) =>
  createHmac('sha256', raw).update(`task:v1:${id}`).digest('base64url');

function sigOf(link: string): string {
  return new URL(link).searchParams.get('sig') ?? '';
}

describe('signTaskLink', () => {
  it('builds base/tasks/<id>?sig=<key id>.<HMAC-SHA256 of "task:v1:<id>" in full-length base64url>', () => {
    const expected = macOf(taskId, KEY);

    const link = signTaskLink('https://approve.example.gov.cn', taskId, key);

    expect(link).toBe(`https://approve.example.gov.cn/tasks/${taskId}?sig=k0.${expected}`);
    expect(expected).toHaveLength(43);
  });

  it('signs with the current key of a keyring and names it', () => {
    const keys = linkKeyring('k2', { k1: KEY, k2: 'n'.repeat(40) });

    expect(signTaskId(taskId, keys)).toBe(`k2.${macOf(taskId, 'n'.repeat(40))}`);
  });

  it('produces a link whose sig parameter verifies for its task id', () => {
    const link = signTaskLink('https://approve.example.gov.cn', taskId, key);

    expect(verifyTaskSignature(taskId, sigOf(link), key)).toBe(true);
  });

  it('does not double the slash when the base URL ends with one', () => {
    const link = signTaskLink('https://api.example.com/prod/', taskId, key);

    expect(link.startsWith(`https://api.example.com/prod/tasks/${taskId}?sig=`)).toBe(true);
  });

  it('refuses to sign an id that is not a well-formed task id', () => {
    expect(() => signTaskLink('https://x.example', 'short', key)).toThrow(InvalidTaskIdError);
    expect(() => signTaskId(`${taskId}/../x`, key)).toThrow(InvalidTaskIdError);
  });
});

describe('verifyTaskSignature', () => {
  const sig = signTaskId(taskId, key);

  it('accepts the signature made for the task id with the same key', () => {
    expect(verifyTaskSignature(taskId, sig, key)).toBe(true);
  });

  it('rejects the signature under another key', () => {
    expect(verifyTaskSignature(taskId, sig, otherKey)).toBe(false);
  });

  it('accepts, after a rotation, a link signed with the previous key, and signs new links with the new one', () => {
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY, 'n'.repeat(40)).secretString);
    const fresh = signTaskId(taskId, rotated);

    expect(verifyTaskSignature(taskId, sig, rotated)).toBe(true);
    expect(fresh).toBe(`k1.${macOf(taskId, 'n'.repeat(40))}`);
    expect(verifyTaskSignature(taskId, fresh, rotated)).toBe(true);
    // A verifier that has not read the rotation yet does not know k1: refused, not guessed.
    expect(verifyTaskSignature(taskId, fresh, key)).toBe(false);
  });

  it('rejects a key id the keyring does not hold, whatever the MAC', () => {
    const mac = macOf(taskId, KEY);

    expect(verifyTaskSignature(taskId, `k9.${mac}`, key)).toBe(false);
    expect(
      verifyTaskSignature(taskId, `k1.${mac}`, linkKeyring('k1', { k0: 'o'.repeat(40), k1: 'p'.repeat(40) })),
    ).toBe(false);
  });

  it('rejects malformed key ids without throwing', () => {
    const mac = macOf(taskId, KEY);
    for (const bad of [`.${mac}`, `K0.${mac}`, `k00.${mac}`, `k0..${mac}`, `k0.k0.${mac}`, `k-1.${mac}`])
      expect(verifyTaskSignature(taskId, bad, key), bad).toBe(false);
  });

  it('accepts a link without a key id (mailed before links named their key) as one signed with k0', () => {
    const legacy = macOf(taskId, KEY);
    const rotated = parseLinkKeyring(rotateLinkKeyring(KEY).secretString);

    expect(verifyTaskSignature(taskId, legacy, key)).toBe(true);
    expect(verifyTaskSignature(taskId, legacy, rotated)).toBe(true);
  });

  it('rejects a link without a key id once k0 is retired', () => {
    const rotated = rotateLinkKeyring(KEY).secretString;
    const retired = parseLinkKeyring(retireOldLinkKeys(rotated).secretString);

    expect(verifyTaskSignature(taskId, macOf(taskId, KEY), retired)).toBe(false);
    expect(verifyTaskSignature(taskId, sig, retired)).toBe(false);
  });

  it('rejects a signature made for another task id', () => {
    const otherId = randomBytes(18).toString('base64url');
    expect(verifyTaskSignature(otherId, sig, key)).toBe(false);
  });

  it('rejects a signature with one character changed', () => {
    const flipped = `k0.${sig[3] === 'A' ? 'B' : 'A'}${sig.slice(4)}`;
    expect(verifyTaskSignature(taskId, flipped, key)).toBe(false);
  });

  it('rejects truncated, extended, empty and padded signatures without throwing', () => {
    expect(verifyTaskSignature(taskId, sig.slice(0, -1), key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig}A`, key)).toBe(false);
    expect(verifyTaskSignature(taskId, '', key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig}=`, key)).toBe(false);
  });

  it('rejects signatures with characters outside base64url (standard base64 or junk)', () => {
    const standardAlphabet = `${sig.slice(0, -2)}+/`;

    expect(verifyTaskSignature(taskId, standardAlphabet, key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig.slice(0, -1)}.`, key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig.slice(0, -1)}\u00e9`, key)).toBe(false);
  });

  it('rejects a non-canonical spelling of the right MAC (stray bits in the last character)', () => {
    // The last of 43 characters carries 2 bits of padding; flipping them decodes to the same bytes.
    const last = sig.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const alias = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const aliased = sig.slice(0, -1) + alias;
    const mac = (s: string) => Buffer.from(s.slice(3), 'base64url');
    expect(mac(aliased).equals(mac(sig))).toBe(true);

    expect(verifyTaskSignature(taskId, aliased, key)).toBe(false);
  });

  it('rejects a malformed task id even when given its would-be signature', () => {
    const badId = `${taskId}=`;
    const forged = `k0.${macOf(badId, KEY)}`;

    expect(verifyTaskSignature(badId, forged, key)).toBe(false);
  });
});

describe('isWellFormedTaskId', () => {
  it('accepts 18 random bytes in base64url', () => {
    for (let i = 0; i < 20; i++) expect(isWellFormedTaskId(randomBytes(18).toString('base64url'))).toBe(true);
  });

  it('rejects wrong lengths, padding, standard-base64 characters, path and query characters', () => {
    for (const id of [
      '',
      taskId.slice(0, 23),
      `${taskId}A`,
      `${taskId.slice(0, 22)}==`,
      `${taskId.slice(0, 23)}+`,
      `${taskId.slice(0, 23)}/`,
      `${taskId.slice(0, 23)}?`,
      `${taskId.slice(0, 23)} `,
      `${taskId.slice(0, 23)}é`,
    ]) {
      expect(isWellFormedTaskId(id), id).toBe(false);
    }
  });
});
