import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkKeyring } from '../ports/link-key.js';

/**
 * The keys that sign one kind of link (task links, or NGO page links), by key id. A new link is
 * signed with the current key and carries its id in front of the MAC (`sig=k1.<mac>`); a link is
 * checked with the key its id names. So a key can be replaced (rotated) while the links it signed
 * keep working until that key is retired, and an id the keyring does not hold is refused like a
 * wrong signature.
 *
 * The secret holds one of two spellings:
 * - a generated string, as CloudFormation creates the secret: that string is the one key, id `k0`;
 * - after a rotation, `{"current":"k1","keys":{"k0":"…","k1":"…"}}`.
 * A signature without an id (the links mailed before links carried one) names `k0`.
 */

/** The id of a secret's first key, and of every signature without an id. */
export const LEGACY_KEY_ID = 'k0';
/** `k` and a number: a rotation adds the next number. */
const KEY_ID_PATTERN = /^k(?:0|[1-9][0-9]{0,5})$/;
/** 32 bytes of HMAC-SHA256 in unpadded base64url. */
const MAC_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Every key must carry at least as much entropy as the HMAC output. */
export const MIN_LINK_KEY_BYTES = 32;

export class LinkKeyError extends Error {
  override name = 'LinkKeyError';
}

/** What a keyring secret holds after a rotation; key values are the UTF-8 bytes of their strings. */
interface KeyringJson {
  current: string;
  keys: Record<string, string>;
}

/** The keyring from its secret string; names a faulty key by id, never by value. */
export function parseLinkKeyring(secretString: string): LinkKeyring {
  if (!secretString.trimStart().startsWith('{')) {
    return linkKeyring(LEGACY_KEY_ID, { [LEGACY_KEY_ID]: secretString });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new LinkKeyError('the link keys secret starts like JSON but is not JSON');
  }
  const { current, keys } = (parsed ?? {}) as Partial<KeyringJson>;
  if (typeof current !== 'string' || typeof keys !== 'object' || keys === null || Array.isArray(keys))
    throw new LinkKeyError('the link keys secret must be {"current": "<id>", "keys": {"<id>": "<key>"}}');
  return linkKeyring(current, keys);
}

/** A keyring of these keys (strings, used as their UTF-8 bytes), checked as a secret's would be. */
export function linkKeyring(currentId: string, keys: Record<string, unknown>): LinkKeyring {
  const checked = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(keys)) {
    if (!KEY_ID_PATTERN.test(id))
      throw new LinkKeyError(`link key id ${JSON.stringify(id)} is not k<number>`);
    if (typeof value !== 'string') throw new LinkKeyError(`link key ${id} is not a string`);
    const key = Buffer.from(value, 'utf8');
    if (key.length < MIN_LINK_KEY_BYTES)
      throw new LinkKeyError(
        `link key ${id} has ${key.length} bytes; at least ${MIN_LINK_KEY_BYTES} are required`,
      );
    checked.set(id, key);
  }
  if (!checked.has(currentId)) throw new LinkKeyError(`the current link key ${currentId} is not listed`);
  return { currentId, keys: checked };
}

function keyringJson(keyring: LinkKeyring): string {
  const keys = Object.fromEntries([...keyring.keys].map(([id, key]) => [id, key.toString('utf8')]));
  return JSON.stringify({ current: keyring.currentId, keys } satisfies KeyringJson);
}

const keyNumber = (id: string) => Number(id.slice(1));

/**
 * Whether `keyId` is newer than every key the keyring holds: only such an id can name a key a
 * rotation added since the keyring was read (an older unknown id is a retired key, or made up).
 */
export function isNewerKeyId(keyId: string, keyring: LinkKeyring): boolean {
  return (
    KEY_ID_PATTERN.test(keyId) && keyNumber(keyId) > Math.max(...[...keyring.keys.keys()].map(keyNumber))
  );
}

/**
 * Adds a new random key and makes it current; the others stay, so every link mailed before still
 * opens. Returns the secret's new string and the ids (never a key).
 */
export function rotateLinkKeyring(
  secretString: string,
  newKey: string = randomBytes(48).toString('base64url'),
): { secretString: string; currentId: string; previousId: string; keyIds: string[] } {
  const before = parseLinkKeyring(secretString);
  const currentId = `k${Math.max(...[...before.keys.keys()].map(keyNumber)) + 1}`;
  const after = linkKeyring(currentId, {
    ...Object.fromEntries([...before.keys].map(([id, key]) => [id, key.toString('utf8')])),
    [currentId]: newKey,
  });
  return {
    secretString: keyringJson(after),
    currentId,
    previousId: before.currentId,
    keyIds: [...after.keys.keys()],
  };
}

/**
 * Drops every key but the current one: the links they signed stop working. Meant for when the
 * links signed before the last rotation have expired or been answered.
 */
export function retireOldLinkKeys(secretString: string): {
  secretString: string;
  currentId: string;
  retiredIds: string[];
} {
  const before = parseLinkKeyring(secretString);
  const current = before.keys.get(before.currentId) as Buffer;
  return {
    secretString: keyringJson({ currentId: before.currentId, keys: new Map([[before.currentId, current]]) }),
    currentId: before.currentId,
    retiredIds: [...before.keys.keys()].filter((id) => id !== before.currentId),
  };
}

/** HMAC-SHA256 of `message` under `key`, refusing a key too short to carry the MAC's strength. */
export function linkMac(key: Buffer, message: string): Buffer {
  if (key.length < MIN_LINK_KEY_BYTES) {
    throw new LinkKeyError(
      `the link-signing key has ${key.length} bytes; at least ${MIN_LINK_KEY_BYTES} are required`,
    );
  }
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

/** The `sig` of a new link: the current key's id and the MAC that key makes of `message`. */
export function signWithCurrentKey(keyring: LinkKeyring, message: string): string {
  const key = keyring.keys.get(keyring.currentId);
  if (!key) throw new LinkKeyError(`the current link key ${keyring.currentId} is not listed`);
  return `${keyring.currentId}.${linkMac(key, message).toString('base64url')}`;
}

/**
 * The key id a `sig` names (`k0` when it names none), or undefined for one that is malformed.
 * Callers ask their key provider for this id before verifying, so a key added since it was read
 * is fetched.
 */
export function keyIdOfSignature(sig: string | undefined): string | undefined {
  return sig === undefined ? undefined : splitSignature(sig)?.keyId;
}

function splitSignature(sig: string): { keyId: string; mac: Buffer } | undefined {
  const dot = sig.indexOf('.');
  const keyId = dot < 0 ? LEGACY_KEY_ID : sig.slice(0, dot);
  const text = dot < 0 ? sig : sig.slice(dot + 1);
  if (!KEY_ID_PATTERN.test(keyId) || !MAC_PATTERN.test(text)) return undefined;
  const mac = Buffer.from(text, 'base64url');
  // Non-canonical spellings (stray bits in the last character) are refused: one MAC, one spelling.
  if (mac.length !== 32 || mac.toString('base64url') !== text) return undefined;
  return { keyId, mac };
}

/**
 * True only when `sig` is the MAC of `message` under the key its id names; false for a malformed
 * `sig` or an id the keyring does not hold. Compared in constant time.
 */
export function verifyWithNamedKey(keyring: LinkKeyring, message: string, sig: string): boolean {
  const parts = splitSignature(sig);
  const key = parts && keyring.keys.get(parts.keyId);
  if (!parts || !key) return false;
  return timingSafeEqual(parts.mac, linkMac(key, message));
}
