import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InvalidTaskIdError,
  isWellFormedTaskId,
  LinkKeyError,
  signTaskId,
  signTaskLink,
  verifyTaskSignature,
} from '../../../shared/links/signing.js';

const key = Buffer.from('k'.repeat(16) + 'e'.repeat(16) + 'y'.repeat(8), 'utf8');
const otherKey = Buffer.from('o'.repeat(40), 'utf8');
const taskId = 'AbCdEfGhIjKlMnOpQrSt_-12';

function sigOf(link: string): string {
  return new URL(link).searchParams.get('sig') ?? '';
}

describe('signTaskLink', () => {
  it('builds base/tasks/<id>?sig=<HMAC-SHA256 of "task:v1:<id>" in full-length base64url>', () => {
    const expected = createHmac('sha256', key).update(`task:v1:${taskId}`).digest('base64url');

    const link = signTaskLink('https://approve.example.gov.cn', taskId, key);

    expect(link).toBe(`https://approve.example.gov.cn/tasks/${taskId}?sig=${expected}`);
    expect(expected).toHaveLength(43);
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

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => signTaskId(taskId, Buffer.from('too-short'))).toThrow(LinkKeyError);
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

  it('rejects a signature made for another task id', () => {
    const otherId = randomBytes(18).toString('base64url');
    expect(verifyTaskSignature(otherId, sig, key)).toBe(false);
  });

  it('rejects a signature with one character changed', () => {
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyTaskSignature(taskId, flipped, key)).toBe(false);
  });

  it('rejects truncated, extended, empty and padded signatures without throwing', () => {
    expect(verifyTaskSignature(taskId, sig.slice(0, 42), key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig}A`, key)).toBe(false);
    expect(verifyTaskSignature(taskId, '', key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig}=`, key)).toBe(false);
  });

  it('rejects signatures with characters outside base64url (standard base64 or junk)', () => {
    const standardAlphabet = `${sig.slice(0, 41)}+/`;

    expect(verifyTaskSignature(taskId, standardAlphabet, key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig.slice(0, 42)}.`, key)).toBe(false);
    expect(verifyTaskSignature(taskId, `${sig.slice(0, 42)}\u00e9`, key)).toBe(false);
  });

  it('rejects a non-canonical spelling of the right MAC (stray bits in the last character)', () => {
    // The last of 43 characters carries 2 bits of padding; flipping them decodes to the same bytes.
    const last = sig.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const alias = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const aliased = sig.slice(0, 42) + alias;
    expect(Buffer.from(aliased, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);

    expect(verifyTaskSignature(taskId, aliased, key)).toBe(false);
  });

  it('rejects a malformed task id even when given its would-be signature', () => {
    const badId = `${taskId}=`;
    const forged = createHmac('sha256', key).update(`task:v1:${badId}`).digest('base64url');

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
