import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LinkKeyError, MIN_LINK_KEY_BYTES } from '../links/signing.js';
import type { LinkKeyProvider } from '../ports/link-key.js';

export interface LinkKeyProviderOptions {
  client: SecretsManagerClient;
  /** Name or ARN of the secret holding the link-signing key. */
  secretId: string;
}

/**
 * Reads the link-signing key from Secrets Manager once and keeps it for the life of the
 * Lambda environment (create the provider at module scope). The key material is the
 * secret's generated SecretString, used as its UTF-8 bytes. A failed read is not cached,
 * so the next call tries again.
 */
export function createLinkKeyProvider({ client, secretId }: LinkKeyProviderOptions): LinkKeyProvider {
  let pending: Promise<Buffer> | undefined;

  async function load(): Promise<Buffer> {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof out.SecretString !== 'string') {
      throw new LinkKeyError(
        `secret ${secretId} has no SecretString; the link key must be a generated string`,
      );
    }
    const key = Buffer.from(out.SecretString, 'utf8');
    if (key.length < MIN_LINK_KEY_BYTES) {
      throw new LinkKeyError(
        `secret ${secretId} holds ${key.length} bytes; the link key needs at least ${MIN_LINK_KEY_BYTES}`,
      );
    }
    return key;
  }

  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
