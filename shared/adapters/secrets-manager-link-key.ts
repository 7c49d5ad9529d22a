import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LinkKeyError, type LinkKeyring, parseLinkKeyring } from '../links/link-keyring.js';
import type { LinkKeyProvider } from '../ports/link-key.js';

export interface LinkKeyProviderOptions {
  client: SecretsManagerClient;
  /** Name or ARN of the secret holding the keys of one kind of link. */
  secretId: string;
  /**
   * How long a read keyring is used before the secret is read again: after a rotation, a warm
   * function signs with the new key at the latest this long after (links signed with the old key
   * meanwhile still verify). @default 10 minutes
   */
  maxAgeMs?: number;
  /** The least time between two reads caused by unknown key ids (a forged id cannot flood Secrets Manager). @default 10 seconds */
  minRefreshMs?: number;
  /** Milliseconds since the epoch; tests move it. @default Date.now */
  clock?: () => number;
}

export const LINK_KEYS_MAX_AGE_MS = 10 * 60_000;
const MIN_REFRESH_MS = 10_000;

/**
 * Reads a link keyring from Secrets Manager (the secret's SecretString, link-keyring.ts reads
 * both of its spellings) and keeps it per Lambda environment (create the provider at module
 * scope). It reads again when the keyring is older than `maxAgeMs`, or when asked for a key id
 * it does not hold and the last read is older than `minRefreshMs`. Concurrent calls share one
 * read; a failed read is not kept, so the next call tries again.
 */
export function createLinkKeyProvider({
  client,
  secretId,
  maxAgeMs = LINK_KEYS_MAX_AGE_MS,
  minRefreshMs = MIN_REFRESH_MS,
  clock = Date.now,
}: LinkKeyProviderOptions): LinkKeyProvider {
  let held: { keyring: LinkKeyring; readAt: number } | undefined;
  let pending: Promise<LinkKeyring> | undefined;

  async function load(): Promise<LinkKeyring> {
    const readAt = clock();
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof out.SecretString !== 'string') {
      throw new LinkKeyError(
        `secret ${secretId} has no SecretString; the link keys must be a generated string or a keyring`,
      );
    }
    const keyring = parseLinkKeyring(out.SecretString);
    held = { keyring, readAt };
    return keyring;
  }

  function read(): Promise<LinkKeyring> {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return async (keyId) => {
    if (pending) return pending;
    if (!held) return read();
    const age = clock() - held.readAt;
    const unknownId = keyId !== undefined && !held.keyring.keys.has(keyId);
    if (age >= maxAgeMs || (unknownId && age >= minRefreshMs)) return read();
    return held.keyring;
  };
}
