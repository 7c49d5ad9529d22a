import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { isNewerKeyId, LinkKeyError, parseLinkKeyring } from '../links/link-keyring.js';
import type { LinkKeyProvider, LinkKeyring, LinkKeyStore, LinkKind } from '../ports/link-key.js';

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
  /**
   * The least time between two reads caused by key ids newer than any held: a link signed just
   * after a rotation verifies within this time of the last read, and made-up ids cannot make a
   * function read the secret more often. @default 1 second
   */
  minRefreshMs?: number;
  /** Milliseconds since the epoch; tests move it. @default Date.now */
  clock?: () => number;
}

export const LINK_KEYS_MAX_AGE_MS = 10 * 60_000;
const MIN_REFRESH_MS = 1_000;

/**
 * Reads a link keyring from Secrets Manager (the secret's SecretString, link-keyring.ts reads
 * both of its spellings) and keeps it per Lambda environment (create the provider at module
 * scope). It reads again when the keyring is older than `maxAgeMs`, or when asked for a key id
 * newer than every key it holds (a rotation since) and the last read is older than
 * `minRefreshMs`; an unknown older id (a retired key) reads nothing. Concurrent calls share one
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
    const keyring = parseLinkKeyring(await secretStringOf(client, secretId));
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
    const rotatedSince = keyId !== undefined && isNewerKeyId(keyId, held.keyring);
    if (age >= maxAgeMs || (rotatedSince && age >= minRefreshMs)) return read();
    return held.keyring;
  };
}

async function secretStringOf(client: SecretsManagerClient, secretId: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (typeof out.SecretString !== 'string') {
    throw new LinkKeyError(
      `secret ${secretId} has no SecretString; the link keys must be a generated string or a keyring`,
    );
  }
  return out.SecretString;
}

/**
 * The link keys' secrets, read and written whole (GetSecretValue; PutSecretValue, whose value
 * becomes AWSCURRENT). Secrets Manager has no conditional write, so two rotations of one kind at
 * once could lose one of them: rotate one kind at a time.
 */
export function createLinkKeyStore({
  client,
  secretIds,
}: {
  client: SecretsManagerClient;
  secretIds: Record<LinkKind, string>;
}): LinkKeyStore {
  return {
    read: (kind) => secretStringOf(client, secretIds[kind]),
    async write(kind, secretString) {
      await client.send(new PutSecretValueCommand({ SecretId: secretIds[kind], SecretString: secretString }));
    },
  };
}
