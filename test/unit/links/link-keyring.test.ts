import { describe, expect, it } from 'vitest';
import {
  isNewerKeyId,
  keyIdOfSignature,
  LinkKeyError,
  linkKeyring,
  parseLinkKeyring,
  retireOldLinkKeys,
  rotateLinkKeyring,
} from '../../../shared/links/link-keyring.js';

const GENERATED = 'Zq7xP2mW9rT4vK8sL1nB6cH3jD5fG0yUa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
const MAC = `${'A'.repeat(42)}E`;

describe('parseLinkKeyring', () => {
  it('reads a generated secret string as the one key, k0, current', () => {
    const keyring = parseLinkKeyring(GENERATED);

    expect(keyring.currentId).toBe('k0');
    expect([...keyring.keys.keys()]).toEqual(['k0']);
    expect(keyring.keys.get('k0')?.equals(Buffer.from(GENERATED, 'utf8'))).toBe(true);
  });

  it('reads the rotated spelling: every listed key, and which one is current', () => {
    const keyring = parseLinkKeyring(
      JSON.stringify({ current: 'k2', keys: { k0: GENERATED, k2: 'b'.repeat(40) } }),
    );

    expect(keyring.currentId).toBe('k2');
    expect([...keyring.keys.keys()]).toEqual(['k0', 'k2']);
  });

  it('refuses a keyring whose current key is not listed, a short key, a bad id or bad JSON, naming ids and never key values', () => {
    const refusals = [
      JSON.stringify({ current: 'k3', keys: { k0: GENERATED } }),
      JSON.stringify({ current: 'k0', keys: { k0: 'short-and-secret' } }),
      JSON.stringify({ current: 'k0', keys: { k0: GENERATED, old: GENERATED } }),
      JSON.stringify({ current: 'k0', keys: [GENERATED] }),
      `{"current":"k0","keys":{"k0":"${GENERATED}"`,
      'short-and-secret',
    ].map((secret) => {
      try {
        parseLinkKeyring(secret);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    });

    expect(refusals.map((e) => e?.name)).toEqual(Array(6).fill('LinkKeyError'));
    for (const error of refusals) {
      expect(error?.message).not.toContain(GENERATED);
      expect(error?.message).not.toContain('short-and-secret');
    }
  });
});

describe('rotateLinkKeyring', () => {
  it('adds the next key id as current and keeps every key before it', () => {
    const first = rotateLinkKeyring(GENERATED, 'n'.repeat(48));
    const second = rotateLinkKeyring(first.secretString, 'm'.repeat(48));

    expect(first).toMatchObject({ currentId: 'k1', previousId: 'k0', keyIds: ['k0', 'k1'] });
    expect(second).toMatchObject({ currentId: 'k2', previousId: 'k1', keyIds: ['k0', 'k1', 'k2'] });
    const keyring = parseLinkKeyring(second.secretString);
    expect(keyring.keys.get('k0')?.toString()).toBe(GENERATED);
    expect(keyring.keys.get('k2')?.toString()).toBe('m'.repeat(48));
  });

  it('makes a random key of 64 characters when given none', () => {
    const a = parseLinkKeyring(rotateLinkKeyring(GENERATED).secretString).keys.get('k1');
    const b = parseLinkKeyring(rotateLinkKeyring(GENERATED).secretString).keys.get('k1');

    expect(a?.length).toBe(64);
    expect(a?.equals(b ?? Buffer.alloc(0))).toBe(false);
  });

  it('refuses to rotate a secret it cannot read, rather than overwrite it', () => {
    expect(() => rotateLinkKeyring('{"current":')).toThrow(LinkKeyError);
  });
});

describe('retireOldLinkKeys', () => {
  it('keeps only the current key and names the ids it dropped', () => {
    const rotated = rotateLinkKeyring(rotateLinkKeyring(GENERATED).secretString).secretString;

    const retired = retireOldLinkKeys(rotated);

    expect(retired).toMatchObject({ currentId: 'k2', retiredIds: ['k0', 'k1'] });
    expect([...parseLinkKeyring(retired.secretString).keys.keys()]).toEqual(['k2']);
  });
});

describe('keyIdOfSignature', () => {
  it('names the id in front of the MAC, k0 for a MAC alone, nothing for a malformed signature', () => {
    expect(keyIdOfSignature(`k12.${MAC}`)).toBe('k12');
    expect(keyIdOfSignature(MAC)).toBe('k0');
    expect(keyIdOfSignature(`k1.${MAC.slice(1)}`)).toBeUndefined();
    expect(keyIdOfSignature(`key.${MAC}`)).toBeUndefined();
    expect(keyIdOfSignature(undefined)).toBeUndefined();
  });
});

describe('linkKeyring', () => {
  it('refuses a key shorter than 32 bytes', () => {
    expect(() => linkKeyring('k0', { k0: 'too-short' })).toThrow(/at least 32/);
  });
});

describe('isNewerKeyId', () => {
  it('is true only for an id above every key the keyring holds', () => {
    const keyring = parseLinkKeyring(rotateLinkKeyring(GENERATED).secretString);

    expect(['k2', 'k10'].map((id) => isNewerKeyId(id, keyring))).toEqual([true, true]);
    expect(['k0', 'k1', 'x2', 'k02'].map((id) => isNewerKeyId(id, keyring))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
